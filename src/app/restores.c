/* Restores in the runtime (see restore.h): requests from a typed source to a
 * queued job, the jobs' mirror and logs for the front ends, and the helpers
 * of the headless commands.
 *
 * Threads: every blocking step (engine probe, catalog, remote manifest,
 * archive read, preflight, job creation, log reads, cache scans) runs as a
 * task on the worker pool. A finished task goes on `done` under the lock and
 * a BEV_RESTORE event wakes the loop, where restores_event() takes it over:
 * the request and the log change only on the loop thread. The module is
 * freed by whichever comes last, restores_close() or the last task (a task
 * stuck in a network call may outlive the pool's grace). */
#include "restore.h"
#include "restore_resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "download.h"
#include "engine.h"
#include "ipsw.h"
#include "ipsw_intact.h"
#include "job.h"
#include "job_queue.h"
#include "job_source.h"
#include "pool.h"
#include "verbs.h"   /* enum verb_refusal only: restores uses no verb */

enum task_kind {
    T_RESOLVE,      /* source -> local IPSW, engine probe, preflight */
    T_VERIFY,       /* every CRC of the IPSW, after the confirmation */
    T_SUBMIT,       /* job_create + a queue pass */
    T_LOG,          /* new bytes of a job's engine.log */
};

struct task {
    struct task *next;
    enum task_kind kind;
    struct restores *r;
    const struct config *cfg;
    unsigned id;                    /* request id; job id for T_LOG */
    /* T_RESOLVE */
    struct restore_resolution res;
    /* T_SUBMIT */
    struct job job;
    struct engine_info engine;
    int have_engine, ok;
    char message[400];
    int verdict;                    /* T_VERIFY: enum ipsw_verify_result of job.ipsw, message: why */
    /* T_LOG */
    char dir[PATH_MAX];
    long long off, new_off;
    int reset;
    char *data;
    size_t len;
};

#define MAX_DOWNLOADS 4

struct dl_ctx { struct restores *r; unsigned id; struct download *d; int last_pct; };

struct restores {
    pthread_mutex_t lock;
    int closed, outstanding;        /* under lock */
    int verify_pct;                 /* under lock: the current verification's percent, -1 none yet */
    long long verify_done, verify_total; /* under lock: bytes read of all */
    struct task *done, *done_tail;  /* under lock */
    struct app *a;
    unsigned flags;
    struct restore_request cur;
    unsigned next_id;
    atomic_uint live;               /* cur.id, for tasks: one for an older request stops early */
    void (*fn)(void *ctx, enum restore_note note, const struct restore_request *r);
    void *ctx;
    struct dl_ctx *dl[MAX_DOWNLOADS];
    /* the followed log */
    struct restore_log log;
    char *raw, *lines;              /* raw bytes, and a copy split into lines */
    size_t len;
    long long off;
    int log_busy, log_again, log_done;
};

static void notify(struct restores *r, enum restore_note note)
{
    if (r->fn) r->fn(r->ctx, note, &r->cur);
}

/* --- tasks ---------------------------------------------------------------- */

static void finish_task(struct task *t, int deliver)
{
    struct restores *r = t->r;
    pthread_mutex_lock(&r->lock);
    int keep = deliver && !r->closed;
    if (keep) {
        if (r->done_tail) r->done_tail->next = t;
        else r->done = t;
        r->done_tail = t;
        struct bench_ev ev = {.type = BEV_RESTORE, .now_ms = now_ms(), .op_id = t->id};
        sink_post(&r->a->sink, &ev);   /* under the lock: restores_close cannot pass meanwhile */
    }
    int last = --r->outstanding == 0 && r->closed;
    pthread_mutex_unlock(&r->lock);
    if (!keep) { free(t->data); free(t); }
    if (last) { pthread_mutex_destroy(&r->lock); free(r); }
}

static void drop_task(void *arg) { finish_task(arg, 0); }

static void run_submit(struct task *t)
{
    char err[300];
    t->ok = job_create(t->cfg, &t->job, err, sizeof err) == 0;
    if (!t->ok) { snprintf(t->message, sizeof t->message, "%s", err); return; }
    if (t->have_engine) job_queue_pump(t->cfg, &t->engine, NULL, NULL);
}

