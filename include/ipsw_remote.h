/* Remote IPSW archives read with HTTP Range requests (curl). */
#ifndef IBENCH_IPSW_REMOTE_H
#define IBENCH_IPSW_REMOTE_H
#include <stddef.h>

#include "ipsw_types.h"

struct zip_source;

/* Remote archives (ipsw_remote.c): a libzip source reading URL with HTTP Range
 * requests through a small read-ahead cache. NULL with a reason. */
struct zip_source *ipsw_remote_source(const char *url, struct ipsw_transfer *xfer, char *err, size_t errlen);

#endif
