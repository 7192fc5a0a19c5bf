/* libusb on the event loop: pollfds and the next libusb timeout feed poll();
 * hotplug on vendor 0x05ac (with ENUMERATE) queues work; identification reads
 * string descriptors with asynchronous control transfers, then closes. */
#include "serial.h"
#include "usb_source.h"

#include <libusb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "sink.h"
#include "iboot_op.h"

#define IDENT_TIMEOUT_MS 1500
#define IDENT_TRIES 2

/* Where identification of a device stands. */
enum ident_stage {
    IDENT_QUEUED,       /* arrived; reading starts from the loop, not inside the hotplug callback */
    IDENT_SERIAL,       /* reading the serial string descriptor */
    IDENT_NONCE,        /* reading the nonce string (Recovery/DFU only; optional) */
    IDENT_OVER,         /* identified or failed: the handle may be closed when no op needs it */
};

/* After a USB error, an op waits a moment to tell an unplug from a fault. */
enum op_grace {
    GRACE_NONE,         /* no error so far */
    GRACE_WAITING,      /* failed with a USB error; waiting for a LEFT event */
    GRACE_OVER,         /* waited: the device stayed, so it was a fault */
};

struct udev_entry {
    struct udev_entry *next;
    struct usb_source *u;
    libusb_device *dev;              /* referenced while listed */
    libusb_device_handle *h;         /* open only while identifying */
    struct libusb_transfer *xfer;    /* in flight, or NULL */
    char port[PORT_MAX];
    uint16_t pid;
    uint8_t iserial;
    enum ident_stage ident;
    int tries;
    bool left;                       /* LEFT seen; free when the transfer is done */
    /* a software action (iboot_op) in progress */
    struct iboot_op *op;
    char op_title[48];
    usb_op_done_fn op_done;
    void *op_ctx;
    bool op_claimed;                 /* interface 0 claimed for the op */
    bool op_waiting;                 /* a timer, not a transfer, is what the op waits for */
    int op_last_pct;
    enum op_grace op_grace;
    enum iboot_result op_last;
    int64_t op_last_post_ms;
    struct loop_timer *op_timer;
    char serial[SERIAL_MAX];
    unsigned char buf[LIBUSB_CONTROL_SETUP_SIZE + 255];
};

struct usb_source {
    struct sink sink;
    libusb_context *ctx;
    libusb_hotplug_callback_handle hp;
    struct loop_timer *timeout;
    struct { int fd; struct loop_watch *w; } fds[32];
    int nfds;
    struct udev_entry *devs;
};

static void post(struct usb_source *u, enum bench_ev_type t, const struct udev_entry *e, const char *text)
{
    struct bench_ev *ev = calloc(1, sizeof *ev);
    if (!ev) return;
    ev->type = t;
    ev->now_ms = now_ms();
    ev->pid = e->pid;
    snprintf(ev->port, sizeof ev->port, "%s", e->port);
    if (text) snprintf(ev->text, sizeof ev->text, "%s", text);
    sink_post(&u->sink, ev);
    free(ev);
}

