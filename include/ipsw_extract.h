/* IPSW extraction on worker threads (options and result: ipsw_types.h). */
#ifndef IBENCH_IPSW_EXTRACT_H
#define IBENCH_IPSW_EXTRACT_H
#include <stddef.h>

#include "ipsw_types.h"

/* Extraction. A job plans on its own thread (opens the archive, resolves
 * patterns), then 'threads' workers take entries largest first, each with its
 * own libzip handle. Every file is written to a temporary name beside its
 * destination (O_EXCL, never following a symlink, relative to the output
 * folder's descriptor), its size bounded by the central directory and its CRC
 * verified to the end, and only then renamed into place. */
struct ipsw_extract;
/* Starts a job; the options are copied. -1 with a reason if no thread starts. */
int ipsw_extract_start(const struct ipsw_extract_opts *o, struct ipsw_extract **job, char *err, size_t errlen);
/* Waits for the job, fills res and frees it. Returns res->status. */
int ipsw_extract_finish(struct ipsw_extract *job, struct ipsw_extract_result *res);
/* start + finish. */
int ipsw_extract_run(const struct ipsw_extract_opts *o, struct ipsw_extract_result *res);

#endif
