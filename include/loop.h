/* The one event loop: poll() over a dynamic set of file descriptors plus timers.
 * Sources (libusb, curl, usbmuxd pipe, children, workers, tty, signals) register
 * fds and deadlines; nothing busy-waits, an idle loop sleeps in poll.
 *
 * Contract: callbacks run on the loop thread and must not block. A callback may
 * add or remove any watch or timer, including its own. loop_wake() is the only
 * function other threads may call. */
#ifndef IBENCH_LOOP_H
#define IBENCH_LOOP_H
#include <stdint.h>

struct loop;
struct loop_watch;
struct loop_timer;

typedef void (*loop_fd_cb)(void *ctx, int fd, short revents);
typedef void (*loop_timer_cb)(void *ctx);
typedef void (*loop_hook_cb)(void *ctx);

struct loop *loop_new(void);
void loop_free(struct loop *l);

struct loop_watch *loop_watch_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *ctx);
void loop_watch_set_events(struct loop_watch *w, short events);
void loop_watch_remove(struct loop_watch *w);

/* One-shot timers; re-arm from the callback for periodic work. */
struct loop_timer *loop_timer_new(struct loop *l, loop_timer_cb cb, void *ctx);
void loop_timer_arm(struct loop_timer *t, int64_t delay_ms);
void loop_timer_arm_at(struct loop_timer *t, int64_t when_ms);
void loop_timer_disarm(struct loop_timer *t);
int loop_timer_armed(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Called once per pass after dispatch (apply queued events, render if dirty). */
void loop_add_idle_hook(struct loop *l, loop_hook_cb cb, void *ctx);

/* Thread-safe: makes poll return so hooks run (workers post events, then wake). */
void loop_wake(struct loop *l);

/* Signals arrive as loop events: handlers only write to a self-pipe. */
typedef void (*loop_signal_cb)(void *ctx, int signo);
int loop_watch_signal(struct loop *l, int signo, loop_signal_cb cb, void *ctx);

int loop_run(struct loop *l);      /* until loop_stop(); returns the stop code */
void loop_stop(struct loop *l, int code);
int loop_running(const struct loop *l);
/* Runs one pass, waiting at most max_wait_ms (-1 forever). For tests and sub-loops. */
int loop_run_once(struct loop *l, int max_wait_ms);
uint64_t loop_wakeups(const struct loop *l);   /* passes that returned from poll */

int64_t now_ms(void);  /* CLOCK_MONOTONIC in ms */
int64_t wall_ms(void); /* CLOCK_REALTIME in ms */

#endif