static void rearm_timeout(struct usb_source *u)
{
    struct timeval tv;
    int r = libusb_get_next_timeout(u->ctx, &tv);
    if (r == 1) loop_timer_arm(u->timeout, (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000);
    else loop_timer_disarm(u->timeout);
}

static void handle_events(struct usb_source *u)
{
    struct timeval zero = {0, 0};
    libusb_handle_events_timeout_completed(u->ctx, &zero, NULL);
    rearm_timeout(u);
}

static void on_fd(void *ctx, int fd, short revents) { handle_events(ctx); }
static void on_timeout(void *ctx) { handle_events(ctx); }

static void pollfd_added(int fd, short events, void *ctx)
{
    struct usb_source *u = ctx;
    for (int i = 0; i < u->nfds; i++)
        if (u->fds[i].fd == fd) { loop_watch_set_events(u->fds[i].w, events); return; }
    if (u->nfds >= (int)(sizeof u->fds / sizeof u->fds[0])) return;
    u->fds[u->nfds].fd = fd;
    u->fds[u->nfds].w = loop_watch_fd(u->sink.loop, fd, events, on_fd, u);
    u->nfds++;
}

static void pollfd_removed(int fd, void *ctx)
{
    struct usb_source *u = ctx;
    for (int i = 0; i < u->nfds; i++) {
        if (u->fds[i].fd != fd) continue;
        loop_watch_remove(u->fds[i].w);
        u->fds[i] = u->fds[--u->nfds];
        return;
    }
}

static void entry_free(struct usb_source *u, struct udev_entry *e)
{
    for (struct udev_entry **p = &u->devs; *p; p = &(*p)->next)
        if (*p == e) { *p = e->next; break; }
    if (e->h) libusb_close(e->h);
    if (e->op_timer) loop_timer_free(e->op_timer);
    iboot_op_free(e->op);
    libusb_unref_device(e->dev);
    free(e);
}

/* Called from libusb callbacks: the handle is closed (and a departed entry
 * freed) later by tidy(), because libusb_close deadlocks inside event handling. */
static void finish(struct udev_entry *e, enum bench_ev_type t, const char *text)
{
    struct usb_source *u = e->u;
    e->ident = IDENT_OVER;
    if (e->left) return;
    if (t == BEV_USB_IDENTIFIED) {
        struct bench_ev *ev = calloc(1, sizeof *ev);
        if (!ev) return;
        ev->type = t;
        ev->now_ms = now_ms();
        snprintf(ev->port, sizeof ev->port, "%s", e->port);
        if (mode_from_usb(APPLE_VID, e->pid) == MODE_NORMAL) {
            /* Normal mode: the serial is the UDID; show it as usbmuxd does. */
            if (strlen(e->serial) == 24) snprintf(ev->udid, sizeof ev->udid, "%.8s-%.16s", e->serial, e->serial + 8);
            else snprintf(ev->udid, sizeof ev->udid, "%s", e->serial);
        } else {
            snprintf(ev->serial_str, sizeof ev->serial_str, "%s", e->serial);
            snprintf(ev->nonce_str, sizeof ev->nonce_str, "%s", text ? text : "");
        }
        sink_post(&u->sink, ev);
        free(ev);
    } else {
        post(u, t, e, text);
    }
}

/* UTF-16LE string descriptor -> sanitized ASCII; bounded by the descriptor. */
static void decode_string(const unsigned char *d, int len, char *out, size_t n)
{
    serial_from_descriptor(d, len > 0 ? (size_t)len : 0, out, n);
}

static void submit_string(struct udev_entry *e, uint8_t index);

static void string_done(struct libusb_transfer *x)
{
    struct udev_entry *e = x->user_data;
    e->xfer = NULL;
    enum libusb_transfer_status st = x->status;
    int len = x->actual_length;
    const unsigned char *data = libusb_control_transfer_get_data(x);
    char text[256];
    if (st == LIBUSB_TRANSFER_COMPLETED && len >= 2 && data[1] == LIBUSB_DT_STRING) {
        decode_string(data, len, text, sizeof text);
        libusb_free_transfer(x);
        if (e->ident == IDENT_SERIAL) {
            snprintf(e->serial, sizeof e->serial, "%s", text);
            if (mode_is_iboot((enum dev_mode)mode_from_usb(APPLE_VID, e->pid)) && !e->left) {
                e->ident = IDENT_NONCE;
                e->tries = 0;
                submit_string(e, 1);
                return;
            }
            finish(e, BEV_USB_IDENTIFIED, NULL);
        } else {
            finish(e, BEV_USB_IDENTIFIED, text);
        }
        return;
    }
    libusb_free_transfer(x);
    if (e->left || st == LIBUSB_TRANSFER_NO_DEVICE) { finish(e, BEV_USB_IDENT_FAILED, "device left during identification"); return; }
    if (e->ident == IDENT_NONCE) { finish(e, BEV_USB_IDENTIFIED, NULL); return; } /* nonce is optional */
    if (++e->tries < IDENT_TRIES) { submit_string(e, e->iserial); return; }
    finish(e, BEV_USB_IDENT_FAILED,
           st == LIBUSB_TRANSFER_TIMED_OUT ? "no answer to the serial-number request (timed out)" :
           st == LIBUSB_TRANSFER_STALL ? "device stalled the serial-number request" :
           "serial-number request failed");
}

static void submit_string(struct udev_entry *e, uint8_t index)
{
    struct libusb_transfer *x = libusb_alloc_transfer(0);
    if (!x) { finish(e, BEV_USB_IDENT_FAILED, "out of memory"); return; }
    libusb_fill_control_setup(e->buf, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
                              (uint16_t)(LIBUSB_DT_STRING << 8 | index), 0x0409, 255);
    libusb_fill_control_transfer(x, e->h, e->buf, string_done, e, IDENT_TIMEOUT_MS);
    int r = libusb_submit_transfer(x);
    if (r < 0) {
        libusb_free_transfer(x);
        finish(e, BEV_USB_IDENT_FAILED, libusb_strerror((enum libusb_error)r));
        return;
    }
    e->xfer = x;
}

static void start_identify(struct udev_entry *e)
{
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(e->dev, &dd) < 0 || dd.iSerialNumber == 0) {
        finish(e, BEV_USB_IDENT_FAILED, "device has no serial-number string");
        return;
    }
    e->iserial = dd.iSerialNumber;
    int r = libusb_open(e->dev, &e->h);
    if (r < 0) {
        e->h = NULL;
        finish(e, BEV_USB_IDENT_FAILED, r == LIBUSB_ERROR_ACCESS
               ? "permission denied: install the udev rules (39-libirecovery.rules, 39-usbmuxd.rules) or run as root"
               : libusb_strerror((enum libusb_error)r));
        return;
    }
    submit_string(e, e->iserial);
}

