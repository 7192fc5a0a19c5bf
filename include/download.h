/* Firmware downloads on the event loop through curl's multi-socket interface.
 * A download resumes a partial file with HTTP Range (starting over when the
 * server ignores Range), hashes while the bytes stream (SHA-1, and SHA-256 when
 * known), checks the size, and enters the cache only verified, by rename.
 * A lock file keeps two ibench processes from writing the same file. */
#ifndef IBENCH_DOWNLOAD_H
#define IBENCH_DOWNLOAD_H
#include <stdint.h>

#include "catalog.h"
#include "loop.h"

struct download;

/* What a finished download's rc means (and what was kept). */
enum download_rc {
    DOWNLOAD_OK = 0,              /* verified and in the cache */
    DOWNLOAD_ERR_NETWORK = -1,    /* HTTP, TLS, connection, redirects: the partial is kept */
    DOWNLOAD_ERR_INTEGRITY = -2,  /* size or checksum mismatch: the partial is deleted */
    DOWNLOAD_ERR_DISK = -3,       /* disk full or cache not writable: the partial is kept */
    DOWNLOAD_ERR_CANCELLED = -4,  /* download_cancel: the partial is kept */
};

struct download_progress {
    int64_t done, total;      /* bytes */
    double rate;              /* bytes/s, smoothed */
    int64_t eta_s;            /* -1 unknown */
    int resumed;              /* started from a partial file */
    int waiting;              /* another ibench process is downloading this file; done is its partial */
};

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
