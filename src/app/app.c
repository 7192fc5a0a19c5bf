/* The runtime (see app.h): wires the loop, the bench, the sources, the pool
 * and the ops. Events from any thread go through one locked queue and are
 * applied on the loop thread in an idle hook, so the bench has one writer. */
#include "app.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "duration.h"
#include "job_source.h"
#include "mux_source.h"
#include "pool.h"
#include "restore.h"
#include "usb_source.h"
#include "verbs.h"

#define POOL_THREADS 4
#define POOL_GRACE_MS 3000     /* a lockdownd call stuck longer than this is left to exit */

struct qnode {
    struct qnode *next;
    struct bench_ev ev;
    void (*call)(struct app *a, void *arg);   /* app_post_call: run this instead of applying ev */
    void *arg;
};
struct app_queue {
    pthread_mutex_t lock;
    struct qnode *head, *tail;
};

/* Any thread: appends to the queue the loop applies, and wakes the loop. */
static void enqueue(struct app *a, struct qnode *n)
{
    pthread_mutex_lock(&a->queue->lock);
    if (a->queue->tail) a->queue->tail->next = n;
    else a->queue->head = n;
    a->queue->tail = n;
    pthread_mutex_unlock(&a->queue->lock);
    loop_wake(a->loop);
}

void app_post(struct app *a, const struct bench_ev *ev)
{
    struct qnode *n = calloc(1, sizeof *n);
    if (!n) return;
    n->ev = *ev;
    enqueue(a, n);
}

static void sink_to_app(void *ctx, const struct bench_ev *ev) { app_post(ctx, ev); }

static void on_linger(void *ctx)
{
    struct app *a = ctx;
    struct bench_ev ev = {.type = BEV_TICK, .now_ms = now_ms()};
    bench_apply(&a->bench, &ev);
}

static struct app_op *op_find(struct app *a, unsigned id)
{
    for (int i = 0; i < APP_MAX_OPS; i++)
        if (a->ops[i].id == id && a->ops[i].state != OP_FREE) return &a->ops[i];
    return NULL;
}

static void arm_op_timer(struct app *a)
{
    int64_t next = -1;
    for (int i = 0; i < APP_MAX_OPS; i++)
        if (a->ops[i].state == OP_RETURNING && (next < 0 || a->ops[i].return_by_ms < next)) next = a->ops[i].return_by_ms;
    if (!a->op_timer) return;
    if (next >= 0) loop_timer_arm_at(a->op_timer, next);
    else loop_timer_disarm(a->op_timer);
}

static void release(struct app_op *op)
{
    if (op->map) { munmap(op->map, op->maplen); op->map = NULL; }
    if (op->lockfd >= 0) { close(op->lockfd); op->lockfd = -1; }
}

void app_op_words(const struct app_op *op, char *out, size_t n)
{
    const char *what = op->verb ? op->verb->bar : "Action";
    if (op->answer[0]) snprintf(out, n, "%s answered: %s", what, op->answer);
    else snprintf(out, n, "%s: %s", what, op->message[0] ? op->message : op->state == OP_FAILED ? "failed" : "done");
}

/* The op's news goes to its device's row and the event log, through the
 * queue: this may run inside the bench's own listener. */
static void tell(struct app *a, struct app_op *op)
{
    struct bench_ev ev = {.type = BEV_NOTE, .now_ms = now_ms(), .has_ecid = op->ecid != 0, .ecid = op->ecid};
    snprintf(ev.port, sizeof ev.port, "%s", op->port);
    snprintf(ev.udid, sizeof ev.udid, "%s", op->udid);
    app_op_words(op, ev.text, sizeof ev.text);
    app_post(a, &ev);
    if (a->on_op) a->on_op(a->on_op_ctx, op);
}

static void settle(struct app *a, struct app_op *op, int ok, const char *fmt, const char *mode)
{
    op->state = ok ? OP_SUCCEEDED : OP_FAILED;
    op->ended_ms = now_ms();
    snprintf(op->message, sizeof op->message, fmt, mode);
    release(op);
    arm_op_timer(a);
    tell(a, op);
}

void app_op_end(struct app *a, struct app_op *op, int ok, const char *message, const char *answer)
{
    if (!op || op->state != OP_RUNNING) return;
    snprintf(op->answer, sizeof op->answer, "%s", answer ? answer : "");
    if (ok && op->return_by_ms) {
        /* Sent: the device lock is kept until it is back, so nobody else
         * drives it while it reboots. */
        op->state = OP_RETURNING;
        snprintf(op->message, sizeof op->message, "sent; waiting for the device to come back");
        arm_op_timer(a);
        tell(a, op);
        return;
    }
    settle(a, op, ok, "%s", message ? message : "");
}

