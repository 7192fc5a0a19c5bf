/* The runtime: the one file that wires the loop, the bench, every source
 * (USB, usbmuxd, restore jobs), the worker pool and the software actions
 * (ops) that verbs start. Front ends (console, command line) read the bench
 * and the ops, and act only through verbs.h and the functions here.
 *
 * Threads: sources post bench events from any thread with app_post(); the
 * loop applies them in one place (an idle hook), so the bench and the ops
 * change only on the loop thread. Every other function here runs on the
 * loop thread. */
#ifndef IBENCH_APP_H
#define IBENCH_APP_H
#include "bench.h"
#include "config.h"
#include "dfu_helper.h"
#include "iboot_op.h"
#include "loop.h"
#include "sink.h"

struct usb_source;
struct mux_source;
struct job_source;
struct restores;
struct pool;
struct verb;
struct firmware_rt;
struct ipsw_doc_rt;

enum app_flags {
    APP_FOLLOW_JOBS = 1 << 0,   /* mirror every ibench's restore jobs on the bench */
    APP_PUMP_JOBS = 1 << 1,     /* also start queued jobs when the caps allow */
    APP_NO_DEVICES = 1 << 2,    /* start neither USB nor usbmuxd (firmware and IPSW commands) */
};

/* A software action on one device, started by a verb. */
enum op_state {
    OP_FREE = 0,        /* slot unused */
    OP_RUNNING,         /* transfers or a lockdownd call in flight */
    OP_RETURNING,       /* sent; the device reboots: waiting for it to leave and come back */
    OP_SUCCEEDED,       /* message says what happened */
    OP_FAILED,          /* message says why */
};

struct app_op {
    unsigned id;
    enum op_state state;
    const struct verb *verb;
    unsigned dev_id;
    uint64_t ecid;
    char port[PORT_MAX], udid[48], label[40];
    int64_t started_ms, ended_ms;
    int progress;                   /* percent, -1 when unknown */
    enum dev_mode expect;           /* OP_RETURNING: the mode it should come back in (MODE_UNKNOWN: any) */
    bool left;                      /* OP_RETURNING: it has left the bus */
    int64_t return_by_ms;           /* OP_RETURNING: give up waiting then */
    char message[300];
    char answer[IBOOT_CMD_MAX + 1]; /* getenv's value */
    /* owned resources, released when the op ends */
    void *map; size_t maplen;       /* the file being uploaded */
    int lockfd;                     /* the device lock (shared with restore jobs), -1 none */
};
#define APP_MAX_OPS 16

/* A DFU helper the runtime runs for one device. */
struct app_dfu {
    int used;
    unsigned dev_id;
    enum dfu_state last;            /* last state reported to the log */
    struct dfu_helper h;
};
#define APP_MAX_DFU 16

struct app {
    struct config *cfg;
    struct loop *loop;
    struct bench bench;
    struct sink sink;
    struct pool *pool;
    struct usb_source *usb;         /* NULL if libusb could not start (reason in usb_error) */
    struct mux_source *mux;         /* NULL if usbmuxd is unreachable (reason in mux_error) */
    struct job_source *jobs;        /* NULL unless APP_FOLLOW_JOBS */
    struct restores *restores;      /* restore requests, job logs (restore.h) */
    char usb_error[160], mux_error[160];
    struct app_queue *queue;        /* events posted from other threads */
    struct loop_timer *linger;      /* expires disconnected rows */
    struct app_op ops[APP_MAX_OPS];
    unsigned next_op;
    struct loop_timer *op_timer;    /* the next OP_RETURNING deadline */
    int return_wait_ms;             /* how long a rebooted device is awaited (0: not at all) */
    struct app_dfu dfu[APP_MAX_DFU];
    struct loop_timer *dfu_tick;
    /* Called on the loop thread after each applied event that changed the bench. */
    void (*on_change)(void *ctx, enum bench_note note, const struct device *d);
    void *on_change_ctx;
    /* Called on the loop thread when an op ends. */
    void (*on_op)(void *ctx, const struct app_op *op);
    void *on_op_ctx;
    /* State of the app layer's other modules, created on first use by its
     * module and torn down through app_on_close(). */
    struct firmware_rt *firmware;   /* firmware.h: downloads, catalogs, the cache listing */
    struct ipsw_doc_rt *ipsw;       /* ipsw_doc.h: the open IPSW */
    void (*closers[4])(struct app *a);
    int nclosers;
};

