/* The wired runtime shared by the TUI and the headless commands: one loop, one
 * bench, and every device source feeding it. Sources post bench events from any
 * thread with console_post(); the loop applies them in one place (an idle hook),
 * so the bench is only ever changed on the loop thread. */
#ifndef IBENCH_CONSOLE_H
#define IBENCH_CONSOLE_H
#include "bench.h"
#include "config.h"
#include "loop.h"

struct usb_source;
struct mux_source;

struct console {
    struct config *cfg;
    struct loop *loop;
    struct bench bench;
    struct usb_source *usb;        /* NULL if libusb could not start (reason in usb_error) */
    struct mux_source *mux;        /* NULL if usbmuxd is unreachable (reason in mux_error) */
    char usb_error[160], mux_error[160];
    struct console_queue *queue;   /* events posted from other threads */
    struct loop_timer *linger;     /* expires disconnected rows */
    /* Called on the loop thread after each applied event that changed the bench. */
    void (*on_change)(void *ctx, enum bench_note note, const struct device *d);
    void *on_change_ctx;
};

/* Starts the loop and the sources. Returns 0; a source that cannot start is
 * reported in usb_error/mux_error and the console still runs without it. */
int console_open(struct console *c, struct config *cfg);
void console_close(struct console *c);
/* Thread-safe. */
void console_post(struct console *c, const struct bench_ev *ev);
/* Runs the loop until every present device is identified or `ms` pass. */
void console_settle(struct console *c, int ms);

#endif
