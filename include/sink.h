/* The narrow side of the runtime that a source sees: the loop to register
 * its descriptors and timers on, the configuration, and one thread-safe way
 * to hand the runtime an event, and the worker pool for blocking calls. A source never sees the bench or a front end;
 * what it learns reaches them only as events applied on the loop thread. */
#ifndef IBENCH_SINK_H
#define IBENCH_SINK_H
#include "bench.h"
#include "config.h"
#include "loop.h"

struct pool;

struct sink {
    struct loop *loop;
    struct pool *pool;              /* for blocking calls; results come back posted */
    const struct config *cfg;
    /* Thread-safe: queues ev and wakes the loop. */
    void (*post)(void *ctx, const struct bench_ev *ev);
    void *ctx;
};

static inline void sink_post(const struct sink *s, const struct bench_ev *ev) { s->post(s->ctx, ev); }

#endif
