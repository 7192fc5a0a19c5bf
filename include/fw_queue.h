/* The download manager: every firmware request on the bench goes through one
 * queue, so two devices needing the same build share one download, and no
 * more than `max_downloads` (configuration) transfers run at once.
 *
 * Two layers in one module:
 *   fwq_*       the bookkeeping, pure (no loop, no I/O): jobs keyed by
 *               (product type, build), requests attached to jobs, the cap.
 *               Unit-tested in tests/unit/test_fw_queue.c.
 *   fw_queue_*  the manager on the event loop: starts transfers with
 *               download.c when the bookkeeping says so, feeds progress and
 *               results back into it, and tells each request's owner.
 *
 * Manager contract (for the console's firmware panel and for `fw get`):
 *   - Everything runs on the loop thread; no function here is thread-safe.
 *   - fw_queue_get() never calls back from inside itself: results (even "already
 *     in the cache" or "cannot start") arrive from the loop, later.
 *   - A request's done callback runs exactly once, unless fw_queue_cancel() was
 *     called for it first; after fw_queue_cancel() returns it never runs. The
 *     callback may call fw_queue_get() and fw_queue_cancel().
 *   - Cancelling the last request of a running transfer stops it (the partial
 *     file is kept for a later resume); other requests on it are untouched.
 *   - Progress is polled, not pushed: fw_queue_status()/fw_queue_jobs() read
 *     the current figures; the notify callback (if set) says "something
 *     changed, redraw" at most a few times a second per transfer.
 *   - The queue copies the firmware record; the caller's may go away.
 *   - fw_queue_free() stops every transfer (partials kept) without callbacks. */
#ifndef IBENCH_FW_QUEUE_H
#define IBENCH_FW_QUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "download.h"
#include "loop.h"

#define FWQ_MAX_JOBS 32        /* distinct builds queued or running */
#define FWQ_MAX_REQUESTS 128   /* requests (devices, commands) attached to them */
#define FWQ_DEFAULT_CAP 2      /* when max_downloads is unset or out of range */

enum fwq_state {
    FWQ_FREE = 0,   /* an unused slot */
    FWQ_QUEUED,     /* waiting for a transfer slot under the cap */
    FWQ_ACTIVE,     /* its transfer runs (or waits on another process's lock) */
    FWQ_DONE,       /* finished: rc, message and path are set; leaves once told */
};

struct fwq_job {
    int id;                        /* > 0, never reused by one queue */
    enum fwq_state state;
    struct firmware fw;            /* fw.identifier and fw.build are the key */
    uint64_t order;                /* arrival order: queued jobs start first come, first served */
    int requests;                  /* how many requests are attached */
    struct download_progress p;    /* latest figures while active */
    int rc;                        /* enum download_rc once done */
    char message[512];
    char path[PATH_MAX];
};

struct fwq_request {
    int id;                        /* > 0; 0 = free slot */
    int job;
};

struct fwq {
    int cap;
    int next_id;
    uint64_t next_order;
    struct fwq_job jobs[FWQ_MAX_JOBS];
    struct fwq_request reqs[FWQ_MAX_REQUESTS];
};

/* ---- bookkeeping (pure) ---- */
void fwq_init(struct fwq *q, int cap);   /* cap outside 1..16: FWQ_DEFAULT_CAP */
/* Attaches a request to the job for (f->identifier, f->build), making the job
 * (queued) if there is none. Returns the request id (> 0), or -1 when full.
 * *job_id gets the job; *shared is true when the job already existed. */
int fwq_add(struct fwq *q, const struct firmware *f, int *job_id, bool *shared);
/* The queued job that should start now (oldest first) if fewer than cap are
 * active; it becomes active. 0 when nothing should start. */
int fwq_next(struct fwq *q);
void fwq_progress(struct fwq *q, int job, const struct download_progress *p);
/* The job's transfer ended: it becomes done (its slot under the cap is free). */
void fwq_finish(struct fwq *q, int job, int rc, const char *message, const char *path);
/* Detaches a request. Returns the job id when that job is active and now has
 * no request left (the caller stops the transfer, then calls fwq_drop); a
 * queued job left without requests is dropped here. 0 otherwise, -1 unknown id. */
int fwq_cancel(struct fwq *q, int request);
/* Forgets a job and every request still attached to it. */
void fwq_drop(struct fwq *q, int job);
/* The requests attached to a job (up to max ids), in arrival order. */
int fwq_requests_of(const struct fwq *q, int job, int *ids, int max);
const struct fwq_job *fwq_job(const struct fwq *q, int job);
const struct fwq_job *fwq_job_of(const struct fwq *q, int request);
int fwq_active(const struct fwq *q);
/* 1-based place among queued jobs (1 = starts next), 0 when not queued. */
int fwq_position(const struct fwq *q, int job);

/* ---- the manager (loop thread only) ---- */
struct fw_queue;

/* Called once per request when its job ends: rc is an enum download_rc,
 * message is for the technician, path is where the IPSW is (rc 0). */
typedef void (*fw_queue_done_cb)(void *ctx, int request, int rc, const char *message, const char *path);
typedef void (*fw_queue_notify_cb)(void *ctx);

/* The cap is c->max_downloads. The configuration is copied. */
struct fw_queue *fw_queue_new(struct loop *l, const struct config *c);
void fw_queue_free(struct fw_queue *q);
void fw_queue_set_notify(struct fw_queue *q, fw_queue_notify_cb changed, void *ctx);

/* Asks for one IPSW. Returns the request id (> 0), or -1 with err. */
int fw_queue_get(struct fw_queue *q, const struct firmware *f, fw_queue_done_cb done, void *ctx,
                 char *err, size_t errlen);
void fw_queue_cancel(struct fw_queue *q, int request);

struct fw_queue_status {
    int request, job;
    enum fwq_state state;
    int position;                  /* place in the queue when queued (1 = next) */
    int sharing;                   /* requests on the same job, this one included */
    struct firmware fw;
    struct download_progress p;    /* bytes, total, rate, ETA; p.waiting: another process */
};
/* 0, or -1 when the request is unknown (finished and told, or cancelled). */
int fw_queue_status(const struct fw_queue *q, int request, struct fw_queue_status *out);
/* A snapshot of every job (queued, active, done-but-not-yet-told), for a panel. */
int fw_queue_jobs(const struct fw_queue *q, struct fwq_job *out, int max);
const struct fwq *fw_queue_book(const struct fw_queue *q);

#endif
