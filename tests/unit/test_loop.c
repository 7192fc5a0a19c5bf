/* The event loop: fds, timers, wake-ups from threads, signals, removal during dispatch. */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "loop.h"
#include "tap.h"

static int fired, reads, sigs;
static struct loop_watch *self_remove;

static void on_timer(void *ctx) { (void)ctx; fired++; }
static void on_read(void *ctx, int fd, short re)
{
    char c;
    if (read(fd, &c, 1) == 1) reads++;
    if (ctx) { loop_watch_remove(self_remove); }
}
static void on_sig(void *ctx, int signo) { (void)ctx; if (signo == SIGUSR1) sigs++; }
static void *waker(void *arg) { usleep(20000); loop_wake(arg); return NULL; }

TEST(timers_fire_in_order_and_once)
{
    struct loop *l = loop_new();
    struct loop_timer *a = loop_timer_new(l, on_timer, NULL);
    fired = 0;
    loop_timer_arm(a, 10);
    CHECK(loop_timer_armed(a));
    for (int i = 0; i < 5 && !fired; i++) loop_run_once(l, 100);
    CHECK_INT(fired, 1);
    CHECK(!loop_timer_armed(a));
    loop_run_once(l, 20);
    CHECK_INT(fired, 1);
    loop_timer_free(a);
    loop_free(l);
}

TEST(fd_readiness_and_removal_inside_callback)
{
    struct loop *l = loop_new();
    int p[2];
    CHECK(pipe(p) == 0);
    reads = 0;
    self_remove = loop_watch_fd(l, p[0], POLLIN, on_read, (void *)1);
    CHECK(write(p[1], "ab", 2) == 2);
    loop_run_once(l, 100);
    CHECK_INT(reads, 1);
    loop_run_once(l, 20); /* removed: the second byte is not read */
    CHECK_INT(reads, 1);
    close(p[0]); close(p[1]);
    loop_free(l);
}

TEST(idle_loop_sleeps_until_woken_by_a_thread)
{
    struct loop *l = loop_new();
    uint64_t before = loop_wakeups(l);
    pthread_t th;
    pthread_create(&th, NULL, waker, l);
    loop_run_once(l, 5000); /* returns because of the wake, not the timeout */
    pthread_join(th, NULL);
    CHECK_INT(loop_wakeups(l) - before, 1);
    loop_free(l);
}

TEST(signals_arrive_as_events)
{
    struct loop *l = loop_new();
    sigs = 0;
    CHECK(loop_watch_signal(l, SIGUSR1, on_sig, NULL) == 0);
    raise(SIGUSR1);
    loop_run_once(l, 100);
    CHECK_INT(sigs, 1);
    loop_free(l);
}

int main(void)
{
    RUN(timers_fire_in_order_and_once);
    RUN(fd_readiness_and_removal_inside_callback);
    RUN(idle_loop_sleeps_until_woken_by_a_thread);
    RUN(signals_arrive_as_events);
    return TAP_DONE();
}
