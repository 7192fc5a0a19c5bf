/* Restores in the runtime (app layer): everything a front end needs to run
 * a restore, follow its job and read its log, with no blocking call on the
 * loop thread. Shared by the console (tui_restore.c), `ibench restore`,
 * `jobs`, `history` and `doctor`.
 *
 * A restore goes: verb RESTORE/ERASE start -> restore_begin(): the source
 * (a file, an http(s) URL, a build or "latest") is resolved and the
 * preflight runs on the worker pool; a build not in the cache is downloaded
 * on the loop (curl multi). The result comes back as a BEV_RESTORE event and
 * is kept here (restore_current()). The front end then asks
 * restore_question() and passes the answer to restore_confirm(), which
 * creates and queues the job on the pool; the job source follows it. An
 * IPSW not known intact (ipsw_intact.h) has every entry's CRC read on the
 * pool first (RESTORE_VERIFYING): a damaged one never reaches the engine.
 *
 * restore.c: the preflight itself (pure checks plus file reads), run on a
 * worker from a snapshot of the loop thread's state (restore_facts).
 * restores.c: the requests, the jobs' mirror, logs and the headless helpers. */
#ifndef IBENCH_RESTORE_H
#define IBENCH_RESTORE_H
#include <limits.h>

#include "app.h"
#include "bench.h"
#include "engine_version.h"
#include "job_record.h"

enum verdict { V_PASS, V_WARN, V_FAIL };

#define PREFLIGHT_MAX 14

struct preflight {
    int n, failed, warned;
    struct { char name[16]; enum verdict v; char text[320]; } item[PREFLIGHT_MAX];
    /* what the IPSW says */
    char version[32], build[32];
    long long ipsw_size;
    int intact;           /* known intact (ipsw_intact.h); else verified before the engine starts */
};

const char *verdict_word(enum verdict v);   /* "ok", "warn", "FAIL" */

/* --- the preflight (restore.c) ------------------------------------------ */

/* What the loop thread knows, copied for the worker. */
struct restore_facts {
    struct device dev;
    char mux_error[160], usb_error[160];
    char other_iboot[64], other_mode[24];   /* another Recovery/DFU device attached, "" if none */
    int running_jobs;                       /* restores running on this bench now */
};
void restore_facts_take(const struct app *a, const struct device *d, struct restore_facts *f);

/* Every check for restoring f->dev with the local IPSW `ipsw` (Update unless
 * erase). Reads the archive, the catalog (fresh when reachable; only the
 * cached copy when offline), the disk. Blocking: run it on the pool. */
void restore_preflight(const struct config *c, const struct restore_facts *f, const char *ipsw, int erase,
                       const struct engine_info *e, int have_engine, int offline, struct preflight *pf);
/* Fills a new job for device d with the IPSW the preflight read. */
void restore_job_init(struct job *j, const struct device *d, const struct preflight *pf, const char *ipsw, int erase);

/* --- requests (restores.c) ---------------------------------------------- */

enum restore_stage {
    RESTORE_NONE = 0,      /* no request */
    RESTORE_RESOLVING,     /* reading the source and running the preflight on the pool */
    RESTORE_DOWNLOADING,   /* fetching the build into the firmware cache (progress) */
    RESTORE_READY,         /* preflight passed: waiting for the technician's answer */
    RESTORE_REFUSED,       /* preflight failed or the source cannot be used: message says why */
    RESTORE_VERIFYING,     /* confirmed: reading every entry's CRC on the pool first (progress) */
    RESTORE_SUBMITTING,    /* creating and queueing the job on the pool */
    RESTORE_QUEUED,        /* the job exists: job_id */
    RESTORE_DROPPED,       /* the technician said no, or a newer request replaced it */
};

enum { RESTORE_FRESH_CATALOG = 1 };   /* restore_begin flags: ask the catalog server (headless) */

struct restore_request {
    unsigned id;
    enum restore_stage stage;
    unsigned dev_id;
    uint64_t ecid;
    int erase;
    char who[160];              /* the device described in full, when asked */
    char short_who[160];        /* the same with a short ECID */
    char source[PATH_MAX];      /* as typed: file, URL, build or "latest" */
    char ipsw[PATH_MAX];        /* the local file the job reads */
    char message[400];          /* the stage in words, or why it stopped */
    int progress;               /* download or verification percent, -1 when none */
    long long done, total;      /* RESTORE_VERIFYING: bytes read of all */
    int refusal;                /* enum verb_refusal when REFUSED */
    int damaged;                /* REFUSED because verification found the IPSW damaged */
    struct preflight pf;
    struct engine_info engine;  /* the engine the preflight judged */
    int have_engine;
    unsigned job_id;
};