/* Starts the loop and the sources. Returns 0 (a source that cannot start is
 * reported in usb_error/mux_error and the runtime runs without it), -1 when
 * out of memory. Set on_change/on_op before or after. */
int app_open(struct app *a, struct config *cfg, unsigned flags);
/* Stops every source, joins the pool (bounded), frees everything. */
void app_close(struct app *a);
/* Why no device shows, in words: USB could not start, the machine has no
 * USB bus, or simply no Apple device is plugged in. */
void app_usb_empty_reason(const struct app *a, char *out, size_t n);
/* Thread-safe. */
void app_post(struct app *a, const struct bench_ev *ev);
/* Runs the loop until every present device is identified or `ms` pass. */
void app_settle(struct app *a, int ms);
/* Runs the loop until done(ctx) is true, the loop is stopped, or ms pass
 * (-1: no limit). Returns 1 when done(ctx) became true. */
int app_run_until(struct app *a, int (*done)(void *ctx), void *ctx, int ms);

/* Runs fn(arg) on the worker pool; its result must come back as an event
 * (app_post). -1 when the pool is stopping: arg has then been freed. */
int app_background(struct app *a, void (*fn)(void *arg), void *arg);

/* For the app layer's modules: fn(a, arg) runs on the loop thread where
 * events are applied, in order with them; a pool task hands its result back
 * this way. Thread-safe. -1 when out of memory (arg is then the caller's). */
int app_post_call(struct app *a, void (*fn)(struct app *a, void *arg), void *arg);
/* Registers the teardown of a module's state: app_close() runs it (last
 * registered first) once the pool is joined and every queued event and call
 * applied, before the loop is freed. -1 when full. */
int app_on_close(struct app *a, void (*fn)(struct app *a));

/* Ops. */
/* What became of the op, in the words the event log, the console and the
 * command line share: "Exit: back in Normal mode", "Upload: done". */
void app_op_words(const struct app_op *op, char *out, size_t n);
const struct app_op *app_op_get(const struct app *a, unsigned id);
/* The op running on this device, or NULL. */
const struct app_op *app_op_on(const struct app *a, const struct device *d);
/* Asks the op running on d to stop; 0 if one was asked. */
int app_op_cancel(struct app *a, const struct device *d);

/* DFU helpers (dfu_runs.c): the one on a device (NULL if none), start
 * (the verb's start), cancel (0 if one was running). */
const struct dfu_helper *app_dfu_for(const struct app *a, unsigned dev_id);
int app_dfu_start(struct app *a, const struct device *d, char *err, size_t n);
int app_dfu_cancel(struct app *a, const struct device *d);
void app_dfu_on_change(struct app *a, const struct device *d);
void app_dfu_close(struct app *a);

/* For the verbs only (the app layer): a new running op on d holding lockfd
 * (NULL when every slot is busy); its end; running an iBoot op on its USB
 * port; running a blocking call (lockdownd, restored) on the pool, whose
 * result ends the op through a BEV_OP_DONE event. */
struct app_op *app_op_new(struct app *a, const struct verb *v, const struct device *d, int lockfd);
void app_op_end(struct app *a, struct app_op *op, int ok, const char *message, const char *answer);
/* Instead of ending, a successful op of a verb that reboots the device
 * waits (up to wait_ms) for it to come back, expecting mode `expect`. */
void app_op_expect_return(struct app_op *op, enum dev_mode expect, int wait_ms);
/* Stops waiting for the device to return: the op ends as it stands. */
void app_op_stop_waiting(struct app *a, unsigned op_id);
int app_op_usb(struct app *a, struct app_op *op, const char *title, struct iboot_op *iop, char *err, size_t n);
int app_op_task(struct app *a, struct app_op *op, int (*fn)(const char *udid, char *msg, size_t n), char *err, size_t n);

#endif
