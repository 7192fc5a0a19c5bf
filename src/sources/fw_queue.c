/* The download manager: pure bookkeeping (fwq_*) and its wiring to the loop
 * and download.c (fw_queue_*). See fw_queue.h for the contract. */
#include "fw_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_cache.h"

/* ---- bookkeeping ---- */

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

/* ---- the manager ---- */

struct xfer {
    struct fw_queue *q;
    int job;                 /* 0: slot unused */
    struct download *dl;
};

struct owner {
    int request;             /* 0: slot unused */
    fw_queue_done_cb done;
    void *ctx;
};

struct fw_queue {
    struct loop *loop;
    struct config cfg;
    struct fwq book;
    struct xfer xfer[FWQ_MAX_JOBS];
    struct owner owners[FWQ_MAX_REQUESTS];
    struct loop_timer *deliver;  /* zero-delay: results and starts happen outside callers */
    struct { int rc; char message[512], path[PATH_MAX]; } res[FWQ_MAX_JOBS]; /* being told */
    fw_queue_notify_cb notify;
    void *notify_ctx;
};

static void changed(struct fw_queue *q)
{
    if (q->notify) q->notify(q->notify_ctx);
}

static struct xfer *xfer_of(struct fw_queue *q, int job)
{
    for (int i = 0; i < FWQ_MAX_JOBS; i++)
        if (q->xfer[i].job == job && job > 0) return &q->xfer[i];
    return NULL;
}

static void on_dl_progress(void *ctx, const struct download_progress *p)
{
    struct xfer *x = ctx;
    fwq_progress(&x->q->book, x->job, p);
    changed(x->q);
}

static void on_dl_done(void *ctx, int rc, const char *message, const char *path)
{
    struct xfer *x = ctx;
    struct fw_queue *q = x->q;
    fwq_finish(&q->book, x->job, rc, message, path);
    x->job = 0;
    x->dl = NULL;
    loop_timer_arm(q->deliver, 0);
    changed(q);
}

/* Starts what the cap allows; a build already in the cache needs no transfer. */
static void pump(struct fw_queue *q)
{
    int job;
    while ((job = fwq_next(&q->book)) > 0) {
        const struct fwq_job *j = fwq_job(&q->book, job);
        char path[PATH_MAX], err[768];
        catalog_cache_path(&q->cfg, &j->fw, path, sizeof path);
        if (access(path, R_OK) == 0) {
            fw_cache_touch(path);
            fwq_finish(&q->book, job, DOWNLOAD_OK, "already in the cache", path);
            loop_timer_arm(q->deliver, 0);
            continue;
        }
        struct xfer *x = NULL;
        for (int i = 0; i < FWQ_MAX_JOBS && !x; i++)
            if (!q->xfer[i].job) x = &q->xfer[i];
        if (!x) {
            fwq_finish(&q->book, job, DOWNLOAD_ERR_DISK, "too many transfers", path);
            loop_timer_arm(q->deliver, 0);
            continue;
        }
        int rc = DOWNLOAD_OK;
        x->q = q;
        x->job = job;
        x->dl = download_start(q->loop, &q->cfg, &j->fw, on_dl_progress, on_dl_done, x, &rc, err, sizeof err);
        if (!x->dl) {
            x->job = 0;
            fwq_finish(&q->book, job, rc, err, path);
            loop_timer_arm(q->deliver, 0);
        }
    }
}

struct told { int request; fw_queue_done_cb done; void *ctx; };