/* On a worker: each percent of the verification goes to the loop as a
 * BEV_RESTORE (restores_event shows it). */
static void verify_step(long long done, long long total, void *user)
{
    struct task *t = user;
    struct restores *r = t->r;
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    pthread_mutex_lock(&r->lock);
    if (!r->closed && atomic_load(&r->live) == t->id && pct != r->verify_pct) {
        r->verify_pct = pct;
        r->verify_done = done;
        r->verify_total = total;
        struct bench_ev ev = {.type = BEV_RESTORE, .now_ms = now_ms(), .op_id = t->id};
        sink_post(&r->a->sink, &ev);
    }
    pthread_mutex_unlock(&r->lock);
}

static int verify_stop(void *user)
{
    struct task *t = user;
    return atomic_load(&t->r->live) != t->id || pool_stopping(t->r->a->pool);
}

static void run_log(struct task *t)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/engine.log", t->dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    t->new_off = t->off;
    if (fd < 0 || fstat(fd, &st) < 0) { if (fd >= 0) close(fd); return; }
    long long size = (long long)st.st_size, from = t->off;
    if (size < from || size - from > RESTORE_LOG_BYTES) {   /* cut by the supervisor, or too much: the tail */
        t->reset = 1;
        from = size > RESTORE_LOG_BYTES ? size - RESTORE_LOG_BYTES : 0;
    }
    size_t want = (size_t)(size - from);
    t->data = want ? malloc(want) : NULL;
    ssize_t got = t->data ? pread(fd, t->data, want, (off_t)from) : 0;
    close(fd);
    t->len = got > 0 ? (size_t)got : 0;
    t->new_off = from + (long long)t->len;
    if (t->reset && from > 0 && t->len) {   /* a cut first line */
        char *nl = memchr(t->data, '\n', t->len);
        size_t skip = nl ? (size_t)(nl - t->data) + 1 : 0;
        memmove(t->data, t->data + skip, t->len - skip);
        t->len -= skip;
    }
}

static void run_task(void *arg)
{
    struct task *t = arg;
    switch (t->kind) {
    case T_RESOLVE: restore_resolve(&t->res); break;
    case T_VERIFY: t->verdict = ipsw_intact_verify(t->job.ipsw, verify_step, verify_stop, t, t->message, sizeof t->message); break;
    case T_SUBMIT: run_submit(t); break;
    case T_LOG: run_log(t); break;
    }
    finish_task(t, 1);
}

static struct task *task_new(struct restores *r, enum task_kind kind, unsigned id)
{
    struct task *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->kind = kind;
    t->r = r;
    t->cfg = r->a->cfg;
    t->id = id;
    return t;
}

static int submit(struct restores *r, struct task *t)
{
    pthread_mutex_lock(&r->lock);
    r->outstanding++;
    pthread_mutex_unlock(&r->lock);
    return pool_submit(r->a->pool, run_task, t, drop_task);   /* on refusal drop_task has run */
}

/* --- requests (loop thread) ----------------------------------------------- */