static int hotplug_cb(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event event, void *user)
{
    struct usb_source *u = user;
    if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT) {
        for (struct udev_entry *e = u->devs; e; e = e->next) {
            if (e->dev != dev || e->left) continue;
            e->left = true;
            post(u, BEV_USB_LEFT, e, NULL);
            if (e->xfer) libusb_cancel_transfer(e->xfer); /* tidy() frees it once the transfer is back */
            break;
        }
        return 0;
    }
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(dev, &dd) < 0 || dd.idVendor != APPLE_VID) return 0;
    struct udev_entry *e = calloc(1, sizeof *e);
    if (!e) return 0;
    e->u = u;
    e->dev = libusb_ref_device(dev);
    e->pid = dd.idProduct;
    uint8_t ports[8];
    int n = libusb_get_port_numbers(dev, ports, sizeof ports);
    int o = snprintf(e->port, sizeof e->port, "%u", libusb_get_bus_number(dev));
    for (int i = 0; i < n && o < (int)sizeof e->port; i++)
        o += snprintf(e->port + o, sizeof e->port - (size_t)o, "%c%u", i ? '.' : '-', ports[i]);
    if (n <= 0) snprintf(e->port + o, sizeof e->port - (size_t)o, "-a%u", libusb_get_device_address(dev));
    e->next = u->devs;
    u->devs = e;
    post(u, BEV_USB_ARRIVED, e, NULL);
    e->ident = IDENT_QUEUED; /* identification starts from the loop, not inside the callback */
    return 0;
}

static enum iboot_result xfer_result(const struct udev_entry *e, enum libusb_transfer_status st)
{
    switch (st) {
    case LIBUSB_TRANSFER_COMPLETED: return IR_OK;
    case LIBUSB_TRANSFER_STALL: return IR_STALL;
    case LIBUSB_TRANSFER_TIMED_OUT: return IR_TIMEOUT;
    case LIBUSB_TRANSFER_NO_DEVICE: return IR_GONE;
    case LIBUSB_TRANSFER_CANCELLED: return e->left ? IR_GONE : IR_CANCELLED;
    default: return e->left ? IR_GONE : IR_ERROR;
    }
}

