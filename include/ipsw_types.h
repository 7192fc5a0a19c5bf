/* What every layer says about IPSW reads and extractions (types only): the
 * bytes a remote archive cost, and an extraction's options, progress and
 * result. The work is ipsw_archive.h and ipsw_extract.h (sources). */
#ifndef IBENCH_IPSW_TYPES_H
#define IBENCH_IPSW_TYPES_H
#include <stdint.h>

/* Bytes and requests a remote archive cost; shared by every handle opened on
 * it (workers add concurrently). failed is set when the transport failed, so a
 * caller can tell a network error from a damaged archive. */
struct ipsw_transfer {
    _Atomic long long bytes, requests; /* bytes: bodies and headers received */
    _Atomic int failed;
    char err[400];                     /* the first transport failure (written by whoever set failed) */
};

enum ipsw_x_status {
    IPSW_X_OK = 0,
    IPSW_X_NOMATCH = -1,     /* a pattern matched nothing, or bad options */
    IPSW_X_INTEGRITY = -2,   /* hostile or damaged archive: name, size, CRC, truncation */
    IPSW_X_ENVIRONMENT = -3, /* disk full, unwritable folder */
    IPSW_X_CANCELLED = -4,   /* *cancel was set */
    IPSW_X_NETWORK = -5,     /* a remote archive could not be read */
    IPSW_X_NOFIT = -6,       /* no identity fits the device */
};

struct ipsw_progress {
    long long done, total;   /* bytes written so far, bytes to write */
    int files_done, files_total;
    const char *entry;       /* entry being written (valid during the call) */
};
/* Called from worker threads, never two at once (the job's lock is held). */
typedef void (*ipsw_progress_fn)(const struct ipsw_progress *p, void *user);

struct ipsw_extract_opts {
    const char *archive;                 /* file or URL */
    const char *out_dir;                 /* created if missing */
    const char *const *patterns;         /* globs or component names; none = everything */
    int npatterns;
    /* Device filter: when set, component names (and no patterns) resolve to
     * the identities fitting this chip/board only. */
    int have_device;
    char product_type[32];
    uint32_t cpid, bdid;
    const char *behavior;                /* "Erase", "Update" or NULL for both */
    int threads;                         /* 0: min(2, online CPUs) */
    _Atomic int *cancel;                 /* set (e.g. by a signal handler) to stop; may be NULL */
    ipsw_progress_fn progress;
    void *user;
    struct ipsw_transfer *xfer;          /* may be NULL */
};

struct ipsw_extract_result {
    int status;                          /* enum ipsw_x_status */
    int files;                           /* files completed and renamed into place */
    long long bytes;
    char err[600];                       /* the first error, naming the entry */
};

#endif
