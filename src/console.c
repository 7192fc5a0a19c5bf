/* Wires the loop, the bench and the device sources. Events from any thread go
 * through one locked queue and are applied on the loop thread in an idle hook,
 * so the bench has a single writer. */
#include "console.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mux_source.h"
#include "usb_source.h"

struct qnode { struct qnode *next; struct bench_ev ev; };
struct console_queue {
    pthread_mutex_t lock;
    struct qnode *head, *tail;
};

void console_post(struct console *c, const struct bench_ev *ev)
{
    struct qnode *n = malloc(sizeof *n);
    if (!n) return;
    n->ev = *ev;
    n->next = NULL;
    pthread_mutex_lock(&c->queue->lock);
    if (c->queue->tail) c->queue->tail->next = n;
    else c->queue->head = n;
    c->queue->tail = n;
    pthread_mutex_unlock(&c->queue->lock);
    loop_wake(c->loop);
}

static void on_linger(void *ctx)
{
    struct console *c = ctx;
    struct bench_ev ev = {.type = BEV_TICK, .now_ms = now_ms()};
    bench_apply(&c->bench, &ev);
}

static void apply_queue(void *ctx)
{
    struct console *c = ctx;
    pthread_mutex_lock(&c->queue->lock);
    struct qnode *n = c->queue->head;
    c->queue->head = c->queue->tail = NULL;
    pthread_mutex_unlock(&c->queue->lock);
    while (n) {
        struct qnode *next = n->next;
        bench_apply(&c->bench, &n->ev);
        free(n);
        n = next;
    }
    int64_t d = bench_next_deadline(&c->bench);
    if (d >= 0) loop_timer_arm_at(c->linger, d);
    else loop_timer_disarm(c->linger);
}

static void forward(void *ctx, enum bench_note note, const struct device *d)
{
    struct console *c = ctx;
    if (c->on_change) c->on_change(c->on_change_ctx, note, d);
}

int console_open(struct console *c, struct config *cfg)
{
    struct config *keep_cfg = cfg;
    void (*cb)(void *, enum bench_note, const struct device *) = c->on_change;
    void *cb_ctx = c->on_change_ctx;
    memset(c, 0, sizeof *c);
    c->cfg = keep_cfg;
    c->on_change = cb;
    c->on_change_ctx = cb_ctx;
    c->loop = loop_new();
    c->queue = calloc(1, sizeof *c->queue);
    if (!c->loop || !c->queue) return -1;
    pthread_mutex_init(&c->queue->lock, NULL);
    bench_init(&c->bench, cfg->linger_ms);
    for (int i = 0; i < cfg->nslots; i++) bench_add_slot(&c->bench, cfg->slots[i].port, cfg->slots[i].label);
    bench_set_listener(&c->bench, forward, c);
    c->linger = loop_timer_new(c->loop, on_linger, c);
    loop_add_idle_hook(c->loop, apply_queue, c);
    c->usb = usb_source_start(c, c->usb_error, sizeof c->usb_error);
    c->mux = mux_source_start(c, c->mux_error, sizeof c->mux_error);
    return 0;
}

void console_close(struct console *c)
{
    if (!c->loop) return;
    mux_source_stop(c->mux);
    usb_source_stop(c->usb);
    apply_queue(c);
    bench_done(&c->bench);
    loop_free(c->loop);
    pthread_mutex_destroy(&c->queue->lock);
    free(c->queue);
    c->loop = NULL;
}

static int all_identified(const struct console *c)
{
    if ((c->usb && usb_source_busy(c->usb)) || (c->mux && mux_source_busy(c->mux))) return 0;
    for (int i = 0; i < c->bench.ndev; i++) {
        const struct device *d = c->bench.dev[i];
        if (d->presence == PRESENCE_PRESENT && !d->identified && !d->ident_error[0] && d->mode != MODE_UNKNOWN)
            return 0;
    }
    return 1;
}

void console_settle(struct console *c, int ms)
{
    int64_t start = now_ms(), end = start + ms;
    /* Give hotplug enumeration and usbmuxd's device list a moment to arrive. */
    while (now_ms() < end) {
        loop_run_once(c->loop, 50);
        if (now_ms() - start >= 300 && all_identified(c)) break;
    }
}