static void on_deliver(void *ctx)
{
    struct fw_queue *q = ctx;
    /* Take every finished job out of the book before telling anyone, so the
     * callbacks see a consistent queue and may add or cancel freely. */
    __typeof__(q->res[0]) *res = q->res;
    struct told told[FWQ_MAX_REQUESTS];
    int ntold = 0, idx[FWQ_MAX_REQUESTS];
    for (int i = 0; i < FWQ_MAX_JOBS; i++) {
        struct fwq_job *j = &q->book.jobs[i];
        if (j->state != FWQ_DONE) continue;
        res[i].rc = j->rc;
        snprintf(res[i].message, sizeof res[i].message, "%s", j->message);
        snprintf(res[i].path, sizeof res[i].path, "%s", j->path);
        int ids[FWQ_MAX_REQUESTS], n = fwq_requests_of(&q->book, j->id, ids, FWQ_MAX_REQUESTS);
        for (int k = 0; k < n; k++) {
            for (int o = 0; o < FWQ_MAX_REQUESTS; o++) {
                if (q->owners[o].request != ids[k]) continue;
                told[ntold] = (struct told){ids[k], q->owners[o].done, q->owners[o].ctx};
                idx[ntold++] = i;
                q->owners[o] = (struct owner){0};
            }
        }
        fwq_drop(&q->book, j->id);
    }
    pump(q);
    for (int t = 0; t < ntold; t++)
        if (told[t].done) told[t].done(told[t].ctx, told[t].request, res[idx[t]].rc, res[idx[t]].message, res[idx[t]].path);
    if (ntold) changed(q);
}

struct fw_queue *fw_queue_new(struct loop *l, const struct config *c)
{
    struct fw_queue *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->loop = l;
    q->cfg = *c;
    fwq_init(&q->book, c->max_downloads);
    q->deliver = loop_timer_new(l, on_deliver, q);
    if (!q->deliver) { free(q); return NULL; }
    return q;
}

void fw_queue_free(struct fw_queue *q)
{
    if (!q) return;
    q->notify = NULL;
    for (int i = 0; i < FWQ_MAX_JOBS; i++)
        if (q->xfer[i].dl) download_cancel(q->xfer[i].dl); /* partials kept */
    loop_timer_free(q->deliver);
    free(q);
}

void fw_queue_set_notify(struct fw_queue *q, fw_queue_notify_cb cb, void *ctx)
{
    q->notify = cb;
    q->notify_ctx = ctx;
}

int fw_queue_get(struct fw_queue *q, const struct firmware *f, fw_queue_done_cb done, void *ctx, char *err, size_t errlen)
{
    struct owner *o = NULL;
    for (int i = 0; i < FWQ_MAX_REQUESTS && !o; i++)
        if (!q->owners[i].request) o = &q->owners[i];
    int job;
    bool shared;
    int id = o ? fwq_add(&q->book, f, &job, &shared) : -1;
    if (id < 0) {
        snprintf(err, errlen, "too many firmware requests at once (at most %d builds, %d requests)", FWQ_MAX_JOBS, FWQ_MAX_REQUESTS);
        return -1;
    }
    *o = (struct owner){id, done, ctx};
    loop_timer_arm(q->deliver, 0); /* starts it, or tells at once, from the loop */
    changed(q);
    return id;
}

void fw_queue_cancel(struct fw_queue *q, int request)
{
    for (int i = 0; i < FWQ_MAX_REQUESTS; i++)
        if (q->owners[i].request == request) q->owners[i] = (struct owner){0};
    int job = fwq_cancel(&q->book, request);
    if (job > 0) {
        struct xfer *x = xfer_of(q, job);
        if (x && x->dl) download_cancel(x->dl); /* comes back through on_dl_done */
        fwq_drop(&q->book, job);
    }
    loop_timer_arm(q->deliver, 0); /* a freed slot lets the next one start */
    changed(q);
}

int fw_queue_status(const struct fw_queue *q, int request, struct fw_queue_status *out)
{
    const struct fwq_job *j = fwq_job_of(&q->book, request);
    if (!j) return -1;
    memset(out, 0, sizeof *out);
    out->request = request;
    out->job = j->id;
    out->state = j->state;
    out->position = fwq_position(&q->book, j->id);
    out->sharing = j->requests;
    out->fw = j->fw;
    out->p = j->p;
    return 0;
}

int fw_queue_jobs(const struct fw_queue *q, struct fwq_job *out, int max)
{
    int n = 0;
    for (int i = 0; i < FWQ_MAX_JOBS && n < max; i++)
        if (q->book.jobs[i].state != FWQ_FREE) out[n++] = q->book.jobs[i];
    return n;
}

const struct fwq *fw_queue_book(const struct fw_queue *q)
{
    return &q->book;
}
