/* The poll() event loop. Watches and timers live in small arrays rebuilt into
 * a pollfd set each pass (as usbmuxd does); the poll timeout is the earliest
 * timer deadline, so an idle bench sleeps. A self-pipe carries wake-ups from
 * worker threads and signal numbers from handlers. */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct loop_watch {
    struct loop *loop;
    int fd;
    short events;
    loop_fd_cb cb;
    void *ctx;
    int dead;            /* removed during dispatch; freed after the pass */
};

struct loop_timer {
    struct loop *loop;
    int64_t when;        /* -1 when disarmed */
    loop_timer_cb cb;
    void *ctx;
    int dead;
};

struct hook { loop_hook_cb cb; void *ctx; };
struct sigwatch { int signo; loop_signal_cb cb; void *ctx; };

struct loop {
    struct loop_watch **w; int nw, capw;
    struct loop_timer **t; int nt, capt;
    struct hook hooks[16]; int nhooks;
    struct sigwatch sigs[16]; int nsigs;
    int wake_pipe[2];
    struct loop_watch *wake_watch;
    int running, stop_code, in_dispatch;
    uint64_t wakeups;
    struct pollfd *pfd; struct loop_watch **pfd_owner; int cappfd;
};

/* Signal handlers write here; one loop per process handles signals. */
static int signal_fd = -1;

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int grow(void **arr, int *cap, int need, size_t elem)
{
    if (need <= *cap) return 0;
    int ncap = *cap ? *cap * 2 : 16;
    while (ncap < need) ncap *= 2;
    void *p = realloc(*arr, (size_t)ncap * elem);
    if (!p) return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

static void on_wake(void *ctx, int fd, short revents)
{
    struct loop *l = ctx;
    unsigned char buf[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == 0) continue; /* plain wake-up */
            for (int s = 0; s < l->nsigs; s++)
                if (l->sigs[s].signo == buf[i]) l->sigs[s].cb(l->sigs[s].ctx, buf[i]);
        }
    }
}

struct loop *loop_new(void)
{
    struct loop *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    if (pipe2(l->wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0) { free(l); return NULL; }
    l->wake_watch = loop_watch_fd(l, l->wake_pipe[0], POLLIN, on_wake, l);
    return l;
}

void loop_free(struct loop *l)
{
    if (!l) return;
    for (int i = 0; i < l->nsigs; i++) signal(l->sigs[i].signo, SIG_DFL);
    if (l->nsigs) signal_fd = -1;
    for (int i = 0; i < l->nw; i++) free(l->w[i]);
    for (int i = 0; i < l->nt; i++) free(l->t[i]);
    free(l->w); free(l->t); free(l->pfd); free(l->pfd_owner);
    close(l->wake_pipe[0]);
    close(l->wake_pipe[1]);
    free(l);
}

struct loop_watch *loop_watch_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *ctx)
{
    if (grow((void **)&l->w, &l->capw, l->nw + 1, sizeof *l->w) < 0) return NULL;
    struct loop_watch *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    *w = (struct loop_watch){.loop = l, .fd = fd, .events = events, .cb = cb, .ctx = ctx};
    l->w[l->nw++] = w;
    return w;
}

void loop_watch_set_events(struct loop_watch *w, short events)
{
    if (w) w->events = events;
}

static void sweep_watches(struct loop *l)
{
    int j = 0;
    for (int i = 0; i < l->nw; i++) {
        if (l->w[i]->dead) free(l->w[i]);
        else l->w[j++] = l->w[i];
    }
    l->nw = j;
}

void loop_watch_remove(struct loop_watch *w)
{
    if (!w) return;
    w->dead = 1;
    if (!w->loop->in_dispatch) sweep_watches(w->loop);
}

struct loop_timer *loop_timer_new(struct loop *l, loop_timer_cb cb, void *ctx)
{
    if (grow((void **)&l->t, &l->capt, l->nt + 1, sizeof *l->t) < 0) return NULL;
    struct loop_timer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    *t = (struct loop_timer){.loop = l, .when = -1, .cb = cb, .ctx = ctx};
    l->t[l->nt++] = t;
    return t;
}

void loop_timer_arm(struct loop_timer *t, int64_t delay_ms)
{
    if (t) t->when = now_ms() + (delay_ms < 0 ? 0 : delay_ms);
}

void loop_timer_arm_at(struct loop_timer *t, int64_t when_ms)
{
    if (t) t->when = when_ms;
}

