/* The worker pool (see pool.h): a FIFO of tasks served by up to max threads,
 * started on demand; idle threads wait on a condition variable. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct task { struct task *next; void (*fn)(void *); void *arg; void (*drop)(void *); };

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work, idle;
    struct task *head, *tail;
    pthread_t threads[16];
    int nthreads, max, waiting, running, stopping;
};

static void *serve(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->head && !p->stopping) { p->waiting++; pthread_cond_wait(&p->work, &p->lock); p->waiting--; }
        if (!p->head) break;                     /* stopping with nothing left */
        struct task *t = p->head;
        p->head = t->next;
        if (!p->head) p->tail = NULL;
        p->running++;
        pthread_mutex_unlock(&p->lock);
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&p->lock);
        p->running--;
        if (!p->running && !p->head) pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_new(int max_threads)
{
    struct pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->max = max_threads < 1 ? 1 : max_threads > 16 ? 16 : max_threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->idle, NULL);
    return p;
}

int pool_submit(struct pool *p, void (*fn)(void *), void *arg, void (*drop)(void *))
{
    struct task *t = p ? malloc(sizeof *t) : NULL;
    if (!t) { if (drop) drop(arg); else free(arg); return -1; }
    *t = (struct task){NULL, fn, arg, drop};
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        if (drop) drop(arg); else free(arg);
        free(t);
        return -1;
    }
    if (p->tail) p->tail->next = t; else p->head = t;
    p->tail = t;
    /* A new thread only when every existing one is busy. */
    int queued = 0;
    for (struct task *q = p->head; q; q = q->next) queued++;
    if (p->waiting < queued && p->nthreads < p->max &&
        pthread_create(&p->threads[p->nthreads], NULL, serve, p) == 0)
        p->nthreads++;
    pthread_cond_signal(&p->work);
    int ok = p->nthreads > 0;
    pthread_mutex_unlock(&p->lock);
    return ok ? 0 : -1;
}

int pool_stopping(const struct pool *p)
{
    return __atomic_load_n(&p->stopping, __ATOMIC_RELAXED);
}

int pool_busy(const struct pool *p)
{
    pthread_mutex_lock((pthread_mutex_t *)&p->lock);
    int busy = p->running > 0 || p->head != NULL;
    pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
    return busy;
}

void pool_free(struct pool *p, int grace_ms)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    __atomic_store_n(&p->stopping, 1, __ATOMIC_RELAXED);
    struct task *t = p->head;
    p->head = p->tail = NULL;
    pthread_cond_broadcast(&p->work);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += grace_ms / 1000;
    until.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
    int stuck = 0;
    while (p->running && !stuck) stuck = pthread_cond_timedwait(&p->idle, &p->lock, &until) == ETIMEDOUT;
    pthread_mutex_unlock(&p->lock);
    while (t) { struct task *n = t->next; if (t->drop) t->drop(t->arg); else free(t->arg); free(t); t = n; }
    for (int i = 0; i < p->nthreads; i++) {
        if (stuck) pthread_detach(p->threads[i]);
        else pthread_join(p->threads[i], NULL);
    }
    if (stuck) return;   /* a detached thread still uses p */
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
