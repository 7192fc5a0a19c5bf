/* Firmware downloads on the event loop through curl's multi-socket interface.
 * A download resumes a partial file with HTTP Range (starting over when the
 * server ignores Range), hashes while the bytes stream (SHA-1, and SHA-256 when
 * known), checks the size, and enters the cache only verified, by rename.
 * A lock file keeps two ibench processes from writing the same file. */
#ifndef IBENCH_DOWNLOAD_H
#define IBENCH_DOWNLOAD_H
#include <stdint.h>

#include "catalog_parse.h"
#include "download_types.h"
#include "loop.h"

struct download;

/* When another process holds the file's lock, the download waits (polling the
 * lock every half second, progress from the other's partial) and then either
 * finds the file in the cache (DOWNLOAD_OK) or carries on from the partial.
 * Called on the loop thread; rc is an enum download_rc, message says what
 * happened, path is where the file is (or would be). */
typedef void (*download_done_cb)(void *ctx, int rc, const char *message, const char *path);
typedef void (*download_progress_cb)(void *ctx, const struct download_progress *p);

/* Starts (or resumes) one download into the cache. NULL when it cannot start,
 * with *rc (an enum download_rc) and err saying why; done is then never called. */
struct download *download_start(struct loop *l, const struct config *c, const struct firmware *f,
                                download_progress_cb progress, download_done_cb done, void *ctx,
                                int *rc, char *err, size_t errlen);
void download_cancel(struct download *d);   /* keeps the partial for a later resume */

#endif