static void set_stage(struct restores *r, enum restore_stage s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_stage(struct restores *r, enum restore_stage s, const char *fmt, ...)
{
    va_list ap;
    r->cur.stage = s;
    va_start(ap, fmt);
    vsnprintf(r->cur.message, sizeof r->cur.message, fmt, ap);
    va_end(ap);
    notify(r, RESTORE_NOTE_REQUEST);
}

static int start_resolve(struct restores *r, const struct device *d, const char *source)
{
    struct task *t = task_new(r, T_RESOLVE, r->cur.id);
    if (!t) return -1;
    struct restore_resolution *x = &t->res;
    x->cfg = r->a->cfg;
    restore_facts_take(r->a, d, &x->facts);
    snprintf(x->source, sizeof x->source, "%s", source);
    x->erase = r->cur.erase;
    x->flags = r->flags;
    const struct engine_info *e;
    if (r->a->jobs && job_source_have_engine(r->a->jobs, &e)) {   /* probed when the runtime started */
        x->engine = *e;
        x->have_engine = x->known_engine = 1;
    }
    return submit(r, t);
}

static void dl_progress(void *ctx, const struct download_progress *p)
{
    struct dl_ctx *x = ctx;
    struct restores *r = x->r;
    int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 0;
    if (x->id != r->cur.id || pct == x->last_pct) return;
    x->last_pct = pct;
    r->cur.progress = pct;
    set_stage(r, RESTORE_DOWNLOADING, "downloading %s: %d%% of %.1f GB%s", r->cur.source, pct, (double)p->total / 1e9,
              p->waiting ? " (another ibench is fetching it)" : "");
}

static void dl_done(void *ctx, int rc, const char *message, const char *path)
{
    struct dl_ctx *x = ctx;
    struct restores *r = x->r;
    for (int i = 0; i < MAX_DOWNLOADS; i++) if (r->dl[i] == x) r->dl[i] = NULL;
    unsigned id = x->id;
    free(x);
    if (id != r->cur.id || r->cur.stage != RESTORE_DOWNLOADING) return;
    r->cur.progress = -1;
    if (rc != DOWNLOAD_OK) { set_stage(r, RESTORE_REFUSED, "download failed: %s", message ? message : ""); return; }
    struct device *d = bench_find_id(&r->a->bench, r->cur.dev_id);
    if (!d) { set_stage(r, RESTORE_REFUSED, "the device left the bench while its IPSW was downloading"); return; }
    if (start_resolve(r, d, path) < 0) { set_stage(r, RESTORE_REFUSED, "cannot start a worker"); return; }
    set_stage(r, RESTORE_RESOLVING, "checking %s", path);
}

static void start_download(struct restores *r, const struct firmware *fw, const char *why)
{
    int slot = -1;
    for (int i = 0; i < MAX_DOWNLOADS; i++) if (!r->dl[i]) { slot = i; break; }
    struct dl_ctx *x = slot >= 0 ? calloc(1, sizeof *x) : NULL;
    if (!x) { set_stage(r, RESTORE_REFUSED, "too many downloads at once; try again when one ends"); return; }
    *x = (struct dl_ctx){.r = r, .id = r->cur.id, .last_pct = -1};
    char err[300];
    int rc = 0;
    r->dl[slot] = x;
    x->d = download_start(r->a->loop, r->a->cfg, fw, dl_progress, dl_done, x, &rc, err, sizeof err);
    if (!x->d) { r->dl[slot] = NULL; free(x); set_stage(r, RESTORE_REFUSED, "download: %s", err); return; }
    r->cur.progress = 0;
    set_stage(r, RESTORE_DOWNLOADING, "%s", why);
}

static void cancel_downloads(struct restores *r)
{
    for (int i = 0; i < MAX_DOWNLOADS; i++)
        if (r->dl[i] && r->dl[i]->d && r->dl[i]->id != r->cur.id) { download_cancel(r->dl[i]->d); r->dl[i]->d = NULL; }
}

void restore_set_flags(struct app *a, unsigned flags) { if (a->restores) a->restores->flags = flags; }

int restore_begin(struct app *a, const struct device *d, int erase, const char *source, unsigned flags, char *err, size_t n)
{
    struct restores *r = a->restores;
    if (!r) { snprintf(err, n, "restores are not available"); return -1; }
    if (!source || !source[0]) { snprintf(err, n, "give an IPSW file, a URL, a build or \"latest\""); return -1; }
    memset(&r->cur, 0, sizeof r->cur);
    r->cur.id = ++r->next_id;
    atomic_store(&r->live, r->cur.id);
    r->cur.dev_id = d->id;
    r->cur.ecid = d->ecid;
    r->cur.erase = erase;
    r->cur.progress = -1;
    snprintf(r->cur.who, sizeof r->cur.who, "%s (%s)", device_label(d), device_display_name(d));
    device_describe(d, 1, r->cur.short_who, sizeof r->cur.short_who);
    snprintf(r->cur.source, sizeof r->cur.source, "%s", source);
    cancel_downloads(r);
    unsigned keep = r->flags;
    r->flags |= flags;
    int rc = start_resolve(r, d, source);
    r->flags = keep;
    if (rc < 0) { r->cur.stage = RESTORE_NONE; snprintf(err, n, "cannot start a worker"); return -1; }
    set_stage(r, RESTORE_RESOLVING, "%s %s: reading %s and checking the bench...", erase ? "Erase" : "Update",
              device_label(d), source);
    return (int)r->cur.id;
}

const struct restore_request *restore_current(const struct app *a)
{
    static const struct restore_request none;
    return a->restores ? &a->restores->cur : &none;
}

/* Creates and queues the job of the current request for device d on the pool. */
static int start_submit(struct restores *r, const struct device *d, char *err, size_t n)
{
    struct task *t = task_new(r, T_SUBMIT, r->cur.id);
    if (!t) { snprintf(err, n, "out of memory"); return -1; }
    restore_job_init(&t->job, d, &r->cur.pf, r->cur.ipsw, r->cur.erase);
    t->engine = r->cur.engine;
    t->have_engine = r->cur.have_engine;
    if (submit(r, t) < 0) { snprintf(err, n, "cannot start a worker"); set_stage(r, RESTORE_REFUSED, "%s", err); return -1; }
    set_stage(r, RESTORE_SUBMITTING, "%s: creating the %s job...", device_label(d), r->cur.erase ? "Erase" : "Update");
    return 0;
}

int restore_submit(struct app *a, unsigned id, char *err, size_t n)
{
    struct restores *r = a->restores;
    if (!r || id != r->cur.id || r->cur.stage != RESTORE_READY) { snprintf(err, n, "nothing is waiting for a confirmation"); return -1; }
    struct device *d = bench_find_id(&a->bench, r->cur.dev_id);
    if (!d) { snprintf(err, n, "the device left the bench: nothing was started"); set_stage(r, RESTORE_REFUSED, "%s", err); return -1; }
    if (r->cur.pf.intact) return start_submit(r, d, err, n);
    /* Not known intact: every CRC is read before a job exists. */
    struct task *t = task_new(r, T_VERIFY, r->cur.id);
    if (!t) { snprintf(err, n, "out of memory"); return -1; }
    snprintf(t->job.ipsw, sizeof t->job.ipsw, "%s", r->cur.ipsw);
    pthread_mutex_lock(&r->lock);
    r->verify_pct = -1;                 /* before the worker can report */
    pthread_mutex_unlock(&r->lock);
    if (submit(r, t) < 0) { snprintf(err, n, "cannot start a worker"); set_stage(r, RESTORE_REFUSED, "%s", err); return -1; }
    r->cur.progress = 0;
    set_stage(r, RESTORE_VERIFYING, "verifying %s: reading every entry's CRC before the engine starts...", r->cur.ipsw);
    return 0;
}

void restore_refuse(struct app *a, unsigned id, int refusal, const char *why)
{
    struct restores *r = a->restores;
    if (!r || id != r->cur.id) return;
    r->cur.refusal = refusal;
    set_stage(r, refusal == VERB_UNCONFIRMED ? RESTORE_DROPPED : RESTORE_REFUSED, "%s", why);
}

void restore_drop(struct app *a, unsigned id)
{
    struct restores *r = a->restores;
    if (!r || id != r->cur.id) return;
    if (r->cur.stage == RESTORE_RESOLVING || r->cur.stage == RESTORE_DOWNLOADING || r->cur.stage == RESTORE_READY ||
        r->cur.stage == RESTORE_VERIFYING) {
        r->cur.id = ++r->next_id;       /* what is still under way for it is ignored when it ends */
        atomic_store(&r->live, r->cur.id);
        cancel_downloads(r);
        r->cur.stage = RESTORE_DROPPED;
        snprintf(r->cur.message, sizeof r->cur.message, "Cancelled; nothing was started.");
    }
}

void restore_listen(struct app *a, void (*fn)(void *, enum restore_note, const struct restore_request *), void *ctx)
{
    if (!a->restores) return;
    a->restores->fn = fn;
    a->restores->ctx = ctx;
}

/* --- jobs and logs (loop thread) -------------------------------------------- */

const struct job *restore_job_for(const struct app *a, uint64_t ecid) { return a->jobs ? job_source_for(a->jobs, ecid) : NULL; }
const struct job *restore_job_get(const struct app *a, unsigned id) { return a->jobs ? job_source_get(a->jobs, id) : NULL; }
int restore_jobs_active(const struct app *a) { return a->jobs ? job_source_running(a->jobs) : 0; }

static void read_log(struct restores *r)
{
    const struct job *j = restore_job_get(r->a, r->log.job_id);
    if (!j) return;
    if (r->log_busy) { r->log_again = 1; return; }
    struct task *t = task_new(r, T_LOG, r->log.job_id);
    if (!t) return;
    snprintf(t->dir, sizeof t->dir, "%s", j->dir);
    t->off = r->off;
    r->log_done = job_finished(j);
    r->log_busy = 1;
    if (submit(r, t) < 0) r->log_busy = 0;
}

static void split_lines(struct restores *r)
{
    free(r->lines);
    r->lines = malloc(r->len + 1);
    r->log.nlines = 0;
    if (!r->lines) return;
    memcpy(r->lines, r->raw, r->len);
    r->lines[r->len] = 0;
    /* \r ends a line too (progress bars); empty lines are skipped. The
     * newest RESTORE_LOG_LINES are kept: count first, then index. */
    char *end = r->lines + r->len;
    int total = 0;
    for (char *p = r->lines; p < end;) {
        char *e = p;
        while (e < end && *e != '\n' && *e != '\r' && *e) e++;
        total += e > p;
        p = e + 1;
    }
    int skip = total > RESTORE_LOG_LINES ? total - RESTORE_LOG_LINES : 0;
    for (char *p = r->lines; p < end;) {
        char *e = p;
        while (e < end && *e != '\n' && *e != '\r' && *e) e++;
        if (e > p && skip-- <= 0) r->log.line[r->log.nlines++] = p;
        if (e < end) *e = 0;
        p = e + 1;
    }
}

static void apply_log(struct restores *r, struct task *t)
{
    r->log_busy = 0;
    if (t->id != r->log.job_id) {            /* read for a job no longer followed: the new one's turn */
        if (r->log_again) { r->log_again = 0; read_log(r); }
        return;
    }
    if (t->reset) r->len = 0;
    if (t->len) {
        if (r->len + t->len > RESTORE_LOG_BYTES) {     /* keep the newest bytes, from a line start */
            size_t keep = RESTORE_LOG_BYTES > t->len ? RESTORE_LOG_BYTES - t->len : 0;
            if (keep > r->len) keep = r->len;
            char *from = r->raw + r->len - keep, *nl = keep ? memchr(from, '\n', keep) : NULL;
            if (nl) keep = (size_t)(r->raw + r->len - (nl + 1));
            memmove(r->raw, r->raw + r->len - keep, keep);
            r->len = keep;
        }
        size_t take = t->len < RESTORE_LOG_BYTES ? t->len : RESTORE_LOG_BYTES;
        memcpy(r->raw + r->len, t->data + t->len - take, take);
        r->len += take;
    }
    r->off = t->new_off;
    split_lines(r);
    notify(r, RESTORE_NOTE_LOG);
    if (r->log_again) { r->log_again = 0; read_log(r); }
}

const struct restore_log *restore_log(struct app *a, unsigned job_id)
{
    struct restores *r = a->restores;
    if (!r) return NULL;
    if (job_id != r->log.job_id) {
        r->log.job_id = job_id;
        r->log.nlines = 0;
        r->len = 0;
        r->off = 0;
        r->log_again = 0;
        r->log_done = 0;
        read_log(r);
    } else if (!r->log_done && !r->log_busy) {
        const struct job *j = restore_job_get(a, job_id);
        if (j && job_finished(j)) read_log(r);          /* its last lines */
    }
    return &r->log;
}

/* --- the runtime's hooks ------------------------------------------------------ */

static void apply_task(struct restores *r, struct task *t)
{
    struct restore_request *q = &r->cur;
    switch (t->kind) {
    case T_RESOLVE:
        if (t->id != q->id || q->stage != RESTORE_RESOLVING) break;
        q->engine = t->res.engine;
        q->have_engine = t->res.have_engine;
        if (t->res.outcome < 0) { q->refusal = VERB_BAD_ARGUMENT; set_stage(r, RESTORE_REFUSED, "%s", t->res.message); break; }
        if (t->res.outcome > 0) { start_download(r, &t->res.fw, t->res.message); break; }
        q->pf = t->res.pf;
        snprintf(q->ipsw, sizeof q->ipsw, "%s", t->res.ipsw);
        if (q->pf.failed) {
            q->refusal = VERB_WRONG_MODE;
            set_stage(r, RESTORE_REFUSED, "Preflight failed (%d): nothing started.", q->pf.failed);
        } else {
            set_stage(r, RESTORE_READY, "Preflight passed%s.", q->pf.warned ? " with warnings" : "");
        }
        break;
    case T_VERIFY:
        if (t->id != q->id || q->stage != RESTORE_VERIFYING) break;
        q->progress = -1;
        q->damaged = t->verdict == IPSW_VERIFY_DAMAGED;
        if (t->verdict != IPSW_VERIFY_INTACT)
            set_stage(r, RESTORE_REFUSED, "%s: %s. Nothing was started%s.", q->damaged ? "The IPSW is damaged" : "Cannot verify the IPSW",
                      t->message, q->damaged ? "; download it again" : "");
        else if (!bench_find_id(&r->a->bench, q->dev_id)) set_stage(r, RESTORE_REFUSED, "the device left the bench: nothing was started");
        else start_submit(r, bench_find_id(&r->a->bench, q->dev_id), t->message, sizeof t->message);
        break;
    case T_SUBMIT:
        if (t->ok && r->a->jobs) job_source_kick(r->a->jobs);
        if (t->id != q->id || q->stage != RESTORE_SUBMITTING) break;
        if (!t->ok) { set_stage(r, RESTORE_REFUSED, "%s", t->message); break; }
        q->job_id = t->job.id;
        set_stage(r, RESTORE_QUEUED, "%s job %u queued", q->erase ? "Erase" : "Update", t->job.id);
        break;
    case T_LOG:
        apply_log(r, t);
        break;
    }
}

void restores_event(struct app *a, const struct bench_ev *ev)
{
    struct restores *r = a->restores;
    if (!r) return;
    if (ev->type == BEV_JOB) {
        if (ev->job_id && ev->job_id == r->log.job_id && !r->log_done) read_log(r);
        return;
    }
    pthread_mutex_lock(&r->lock);
    struct task *t = r->done;
    r->done = r->done_tail = NULL;
    int pct = r->verify_pct;
    long long done = r->verify_done, total = r->verify_total;
    pthread_mutex_unlock(&r->lock);
    if (r->cur.stage == RESTORE_VERIFYING && pct >= 0 && pct != r->cur.progress) {
        r->cur.progress = pct;
        r->cur.done = done, r->cur.total = total;
        set_stage(r, RESTORE_VERIFYING, "verifying %s: %.1f of %.1f MB read (%d%%), every CRC so far intact", r->cur.ipsw,
                  done / 1e6, total / 1e6, pct);
    }
    while (t) {
        struct task *next = t->next;
        apply_task(r, t);
        free(t->data);
        free(t);
        t = next;
    }
}

int restores_open(struct app *a)
{
    struct restores *r = calloc(1, sizeof *r);
    if (!r || !(r->raw = malloc(RESTORE_LOG_BYTES))) { free(r); return -1; }
    pthread_mutex_init(&r->lock, NULL);
    r->a = a;
    a->restores = r;
    return 0;
}

void restores_close(struct app *a)
{
    struct restores *r = a->restores;
    if (!r) return;
    r->fn = NULL;
    for (int i = 0; i < MAX_DOWNLOADS; i++)
        if (r->dl[i] && r->dl[i]->d) { download_cancel(r->dl[i]->d); r->dl[i]->d = NULL; }
    for (int k = 0; k < 50; k++) {      /* a cancelled download ends on the loop */
        int any = 0;
        for (int i = 0; i < MAX_DOWNLOADS; i++) any |= r->dl[i] != NULL;
        if (!any) break;
        loop_run_once(a->loop, 100);
    }
    free(r->raw);
    free(r->lines);
    a->restores = NULL;
    pthread_mutex_lock(&r->lock);
    r->closed = 1;
    for (struct task *t = r->done; t;) { struct task *next = t->next; free(t->data); free(t); t = next; }
    r->done = r->done_tail = NULL;
    int now = r->outstanding == 0;
    pthread_mutex_unlock(&r->lock);
    if (now) { pthread_mutex_destroy(&r->lock); free(r); }
}

/* --- the verbs' starts (verbs.c's table) ------------------------------------------ */

int restore_verb_update(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    return restore_begin(a, d, 0, arg, 0, err, n);
}

int restore_verb_erase(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    return restore_begin(a, d, 1, arg, 0, err, n);
}