void app_op_expect_return(struct app_op *op, enum dev_mode expect, int wait_ms)
{
    op->expect = expect;
    op->return_by_ms = wait_ms > 0 ? now_ms() + wait_ms : 0;
}

void app_op_stop_waiting(struct app *a, unsigned op_id)
{
    struct app_op *op = op_find(a, op_id);
    if (op && op->state == OP_RETURNING) settle(a, op, 1, "%s", "sent; not waiting for the device to come back");
}

/* A device that rebooted came back: say in which mode, as a technician
 * needs it (Recovery after an exit means iOS did not boot). */
static void watch_return(struct app *a, const struct device *d)
{
    for (int i = 0; i < APP_MAX_OPS; i++) {
        struct app_op *op = &a->ops[i];
        if (op->state != OP_RETURNING || op->dev_id != d->id) continue;
        if (d->presence != PRESENCE_PRESENT) { op->left = true; continue; }
        if (!op->left || d->mode == MODE_UNKNOWN || (d->mode == MODE_NORMAL && !d->identified)) continue;
        if (op->expect == MODE_NORMAL && d->mode == MODE_RECOVERY)
            settle(a, op, 0, "back in %s mode: iBoot could not boot the installed iOS. Try an Update restore (keeps data) "
                   "before an Erase.", mode_name(d->mode));
        else if (op->expect != MODE_UNKNOWN && d->mode != op->expect)
            settle(a, op, 0, "back in %s mode", mode_name(d->mode));
        else settle(a, op, 1, "back in %s mode", mode_name(d->mode));
    }
}

static void on_op_timer(void *ctx)
{
    struct app *a = ctx;
    int64_t now = now_ms();
    for (int i = 0; i < APP_MAX_OPS; i++) {
        struct app_op *op = &a->ops[i];
        if (op->state != OP_RETURNING || op->return_by_ms > now) continue;
        char why[160], wait[24];
        duration_format_left(wait, sizeof wait, a->return_wait_ms);
        snprintf(why, sizeof why, "not back after %s (it may still be booting; `ibench watch` follows it)", wait);
        settle(a, op, 0, "%s", why);
    }
    arm_op_timer(a);
}

static void apply_queue(void *ctx)
{
    struct app *a = ctx;
    pthread_mutex_lock(&a->queue->lock);
    struct qnode *n = a->queue->head;
    a->queue->head = a->queue->tail = NULL;
    pthread_mutex_unlock(&a->queue->lock);
    while (n) {
        struct qnode *next = n->next;
        if (n->call) n->call(a, n->arg);
        else if (n->ev.type == BEV_OP_DONE) app_op_end(a, op_find(a, n->ev.op_id), n->ev.op_ok, n->ev.text, NULL);
        else if (n->ev.type == BEV_RESTORE) restores_event(a, &n->ev);
        else bench_apply(&a->bench, &n->ev);
        if (!n->call && n->ev.type == BEV_JOB) restores_event(a, &n->ev);   /* a job's log changed */
        free(n);
        n = next;
    }
    int64_t d = bench_next_deadline(&a->bench);
    if (d >= 0) loop_timer_arm_at(a->linger, d);
    else loop_timer_disarm(a->linger);
}

static void forward(void *ctx, enum bench_note note, const struct device *d)
{
    struct app *a = ctx;
    if (note != NOTE_REMOVED) { app_dfu_on_change(a, d); watch_return(a, d); }
    if (a->on_change) a->on_change(a->on_change_ctx, note, d);
}