static void op_status(struct udev_entry *e, int force)
{
    uint64_t done, total;
    iboot_op_progress(e->op, &done, &total);
    int pct = total ? (int)(done * 100 / total) : 0;
    int64_t now = now_ms();
    if (!force && (pct == e->op_last_pct || now - e->op_last_post_ms < 200)) return;
    e->op_last_pct = pct;
    e->op_last_post_ms = now;
    struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now, .progress = iboot_op_is_upload(e->op) ? pct : -1};
    snprintf(ev.port, sizeof ev.port, "%s", e->port);
    if (iboot_op_is_upload(e->op)) snprintf(ev.text, sizeof ev.text, "%s %d%%", e->op_title, pct);
    else snprintf(ev.text, sizeof ev.text, "%s...", e->op_title);
    sink_post(&e->u->sink, &ev);
}

/* Transfer callback: only records the result; tidy() takes the next step. */
static void op_xfer_done(struct libusb_transfer *x)
{
    struct udev_entry *e = x->user_data;
    e->xfer = NULL;
    const uint8_t *in = x->type == LIBUSB_TRANSFER_TYPE_CONTROL ? libusb_control_transfer_get_data(x) : x->buffer;
    e->op_last = xfer_result(e, x->status);
    iboot_op_done(e->op, e->op_last, in, (uint32_t)x->actual_length);
    if (iboot_op_is_upload(e->op)) op_status(e, 0);
    libusb_free_transfer(x);
}

static void op_wait_over(void *ctx)
{
    struct udev_entry *e = ctx;
    e->op_waiting = false;
    if (e->op_grace == GRACE_WAITING) { e->op_grace = GRACE_OVER; return; }
    iboot_op_done(e->op, IR_OK, NULL, 0);
}

static void op_left(struct udev_entry *e, char *msg, size_t n)
{
    uint64_t done, total;
    iboot_op_progress(e->op, &done, &total);
    if (iboot_op_is_upload(e->op))
        snprintf(msg, n, "the device left the bus during the upload (after %llu of %llu bytes)",
                 (unsigned long long)done, (unsigned long long)total);
    else
        snprintf(msg, n, "the device left the bus");
}

static void op_finish(struct udev_entry *e, int ok, const char *message)
{
    struct usb_source *u = e->u;
    if (e->op_claimed && e->h && !e->left) libusb_release_interface(e->h, 0);
    e->op_claimed = false;
    struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now_ms(), .progress = -1};
    snprintf(ev.port, sizeof ev.port, "%s", e->port);
    sink_post(&u->sink, &ev);
    /* The outcome is the runtime's to tell: a reboot is over only when the
     * device is back. */
    if (e->op_done) e->op_done(e->op_ctx, e->port, ok, ok ? "" : message, iboot_op_answer(e->op));
    iboot_op_free(e->op);
    e->op = NULL;
    e->ident = IDENT_OVER;
}

/* Takes the op's next step; returns with a transfer or a wait in flight, or
 * the op finished. Runs outside libusb's event handling (reset, close). */
