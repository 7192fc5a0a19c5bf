/* The open IPSW document: what an IPSW (a file, or an http(s) URL read with
 * Range requests) holds, whether it is complete, and what reading it cost.
 *
 * Two ways in:
 * - ipsw_doc_read() blocks for as long as the read takes: the command line
 *   calls it, and so does the pool.
 * - ipsw_doc_open() is the runtime's (loop thread, never blocks): the read
 *   runs on the pool, and its result comes back on the loop (with a note in
 *   the event log, which redraws a console) to become the runtime's open
 *   document, ipsw_doc_current(), until the next open or app_close(). */
#ifndef IBENCH_IPSW_DOC_H
#define IBENCH_IPSW_DOC_H
#include <stddef.h>

#include "app.h"
#include "ipsw_manifest.h"
#include "ipsw_types.h"

/* What is known of the archive's data, beyond its directory (ipsw_intact.h). */
enum ipsw_doc_check {
    IPSW_CHECK_DIRECTORY,   /* directory consistent, manifest read; CRCs not checked */
    IPSW_CHECK_VERIFYING,   /* every entry being read on the pool: vdone of vtotal bytes */
    IPSW_CHECK_INTACT,      /* every CRC checked, or the cache's catalog checksum (by_catalog) */
    IPSW_CHECK_DAMAGED,     /* check_err names the entry */
};

enum ipsw_doc_state {
    IPSW_DOC_READING,   /* being read on the pool */
    IPSW_DOC_READY,     /* m is the manifest (missing may be > 0: incomplete) */
    IPSW_DOC_FAILED,    /* err says why; network says whether the transport failed */
};

struct ipsw_doc {
    enum ipsw_doc_state state;
    char source[256];               /* the file or URL */
    int remote;                     /* source is a URL */
    struct ipsw_manifest *m;        /* READY only (about 2 MB, on the heap) */
    int missing;                    /* manifest components the archive lacks */
    long long transferred, requests;/* remote: bytes received and requests made */
    char err[400];                  /* FAILED: the reader's reason */
    int network;                    /* FAILED because the transport failed ... */
    char net_err[400];              /* ... and its first failure */
    enum ipsw_doc_check check;      /* READY: how far its integrity is known */
    int by_catalog;                 /* INTACT through the cache's record of the catalog's checksum */
    long long vdone, vtotal;        /* VERIFYING: bytes read of all */
    char check_err[400];            /* DAMAGED, or why it could not be verified */
};

/* Reads source now (c: the firmware cache to ask whether it is known
 * intact; may be NULL). NULL only when out of memory. */
struct ipsw_doc *ipsw_doc_read(const struct config *c, const char *source);
/* Reads every entry of a READY local document now, progress(done, total,
 * user) at most ten times a second; sets check to INTACT or DAMAGED (or
 * leaves it, with check_err, when the file cannot be read). Returns 0 when
 * intact. */
int ipsw_doc_verify(struct ipsw_doc *d, void (*progress)(long long done, long long total, void *user), void *user);
void ipsw_doc_free(struct ipsw_doc *d);

/* Starts reading source on the pool as the runtime's open document. 0, or
 * -1 with err (the last one is still being read, or no worker). */
int ipsw_doc_open(struct app *a, const char *source, char *err, size_t n);
/* Starts verifying the runtime's open document on the pool (its check goes
 * VERIFYING, then INTACT or DAMAGED; each percent redraws). 0, or -1 with
 * err (nothing open, remote, already known, or no worker). */
int ipsw_doc_verify_start(struct app *a, char *err, size_t n);
/* The runtime's open document (being read, read or failed), NULL if none. */
const struct ipsw_doc *ipsw_doc_current(const struct app *a);

/* The verb table's start for VERB_OPEN_IPSW: arg is the file or URL. */
int ipsw_doc_verb_open(struct app *a, const struct device *d, const char *arg, char *err, size_t n);

/* Extraction (ipsw_types.h): blocks until done, *o->cancel stops it. Returns
 * r->status. */
int ipsw_doc_extract(const struct ipsw_extract_opts *o, struct ipsw_extract_result *r);

#endif