int app_open(struct app *a, struct config *cfg, unsigned flags)
{
    void (*cb)(void *, enum bench_note, const struct device *) = a->on_change;
    void *cb_ctx = a->on_change_ctx;
    void (*op_cb)(void *, const struct app_op *) = a->on_op;
    void *op_ctx = a->on_op_ctx;
    memset(a, 0, sizeof *a);
    a->cfg = cfg;
    a->on_change = cb;
    a->on_change_ctx = cb_ctx;
    a->on_op = op_cb;
    a->on_op_ctx = op_ctx;
    for (int i = 0; i < APP_MAX_OPS; i++) a->ops[i].lockfd = -1;
    a->return_wait_ms = 90 * 1000;
    a->loop = loop_new();
    a->queue = calloc(1, sizeof *a->queue);
    a->pool = pool_new(POOL_THREADS);
    if (!a->loop || !a->queue || !a->pool) return -1;
    pthread_mutex_init(&a->queue->lock, NULL);
    bench_init(&a->bench, cfg->linger_ms);
    for (int i = 0; i < cfg->nslots; i++) bench_add_slot(&a->bench, cfg->slots[i].port, cfg->slots[i].label);
    bench_set_listener(&a->bench, forward, a);
    a->linger = loop_timer_new(a->loop, on_linger, a);
    a->op_timer = loop_timer_new(a->loop, on_op_timer, a);
    loop_add_idle_hook(a->loop, apply_queue, a);
    a->sink = (struct sink){.loop = a->loop, .pool = a->pool, .cfg = cfg, .post = sink_to_app, .ctx = a};
    if (!(flags & APP_NO_DEVICES)) {
        a->usb = usb_source_start(&a->sink, a->usb_error, sizeof a->usb_error);
        a->mux = mux_source_start(&a->sink, a->mux_error, sizeof a->mux_error);
        a->bench.mux_decides = a->mux && !a->mux_error[0];
    }
    if (flags & APP_FOLLOW_JOBS) a->jobs = job_source_start(&a->sink, (flags & APP_PUMP_JOBS) != 0);
    if (restores_open(a) < 0) return -1;
    return 0;
}

void app_close(struct app *a)
{
    if (!a->loop) return;
    for (int i = 0; i < APP_MAX_OPS; i++) {
        if (a->ops[i].state == OP_RUNNING) app_op_end(a, &a->ops[i], 0, "stopped: ibench is closing", NULL);
        if (a->ops[i].state == OP_RETURNING) settle(a, &a->ops[i], 1, "%s", "sent; ibench closed before the device came back");
    }
    mux_source_stop(a->mux);          /* no new identifications */
    pool_free(a->pool, POOL_GRACE_MS); /* joins lockdownd calls, reads, preflights */
    restores_close(a);
    mux_source_free(a->mux);
    job_source_stop(a->jobs);
    usb_source_stop(a->usb);
    app_dfu_close(a);
    apply_queue(a);
    while (a->nclosers > 0) a->closers[--a->nclosers](a);   /* firmware, the open IPSW */
    bench_done(&a->bench);
    loop_timer_free(a->linger);
    loop_timer_free(a->op_timer);
    loop_free(a->loop);
    pthread_mutex_destroy(&a->queue->lock);
    for (struct qnode *n = a->queue->head; n;) { struct qnode *next = n->next; free(n); n = next; }
    free(a->queue);
    a->loop = NULL;
}

void app_usb_empty_reason(const struct app *a, char *out, size_t n)
{
    /* libusb lists Apple devices from sysfs whatever the device nodes'
     * permissions, so an empty bench is never a permission problem: a device
     * it cannot open still gets a row, with the reason. */
    if (!a->usb) snprintf(out, n, "%s", a->usb_error[0] ? a->usb_error : "USB is not watched");
    else if (access("/dev/bus/usb", F_OK) < 0)
        snprintf(out, n, "This machine shows no USB bus (/dev/bus/usb is missing): run ibench where the devices are plugged in.");
    else snprintf(out, n, "No Apple device is on the USB bus: check the cable carries data and the device is switched on.");
}

static int all_identified(const struct app *a)
{
    if ((a->usb && usb_source_busy(a->usb)) || (a->mux && mux_source_busy(a->mux))) return 0;
    for (int i = 0; i < a->bench.ndev; i++) {
        const struct device *d = a->bench.dev[i];
        if (d->presence == PRESENCE_PRESENT && !d->identified && !d->ident_error[0] && d->mode != MODE_UNKNOWN)
            return 0;
    }
    return 1;
}

void app_settle(struct app *a, int ms)
{
    int64_t start = now_ms(), end = start + ms;
    /* Give hotplug enumeration and usbmuxd's device list a moment to arrive. */
    while (now_ms() < end) {
        loop_run_once(a->loop, 50);
        if (now_ms() - start >= 300 && all_identified(a)) break;
    }
}

int app_run_until(struct app *a, int (*done)(void *ctx), void *ctx, int ms)
{
    int64_t end = ms < 0 ? -1 : now_ms() + ms;
    while (!done(ctx)) {
        int64_t left = end < 0 ? 200 : end - now_ms();
        if (left <= 0) return 0;
        if (loop_run_once(a->loop, left > 200 ? 200 : (int)left) < 0) return done(ctx);
    }
    return 1;
}

int app_background(struct app *a, void (*fn)(void *arg), void *arg)
{
    return pool_submit(a->pool, fn, arg, NULL);
}

