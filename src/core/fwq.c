/* The download manager's bookkeeping (see fwq.h): pure, no loop, no I/O. */
#include "fwq.h"

#include <stdio.h>
#include <string.h>

void fwq_init(struct fwq *q, int cap)
{
    memset(q, 0, sizeof *q);
    q->cap = cap >= 1 && cap <= 16 ? cap : FWQ_DEFAULT_CAP;
}

static struct fwq_job *job_by_id(struct fwq *q, int id)
{
    for (int i = 0; id > 0 && i < FWQ_MAX_JOBS; i++)
        if (q->jobs[i].state != FWQ_FREE && q->jobs[i].id == id) return &q->jobs[i];
    return NULL;
}

const struct fwq_job *fwq_job(const struct fwq *q, int job)
{
    return job_by_id((struct fwq *)q, job);
}

static struct fwq_request *req_by_id(struct fwq *q, int id)
{
    for (int i = 0; id > 0 && i < FWQ_MAX_REQUESTS; i++)
        if (q->reqs[i].id == id) return &q->reqs[i];
    return NULL;
}

const struct fwq_job *fwq_job_of(const struct fwq *q, int request)
{
    const struct fwq_request *r = req_by_id((struct fwq *)q, request);
    return r ? fwq_job(q, r->job) : NULL;
}

int fwq_add(struct fwq *q, const struct firmware *f, int *job_id, bool *shared)
{
    struct fwq_request *r = NULL;
    for (int i = 0; i < FWQ_MAX_REQUESTS && !r; i++)
        if (!q->reqs[i].id) r = &q->reqs[i];
    if (!r) return -1;
    struct fwq_job *j = NULL, *free_slot = NULL;
    for (int i = 0; i < FWQ_MAX_JOBS; i++) {
        struct fwq_job *x = &q->jobs[i];
        if (x->state == FWQ_FREE) { if (!free_slot) free_slot = x; continue; }
        if (strcmp(x->fw.identifier, f->identifier) == 0 && strcmp(x->fw.build, f->build) == 0) { j = x; break; }
    }
    if (shared) *shared = j != NULL;
    if (!j) {
        if (!free_slot) return -1;
        j = free_slot;
        memset(j, 0, sizeof *j);
        j->id = ++q->next_id;
        j->state = FWQ_QUEUED;
        j->fw = *f;
        j->order = ++q->next_order;
        j->p.total = f->size;
        j->p.eta_s = -1;
    }
    r->id = ++q->next_id;
    r->job = j->id;
    j->requests++;
    if (job_id) *job_id = j->id;
    return r->id;
}

int fwq_active(const struct fwq *q)
{
    int n = 0;
    for (int i = 0; i < FWQ_MAX_JOBS; i++) n += q->jobs[i].state == FWQ_ACTIVE;
    return n;
}

int fwq_next(struct fwq *q)
{
    if (fwq_active(q) >= q->cap) return 0;
    struct fwq_job *best = NULL;
    for (int i = 0; i < FWQ_MAX_JOBS; i++)
        if (q->jobs[i].state == FWQ_QUEUED && (!best || q->jobs[i].order < best->order)) best = &q->jobs[i];
    if (!best) return 0;
    best->state = FWQ_ACTIVE;
    return best->id;
}

int fwq_position(const struct fwq *q, int job)
{
    const struct fwq_job *j = fwq_job(q, job);
    if (!j || j->state != FWQ_QUEUED) return 0;
    int ahead = 0;
    for (int i = 0; i < FWQ_MAX_JOBS; i++) ahead += q->jobs[i].state == FWQ_QUEUED && q->jobs[i].order < j->order;
    return ahead + 1;
}

void fwq_progress(struct fwq *q, int job, const struct download_progress *p)
{
    struct fwq_job *j = job_by_id(q, job);
    if (j && j->state == FWQ_ACTIVE) j->p = *p;
}

void fwq_finish(struct fwq *q, int job, int rc, const char *message, const char *path)
{
    struct fwq_job *j = job_by_id(q, job);
    if (!j || j->state == FWQ_DONE) return;
    j->state = FWQ_DONE;
    j->rc = rc;
    snprintf(j->message, sizeof j->message, "%s", message ? message : "");
    snprintf(j->path, sizeof j->path, "%s", path ? path : "");
}

void fwq_drop(struct fwq *q, int job)
{
    struct fwq_job *j = job_by_id(q, job);
    if (!j) return;
    for (int i = 0; i < FWQ_MAX_REQUESTS; i++)
        if (q->reqs[i].id && q->reqs[i].job == job) q->reqs[i] = (struct fwq_request){0};
    memset(j, 0, sizeof *j);
}

int fwq_cancel(struct fwq *q, int request)
{
    struct fwq_request *r = req_by_id(q, request);
    if (!r) return -1;
    struct fwq_job *j = job_by_id(q, r->job);
    *r = (struct fwq_request){0};
    if (!j) return 0;
    j->requests--;
    if (j->requests > 0) return 0;
    if (j->state == FWQ_ACTIVE) return j->id;
    if (j->state == FWQ_QUEUED) fwq_drop(q, j->id);
    return 0;
}

int fwq_requests_of(const struct fwq *q, int job, int *ids, int max)
{
    /* Request ids grow with arrival, so sorting the ids gives arrival order. */
    int n = 0;
    for (int i = 0; i < FWQ_MAX_REQUESTS && n < max; i++) {
        if (!q->reqs[i].id || q->reqs[i].job != job) continue;
        int k = n++;
        while (k > 0 && ids[k - 1] > q->reqs[i].id) { ids[k] = ids[k - 1]; k--; }
        ids[k] = q->reqs[i].id;
    }
    return n;
}
