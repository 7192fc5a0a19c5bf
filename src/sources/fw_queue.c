/* The download manager on the loop: the bookkeeping (fwq.c) wired to
 * download.c. See fw_queue.h for the contract. */
#include "fw_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_cache.h"

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

/* Starts what the cap allows; a build already in the cache needs no transfer.
 * Returns how many transfers started. */
static int pump(struct fw_queue *q)
{
    int job, started = 0;
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
        } else {
            started++;
        }
    }
    return started;
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
    int started = pump(q);
    for (int t = 0; t < ntold; t++)
        if (told[t].done) told[t].done(told[t].ctx, told[t].request, res[idx[t]].rc, res[idx[t]].message, res[idx[t]].path);
    if (ntold || started) changed(q); /* a start is news too: what still waits is now known to be queued */
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
