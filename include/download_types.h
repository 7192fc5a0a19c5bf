/* What a firmware download reports (pure types): its outcome and its
 * progress, shared by download.c, the queue's bookkeeping (fwq.h) and the
 * front ends that show them. */
#ifndef IBENCH_DOWNLOAD_TYPES_H
#define IBENCH_DOWNLOAD_TYPES_H
#include <stdint.h>

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

#endif