static void op_pump(struct udev_entry *e)
{
    char msg[160];
    if (!e->h) {
        int r = libusb_open(e->dev, &e->h);
        if (r < 0) { e->h = NULL; snprintf(msg, sizeof msg, "cannot open the device: %s", libusb_strerror((enum libusb_error)r)); op_finish(e, 0, msg); return; }
    }
    for (;;) {
        struct iboot_xfer x;
        int r = iboot_op_next(e->op, &x);
        if (r == 0) { op_finish(e, 1, NULL); return; }
        if (r < 0 && e->op_last == IR_ERROR && e->op_grace == GRACE_NONE) {
            /* An unplug shows first as a failed transfer, then as a hotplug
             * event: wait a moment so the message can say which. */
            if (!e->op_timer) e->op_timer = loop_timer_new(e->u->sink.loop, op_wait_over, e);
            e->op_grace = GRACE_WAITING;
            e->op_waiting = true;
            loop_timer_arm(e->op_timer, 500);
            return;
        }
        if (r < 0) { op_finish(e, 0, iboot_op_error(e->op)); return; }
        if (x.kind == IX_WAIT) {
            if (!e->op_timer) e->op_timer = loop_timer_new(e->u->sink.loop, op_wait_over, e);
            e->op_waiting = true;
            loop_timer_arm(e->op_timer, x.timeout_ms);
            return;
        }
        if (x.kind == IX_RESET) {
            r = libusb_reset_device(e->h);
            iboot_op_done(e->op, r == 0 ? IR_OK : r == LIBUSB_ERROR_NOT_FOUND || r == LIBUSB_ERROR_NO_DEVICE ? IR_GONE : IR_ERROR, NULL, 0);
            continue;
        }
        struct libusb_transfer *t = libusb_alloc_transfer(0);
        if (!t) { op_finish(e, 0, "out of memory"); return; }
        if (x.kind == IX_BULK_OUT) {
            if (!e->op_claimed) {
                r = libusb_claim_interface(e->h, 0);
                if (r < 0 && r != LIBUSB_ERROR_BUSY) {
                    libusb_free_transfer(t);
                    snprintf(msg, sizeof msg, "cannot claim the device's interface: %s", libusb_strerror((enum libusb_error)r));
                    op_finish(e, 0, msg);
                    return;
                }
                e->op_claimed = true;
            }
            libusb_fill_bulk_transfer(t, e->h, x.endpoint, (unsigned char *)(uintptr_t)x.data, (int)x.len,
                                      op_xfer_done, e, x.timeout_ms);
        } else {
            unsigned char *buf = malloc(LIBUSB_CONTROL_SETUP_SIZE + (size_t)x.length);
            if (!buf) { libusb_free_transfer(t); op_finish(e, 0, "out of memory"); return; }
            libusb_fill_control_setup(buf, x.request_type, x.request, x.value, x.index, x.length);
            if (x.len) memcpy(buf + LIBUSB_CONTROL_SETUP_SIZE, x.data, x.len);
            libusb_fill_control_transfer(t, e->h, buf, op_xfer_done, e, x.timeout_ms);
            t->flags |= LIBUSB_TRANSFER_FREE_BUFFER;
        }
        r = libusb_submit_transfer(t);
        if (r < 0) {
            libusb_free_transfer(t);
            iboot_op_done(e->op, r == LIBUSB_ERROR_NO_DEVICE ? IR_GONE : IR_ERROR, NULL, 0);
            continue;
        }
        e->xfer = t;
        return;
    }
}

/* Runs from the loop, outside libusb's event handling: closes handles whose
 * work is over (no handle is held while idle), frees departed entries, starts
 * identifying new arrivals and steps software actions. */
static void tidy(void *ctx)
{
    struct usb_source *u = ctx;
    struct udev_entry *e = u->devs, *next;
    for (; e; e = next) {
        next = e->next;
        if (e->xfer || e->op_waiting) continue;
        if (e->left) {
            if (e->op) {
                char msg[160];
                op_left(e, msg, sizeof msg);
                op_finish(e, 0, msg);
            }
            if (e->h) { libusb_close(e->h); e->h = NULL; }
            entry_free(u, e);
            continue;
        }
        if (e->ident == IDENT_QUEUED) { e->ident = IDENT_SERIAL; start_identify(e); continue; }
        if (e->op && e->ident == IDENT_OVER) { op_pump(e); continue; }
        if (e->h && e->ident == IDENT_OVER && !e->op) { libusb_close(e->h); e->h = NULL; }
    }
    rearm_timeout(u);
}

static struct udev_entry *entry_at(const struct usb_source *u, const char *port)
{
    for (struct udev_entry *e = u->devs; e; e = e->next)
        if (!e->left && !strcmp(e->port, port)) return e;
    return NULL;
}

