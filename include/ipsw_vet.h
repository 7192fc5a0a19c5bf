/* The consistency of an IPSW's directory, checked from the archive's own
 * bytes before anything trusts it: libzip 1.7 neither refuses overlapping
 * entries nor says which rule an inconsistent archive broke. */
#ifndef IBENCH_IPSW_VET_H
#define IBENCH_IPSW_VET_H
#include <stddef.h>

#include "ipsw_types.h"

/* Refuses, naming the entry: two entries of one name, entries whose data
 * overlap (or run into the central directory), and, for a local file, a
 * local header naming an entry otherwise than the central directory does.
 * A URL is read with Range requests (xfer may be NULL); its local headers
 * are not read (one request each). 0, or -1 with a reason. */
int ipsw_vet(const char *file_or_url, struct ipsw_transfer *xfer, char *err, size_t errlen);

#endif