/* Starts a request for d (Update, or Erase when erase); it replaces any
 * earlier one. The request id (> 0), or -1 with err. Loop thread. */
int restore_begin(struct app *a, const struct device *d, int erase, const char *source, unsigned flags, char *err, size_t n);
/* Flags every later request gets (RESTORE_FRESH_CATALOG for a headless run). */
void restore_set_flags(struct app *a, unsigned flags);
/* The verb table's starts for VERB_RESTORE and VERB_ERASE: restore_begin(). */
int restore_verb_update(struct app *a, const struct device *d, const char *arg, char *err, size_t n);
int restore_verb_erase(struct app *a, const struct device *d, const char *arg, char *err, size_t n);
/* The newest request (stage RESTORE_NONE when there is none). */
const struct restore_request *restore_current(const struct app *a);
/* The one question for a READY request: Update is y/N naming the device,
 * the version and the build; Erase asks for the last 4 ECID digits. */
void restore_question(const struct restore_request *r, int short_ecid, char *out, size_t n);
/* The technician's answer: NULL (or "") for y on an Update, the typed digits
 * for an Erase. 0 when the job is being created (then RESTORE_QUEUED or
 * RESTORE_REFUSED follows), -1 with err when refused (the request is dropped). */
int restore_confirm(struct app *a, unsigned id, const char *typed, char *err, size_t n);
void restore_drop(struct app *a, unsigned id);
/* For restore_confirm only: queue the job of a READY request whose answer
 * was checked; or end the request refused (refusal: enum verb_refusal). */
int restore_submit(struct app *a, unsigned id, char *err, size_t n);
void restore_refuse(struct app *a, unsigned id, int refusal, const char *why);

enum restore_note { RESTORE_NOTE_REQUEST, RESTORE_NOTE_LOG };
/* Called on the loop thread when the request or the followed log changes.
 * One listener (the front end). */
void restore_listen(struct app *a, void (*fn)(void *ctx, enum restore_note note, const struct restore_request *r), void *ctx);

/* --- jobs (the runtime's mirror, loop thread) ---------------------------- */

/* The newest job for a device (running first), a job by id, or NULL. Valid
 * until the loop runs again. */
const struct job *restore_job_for(const struct app *a, uint64_t ecid);
const struct job *restore_job_get(const struct app *a, unsigned id);
int restore_jobs_active(const struct app *a);     /* queued or running */

/* The log of job `id`, from memory: lines oldest first. When it is not held
 * (or has changed), a read is started on the pool and RESTORE_NOTE_LOG says
 * when it is in; until then the last copy (or none) is returned. Never reads
 * a file itself. */
#define RESTORE_LOG_BYTES (256 * 1024)
#define RESTORE_LOG_LINES 4096
struct restore_log {
    unsigned job_id;
    int nlines;
    const char *line[RESTORE_LOG_LINES];   /* NUL-terminated, control bytes kept (sanitize to draw) */
};
const struct restore_log *restore_log(struct app *a, unsigned job_id);

/* --- headless helpers (blocking: for `ibench jobs`, `history`, `doctor`) -- */

/* Every job on disk, newest first, each brought up to date (jobs whose
 * engine ended are finished; queued ones started when the caps allow). *n
 * set; the caller frees. */
struct job *restore_jobs_list(const struct config *c, int *n);
/* Asks job id to stop and waits up to 10 s for it; the job as it ended in *out. */
int restore_jobs_cancel(const struct config *c, unsigned id, struct job *out, char *err, size_t n);
int restore_jobs_find(const struct config *c, unsigned id, struct job *out);
int restore_jobs_prune(const struct config *c, int days, void (*removed)(void *ctx, const struct job *j), void *ctx);
/* How many jobs run and wait, and how many folders are kept. */
void restore_jobs_count(const struct config *c, int *running, int *queued, int *kept);
/* The history (history.jsonl) as rows, a retried job once (its last attempt).
 * Returns a jansson array (json_t *) the caller decrefs. */
void *restore_history_rows(const struct config *c);
/* The engine, probed (bounded: each probe is killed after 5 s). */
int restore_engine_probe(const struct config *c, struct engine_info *e, char *err, size_t n);

/* The runtime's hooks (app.c only). */
int restores_open(struct app *a);
void restores_close(struct app *a);
void restores_event(struct app *a, const struct bench_ev *ev);

#endif