/* --- the app layer's other modules ------------------------------------------ */

int app_post_call(struct app *a, void (*fn)(struct app *a, void *arg), void *arg)
{
    struct qnode *n = calloc(1, sizeof *n);
    if (!n) return -1;
    n->call = fn;
    n->arg = arg;
    enqueue(a, n);
    return 0;
}

int app_on_close(struct app *a, void (*fn)(struct app *a))
{
    if (a->nclosers >= (int)(sizeof a->closers / sizeof a->closers[0])) return -1;
    a->closers[a->nclosers++] = fn;
    return 0;
}

/* --- ops -------------------------------------------------------------------- */

const struct app_op *app_op_get(const struct app *a, unsigned id)
{
    return op_find((struct app *)a, id);
}

const struct app_op *app_op_on(const struct app *a, const struct device *d)
{
    for (int i = 0; i < APP_MAX_OPS; i++)
        if ((a->ops[i].state == OP_RUNNING || a->ops[i].state == OP_RETURNING) && a->ops[i].dev_id == d->id) return &a->ops[i];
    return NULL;
}

struct app_op *app_op_new(struct app *a, const struct verb *v, const struct device *d, int lockfd)
{
    struct app_op *op = NULL;
    for (int i = 0; i < APP_MAX_OPS && !op; i++)   /* a free slot, else the op that ended first */
        if (a->ops[i].state == OP_FREE) op = &a->ops[i];
    for (int i = 0; i < APP_MAX_OPS && (!op || op->state != OP_FREE); i++)
        if (a->ops[i].state != OP_RUNNING && (!op || a->ops[i].ended_ms < op->ended_ms)) op = &a->ops[i];
    if (!op) return NULL;
    memset(op, 0, sizeof *op);
    op->id = ++a->next_op;
    op->state = OP_RUNNING;
    op->verb = v;
    op->dev_id = d->id;
    op->ecid = d->has_ecid ? d->ecid : 0;
    op->lockfd = lockfd;
    op->progress = -1;
    op->started_ms = now_ms();
    snprintf(op->port, sizeof op->port, "%s", d->port);
    snprintf(op->udid, sizeof op->udid, "%s", d->udid);
    snprintf(op->label, sizeof op->label, "%s", device_label(d));
    return op;
}

static void usb_done(void *ctx, const char *port, int ok, const char *message, const char *answer)
{
    struct app *a = ctx;
    for (int i = 0; i < APP_MAX_OPS; i++)
        if (a->ops[i].state == OP_RUNNING && !strcmp(a->ops[i].port, port)) {
            app_op_end(a, &a->ops[i], ok, message, answer);
            return;
        }
}

int app_op_usb(struct app *a, struct app_op *op, const char *title, struct iboot_op *iop, char *err, size_t n)
{
    if (!iop) { snprintf(err, n, "out of memory"); return -1; }
    if (!a->usb || !op->port[0]) {
        iboot_op_free(iop);
        snprintf(err, n, "%s is not visible on USB%s%s", op->label, a->usb_error[0] ? ": " : "", a->usb_error);
        return -1;
    }
    return usb_source_run(a->usb, op->port, title, iop, usb_done, a, err, n);
}

struct task { struct app *a; unsigned op_id; char udid[48]; int (*fn)(const char *udid, char *msg, size_t n); };

static void run_task(void *arg)
{
    struct task *t = arg;
    struct bench_ev ev = {.type = BEV_OP_DONE, .now_ms = now_ms(), .op_id = t->op_id};
    char msg[300] = "";
    ev.op_ok = t->fn(t->udid, msg, sizeof msg) == 0;
    snprintf(ev.text, sizeof ev.text, "%s", msg);
    app_post(t->a, &ev);
    free(t);
}

int app_op_task(struct app *a, struct app_op *op, int (*fn)(const char *udid, char *msg, size_t n), char *err, size_t n)
{
    struct task *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, n, "out of memory"); return -1; }
    *t = (struct task){.a = a, .op_id = op->id, .fn = fn};
    snprintf(t->udid, sizeof t->udid, "%s", op->udid);
    if (pool_submit(a->pool, run_task, t, NULL) < 0) { snprintf(err, n, "cannot start a worker"); return -1; }
    return 0;
}

int app_op_cancel(struct app *a, const struct device *d)
{
    const struct app_op *op = app_op_on(a, d);
    if (op && op->state == OP_RETURNING) { app_op_stop_waiting(a, op->id); return 0; }
    if (!op || !a->usb || !op->port[0]) return -1;
    return usb_source_cancel(a->usb, op->port);
}
