/* IPSW inspection: the BuildManifest (pure parser) and the archive around it
 * (libzip). Nothing in an archive is trusted: every plist value is
 * type-checked and every size comes from the central directory. */
#ifndef IBENCH_IPSW_H
#define IBENCH_IPSW_H
#include <stddef.h>
#include <stdint.h>

#define IPSW_MAX_IDENTITIES 64
#define IPSW_MAX_COMPONENTS 96
#define IPSW_MAX_PRODUCTS 32
#define IPSW_MANIFEST_MAX (16u << 20)   /* a BuildManifest larger than this is refused */
#define IPSW_MANIFEST_DEPTH_MAX 64      /* and one nested deeper than this (real ones: about 8) */
#define IPSW_STR_(x) #x
#define IPSW_STR(x) IPSW_STR_(x)

struct ipsw_component {
    char name[64];        /* "KernelCache", "iBSS", ... */
    char path[256];       /* entry inside the archive */
    int64_t size;         /* from the central directory, -1 if absent */
};

struct ipsw_identity {
    char board[32];       /* Info.DeviceClass, "d20ap" */
    uint32_t chip_id, board_id;
    char variant[128];    /* Info.Variant */
    char behavior[16];    /* Info.RestoreBehavior: "Erase" or "Update" */
    int ncomponents;
    struct ipsw_component components[IPSW_MAX_COMPONENTS];
};

struct ipsw_manifest {
    char version[32], build[32];
    int nproducts;
    char products[IPSW_MAX_PRODUCTS][32];
    int nidentities;
    struct ipsw_identity identities[IPSW_MAX_IDENTITIES];
};

/* Parses BuildManifest.plist bytes (XML or binary). 0, or -1 with a reason. */
int ipsw_manifest_parse(const void *data, size_t len, struct ipsw_manifest *m, char *err, size_t errlen);

/* Bytes and requests a remote archive cost; shared by every handle opened on
 * it (workers add concurrently). failed is set when the transport failed, so a
 * caller can tell a network error from a damaged archive. */
struct ipsw_transfer {
    _Atomic long long bytes, requests; /* bytes: bodies and headers received */
    _Atomic int failed;
    char err[400];                     /* the first transport failure (written by whoever set failed) */
};

/* True for http:// and https:// addresses. */
int ipsw_is_url(const char *s);

/* Opens a local file or an http(s) URL read-only as a libzip archive (a URL is
 * read with HTTP Range requests). check: also verify every local header against
 * the central directory (ZIP_CHECKCONS; local files only). xfer may be NULL.
 * Each handle serves one thread. NULL with a reason. */
struct zip *ipsw_open(const char *file_or_url, int check, struct ipsw_transfer *xfer, char *err, size_t errlen);

/* Opens FILE or URL, checks the archive, reads the manifest and fills component
 * sizes (-1 where a manifest path has no entry). *missing counts those. */
int ipsw_read(const char *path, struct ipsw_manifest *m, int *missing, struct ipsw_transfer *xfer, char *err,
              size_t errlen);
/* The same on an archive already open. */
int ipsw_read_zip(struct zip *z, const char *label, struct ipsw_manifest *m, int *missing, char *err, size_t errlen);

/* Which identities fit a device: sets fits[i] for each identity; returns the
 * count, and when none fit, a plain reason in why. */
int ipsw_match(const struct ipsw_manifest *m, const char *product_type, uint32_t cpid, uint32_t bdid,
               int fits[IPSW_MAX_IDENTITIES], char *why, size_t whylen);

/* Entry names that could escape the output folder or are not plain files. */
int ipsw_name_is_safe(const char *name);

/* Extraction. A job plans on its own thread (opens the archive, resolves
 * patterns), then 'threads' workers take entries largest first, each with its
 * own libzip handle. Every file is written to a temporary name beside its
 * destination (O_EXCL, never following a symlink, relative to the output
 * folder's descriptor), its size bounded by the central directory and its CRC
 * verified to the end, and only then renamed into place. */
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

struct ipsw_extract;
/* Starts a job; the options are copied. -1 with a reason if no thread starts. */
int ipsw_extract_start(const struct ipsw_extract_opts *o, struct ipsw_extract **job, char *err, size_t errlen);
/* Waits for the job, fills res and frees it. Returns res->status. */
int ipsw_extract_finish(struct ipsw_extract *job, struct ipsw_extract_result *res);
/* start + finish. */
int ipsw_extract_run(const struct ipsw_extract_opts *o, struct ipsw_extract_result *res);

/* Remote archives (ipsw_remote.c): a libzip source reading URL with HTTP Range
 * requests through a small read-ahead cache. NULL with a reason. */
struct zip_source *ipsw_remote_source(const char *url, struct ipsw_transfer *xfer, char *err, size_t errlen);

#endif
