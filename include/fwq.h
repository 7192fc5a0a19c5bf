/* The download manager's bookkeeping (pure core: no loop, no I/O): jobs keyed
 * by (product type, build), the requests (devices, commands) attached to
 * them, and the cap on transfers at once. fw_queue.c wires it to the loop and
 * download.c; tests/unit/test_fw_queue.c tests it alone. */
#ifndef IBENCH_FWQ_H
#define IBENCH_FWQ_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog_parse.h"
#include "download_types.h"

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

#endif