int usb_source_run(struct usb_source *u, const char *port, const char *title, struct iboot_op *op,
                   usb_op_done_fn done, void *ctx, char *err, unsigned long errlen)
{
    struct udev_entry *e = u ? entry_at(u, port) : NULL;
    if (!e) { snprintf(err, errlen, "no USB device on port %s", port); iboot_op_free(op); return -1; }
    if (e->op) { snprintf(err, errlen, "%s is still running on this device", e->op_title); iboot_op_free(op); return -1; }
    e->op = op;
    snprintf(e->op_title, sizeof e->op_title, "%s", title);
    e->op_done = done;
    e->op_ctx = ctx;
    e->op_last_pct = -1;
    e->op_last_post_ms = 0;
    e->op_grace = GRACE_NONE;
    e->op_last = IR_OK;
    op_status(e, 1);
    return 0;
}

int usb_source_cancel(struct usb_source *u, const char *port)
{
    struct udev_entry *e = entry_at(u, port);
    if (!e || !e->op) return -1;
    iboot_op_cancel(e->op);
    if (e->xfer) libusb_cancel_transfer(e->xfer);
    return 0;
}

int usb_source_op_running(const struct usb_source *u, const char *port)
{
    const struct udev_entry *e = entry_at(u, port);
    return e && e->op;
}

struct usb_source *usb_source_start(const struct sink *sk, char *err, unsigned long errlen)
{
    struct usb_source *u = calloc(1, sizeof *u);
    if (!u) return NULL;
    u->sink = *sk;
    int r = libusb_init(&u->ctx);
    if (r < 0) {
        snprintf(err, errlen, "USB unavailable: %s", libusb_strerror((enum libusb_error)r));
        free(u);
        return NULL;
    }
    if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
        snprintf(err, errlen, "USB hotplug is not supported on this system");
        libusb_exit(u->ctx);
        free(u);
        return NULL;
    }
    u->timeout = loop_timer_new(sk->loop, on_timeout, u);
    const struct libusb_pollfd **pf = libusb_get_pollfds(u->ctx);
    for (int i = 0; pf && pf[i]; i++) pollfd_added(pf[i]->fd, pf[i]->events, u);
    libusb_free_pollfds(pf);
    libusb_set_pollfd_notifiers(u->ctx, pollfd_added, pollfd_removed, u);
    r = libusb_hotplug_register_callback(u->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                         LIBUSB_HOTPLUG_ENUMERATE, APPLE_VID, LIBUSB_HOTPLUG_MATCH_ANY,
                                         LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, u, &u->hp);
    if (r < 0) {
        snprintf(err, errlen, "USB hotplug registration failed: %s", libusb_strerror((enum libusb_error)r));
        usb_source_stop(u);
        return NULL;
    }
    loop_add_idle_hook(sk->loop, tidy, u);
    return u;
}

void usb_source_stop(struct usb_source *u)
{
    if (!u) return;
    if (u->hp) libusb_hotplug_deregister_callback(u->ctx, u->hp);
    for (struct udev_entry *e = u->devs; e; e = e->next) {
        e->left = true;
        if (e->xfer) libusb_cancel_transfer(e->xfer);
    }
    struct timeval tv = {0, 100000};
    for (int i = 0; i < 10 && u->devs; i++) {
        int busy = 0;
        for (struct udev_entry *e = u->devs; e; e = e->next) busy |= e->xfer != NULL;
        if (!busy) break;
        libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
    }
    while (u->devs) entry_free(u, u->devs);
    libusb_set_pollfd_notifiers(u->ctx, NULL, NULL, NULL);
    for (int i = 0; i < u->nfds; i++) loop_watch_remove(u->fds[i].w);
    loop_timer_free(u->timeout);
    libusb_exit(u->ctx);
    free(u);
}

int usb_source_busy(const struct usb_source *u)
{
    for (const struct udev_entry *e = u->devs; e; e = e->next)
        if (!e->left && (e->ident == IDENT_QUEUED || e->xfer)) return 1;
    return 0;
}