void loop_timer_disarm(struct loop_timer *t)
{
    if (t) t->when = -1;
}

int loop_timer_armed(const struct loop_timer *t)
{
    return t && t->when >= 0;
}

static void sweep_timers(struct loop *l)
{
    int j = 0;
    for (int i = 0; i < l->nt; i++) {
        if (l->t[i]->dead) free(l->t[i]);
        else l->t[j++] = l->t[i];
    }
    l->nt = j;
}

void loop_timer_free(struct loop_timer *t)
{
    if (!t) return;
    t->dead = 1;
    t->when = -1;
    if (!t->loop->in_dispatch) sweep_timers(t->loop);
}

void loop_add_idle_hook(struct loop *l, loop_hook_cb cb, void *ctx)
{
    if (l->nhooks < (int)(sizeof l->hooks / sizeof l->hooks[0]))
        l->hooks[l->nhooks++] = (struct hook){cb, ctx};
}

void loop_wake(struct loop *l)
{
    unsigned char z = 0;
    ssize_t r = write(l->wake_pipe[1], &z, 1); /* a full pipe already means "awake" */
    (void)r;
}

static void signal_handler(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (signal_fd >= 0) {
        ssize_t r = write(signal_fd, &b, 1);
        (void)r;
    }
    errno = saved;
}

int loop_watch_signal(struct loop *l, int signo, loop_signal_cb cb, void *ctx)
{
    if (l->nsigs >= (int)(sizeof l->sigs / sizeof l->sigs[0]) || signo <= 0 || signo > 255) return -1;
    l->sigs[l->nsigs++] = (struct sigwatch){signo, cb, ctx};
    signal_fd = l->wake_pipe[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = signal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(signo, &sa, NULL);
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
    if (grow((void **)&l->pfd, &l->cappfd, l->nw + 1, sizeof *l->pfd) < 0) return -1;
    l->pfd_owner = realloc(l->pfd_owner, (size_t)l->cappfd * sizeof *l->pfd_owner);
    if (!l->pfd_owner) return -1;
    int n = 0;
    for (int i = 0; i < l->nw; i++) {
        if (l->w[i]->dead || l->w[i]->fd < 0 || !l->w[i]->events) continue;
        l->pfd[n] = (struct pollfd){.fd = l->w[i]->fd, .events = l->w[i]->events};
        l->pfd_owner[n++] = l->w[i];
    }
    int64_t now = now_ms(), next = -1;
    for (int i = 0; i < l->nt; i++)
        if (l->t[i]->when >= 0 && (next < 0 || l->t[i]->when < next)) next = l->t[i]->when;
    int timeout = max_wait_ms;
    if (next >= 0) {
        int64_t d = next - now;
        if (d < 0) d = 0;
        if (d > 1000000) d = 1000000;
        if (timeout < 0 || d < timeout) timeout = (int)d;
    }
    int r = poll(l->pfd, (nfds_t)n, timeout);
    if (r < 0 && errno != EINTR) return -1;
    l->wakeups++;

    l->in_dispatch = 1;
    for (int i = 0; r > 0 && i < n; i++) {
        struct loop_watch *w = l->pfd_owner[i];
        if (l->pfd[i].revents && !w->dead) w->cb(w->ctx, w->fd, l->pfd[i].revents);
    }
    now = now_ms();
    /* Timers added or re-armed by a callback fire on a later pass. */
    int nt = l->nt;
    for (int i = 0; i < nt; i++) {
        struct loop_timer *t = l->t[i];
        if (!t->dead && t->when >= 0 && t->when <= now) {
            t->when = -1;
            t->cb(t->ctx);
        }
    }
    for (int i = 0; i < l->nhooks; i++) l->hooks[i].cb(l->hooks[i].ctx);
    l->in_dispatch = 0;
    sweep_watches(l);
    sweep_timers(l);
    return 0;
}

int loop_run(struct loop *l)
{
    l->running = 1;
    while (l->running)
        if (loop_run_once(l, -1) < 0) { l->running = 0; l->stop_code = -1; }
    return l->stop_code;
}

void loop_stop(struct loop *l, int code)
{
    l->running = 0;
    l->stop_code = code;
    loop_wake(l);
}

int loop_running(const struct loop *l)
{
    return l->running;
}

uint64_t loop_wakeups(const struct loop *l)
{
    return l->wakeups;
}
