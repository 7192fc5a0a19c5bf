/* The bench model. Rows are matched to events by USB port, ECID and UDID so a
 * device rebooting through Normal -> Recovery -> DFU keeps one row; rows that
 * turn out to be the same device (a usbmuxd row and its USB row, or a device
 * re-plugged on another port) are merged into the older row. */
#include "bench.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"

#define S(dst, src) sanitize_text((dst), sizeof(dst), (src), sizeof(src))

void bench_init(struct bench *b, int64_t linger_ms)
{
    memset(b, 0, sizeof *b);
    b->next_id = 1;
    b->linger_ms = linger_ms;
}

void bench_done(struct bench *b)
{
    for (int i = 0; i < b->ndev; i++) free(b->dev[i]);
    b->ndev = 0;
}

void bench_set_listener(struct bench *b, bench_listener fn, void *ctx)
{
    b->listener = fn;
    b->listener_ctx = ctx;
}

int bench_add_slot(struct bench *b, const char *port, const char *label)
{
    if (b->nslots >= (int)(sizeof b->slots / sizeof b->slots[0])) return -1;
    snprintf(b->slots[b->nslots].port, sizeof b->slots[0].port, "%s", port);
    sanitize_text(b->slots[b->nslots].label, sizeof b->slots[0].label, label, strlen(label));
    b->nslots++;
    return 0;
}

void bench_logf(struct bench *b, int64_t now_ms, const char *fmt, ...)
{
    char raw[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    struct bench_log_line *l = &b->log[b->log_head];
    l->t_ms = now_ms;
    sanitize_text(l->text, sizeof l->text, raw, sizeof raw);
    b->log_head = (b->log_head + 1) % BENCH_LOG;
    if (b->log_count < BENCH_LOG) b->log_count++;
    b->generation++;
}

const struct bench_log_line *bench_log_get(const struct bench *b, unsigned i)
{
    if (i >= b->log_count) return NULL;
    return &b->log[(b->log_head + BENCH_LOG - 1 - i) % BENCH_LOG];
}

static void notify(struct bench *b, enum bench_note note, struct device *d)
{
    b->generation++;
    if (b->listener) b->listener(b->listener_ctx, note, d);
}

static void set_event(struct device *d, const char *fmt, const char *arg)
{
    snprintf(d->last_event, sizeof d->last_event, fmt, arg);
}

static void push_history(struct device *d, int64_t t, enum dev_mode m)
{
    if (d->nhistory == DEV_HISTORY) {
        memmove(d->history, d->history + 1, sizeof d->history[0] * (DEV_HISTORY - 1));
        d->nhistory--;
    }
    d->history[d->nhistory++] = (struct mode_change){t, m};
}

static void apply_slot(const struct bench *b, struct device *d)
{
    d->slot[0] = 0;
    for (int i = 0; i < b->nslots; i++)
        if (strcmp(b->slots[i].port, d->port) == 0)
            snprintf(d->slot, sizeof d->slot, "%s", b->slots[i].label);
}

static struct device *new_device(struct bench *b, int64_t now, enum dev_mode mode)
{
    if (b->ndev >= BENCH_MAX_DEVICES) {
        /* Make room by dropping the longest-gone row, never a present one. */
        int victim = -1;
        for (int i = 0; i < b->ndev; i++)
            if (b->dev[i]->presence == PRESENCE_GONE &&
                (victim < 0 || b->dev[i]->gone_since_ms < b->dev[victim]->gone_since_ms)) victim = i;
        if (victim < 0) return NULL;
        free(b->dev[victim]);
        memmove(b->dev + victim, b->dev + victim + 1, sizeof b->dev[0] * (size_t)(b->ndev - victim - 1));
        b->ndev--;
    }
    struct device *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->id = b->next_id++;
    d->mode = mode;
    d->progress = -1;
    d->first_seen_ms = d->mode_since_ms = now;
    push_history(d, now, mode);
    b->dev[b->ndev++] = d;
    return d;
}

static void remove_device(struct bench *b, struct device *d)
{
    for (int i = 0; i < b->ndev; i++) {
        if (b->dev[i] == d) {
            memmove(b->dev + i, b->dev + i + 1, sizeof b->dev[0] * (size_t)(b->ndev - i - 1));
            b->ndev--;
            free(d);
            return;
        }
    }
}

/* Moves the device to `mode`, returning 1 if that was a change. */
static int change_mode(struct bench *b, struct device *d, int64_t now, enum dev_mode mode)
{
    int was_gone = d->presence == PRESENCE_GONE;
    d->presence = PRESENCE_PRESENT;
    if (d->mode == mode) {
        if (was_gone) {
            set_event(d, "back in %s", mode_name(mode));
            bench_logf(b, now, "%s back in %s", device_label(d), mode_name(mode));
        }
        return 0;
    }
    d->mode = mode;
    d->mode_since_ms = now;
    push_history(d, now, mode);
    set_event(d, "entered %s", mode_name(mode));
    bench_logf(b, now, "%s (%s) entered %s", device_label(d), device_display_name(d), mode_name(mode));
    return 1;
}

static void mark_gone(struct bench *b, struct device *d, int64_t now)
{
    if (d->on_usb || d->on_mux || d->presence == PRESENCE_GONE) return;
    d->presence = PRESENCE_GONE;
    d->gone_since_ms = now;
    set_event(d, "%s", "disconnected");
    bench_logf(b, now, "%s (%s) disconnected", device_label(d), device_display_name(d));
    notify(b, NOTE_DETACHED, d);
}

/* `keep` is the older row; `fresh` holds what was just seen. The fresh view of
 * presence, port and mode wins; identity fields fill in what keep lacks. */
static struct device *merge(struct bench *b, struct device *keep, struct device *fresh, int64_t now)
{
    if (keep == fresh) return keep;
    if (keep->id > fresh->id) { struct device *t = keep; keep = fresh; fresh = t; }
    /* What keep's listeners have not been told yet: a port, or an identity. */
    int gained = (fresh->port[0] && strcmp(keep->port, fresh->port)) || (fresh->identified && !keep->identified) ||
                 (!keep->ios_version[0] && fresh->ios_version[0]);
    if (fresh->port[0]) {
        snprintf(keep->port, sizeof keep->port, "%s", fresh->port);
        apply_slot(b, keep);
        keep->pid = fresh->pid;
    }
    keep->on_usb |= fresh->on_usb;
    keep->on_mux |= fresh->on_mux;
#define FILL(f) if (!keep->f[0]) memcpy(keep->f, fresh->f, sizeof keep->f)
    FILL(udid); FILL(product_type); FILL(ios_version); FILL(build); FILL(device_name);
    FILL(serial); FILL(hw_model); FILL(device_class);
#undef FILL
    if (fresh->has_serial_info) { keep->sn = fresh->sn; keep->has_serial_info = true; keep->nonce = fresh->nonce; }
    if (!keep->has_ecid && fresh->has_ecid) { keep->has_ecid = true; keep->ecid = fresh->ecid; }
    if (!keep->cpid) { keep->cpid = fresh->cpid; keep->bdid = fresh->bdid; }
    if (!keep->model) keep->model = fresh->model;
    keep->identified |= fresh->identified;
    /* A row with no history yet is still waiting for its mode: it has none to give. */
    enum dev_mode m = fresh->nhistory && (fresh->on_usb || fresh->on_mux) ? fresh->mode : keep->mode;
    /* usbmuxd tells Restore from Normal; the shared USB product ID cannot. */
    if (m == MODE_NORMAL && keep->mode == MODE_RESTORE && keep->on_mux) m = MODE_RESTORE;
    /* A Normal device is seen on USB and on usbmuxd before either side knows
     * it is one device: listeners that saw the second row hear where it went. */
    fresh->merged_into = keep->id;
    if (fresh->nhistory) notify(b, NOTE_REMOVED, fresh);   /* a row never shown goes without a word */
    remove_device(b, fresh);
    int unseen = keep->nhistory == 0;   /* a row still awaiting its mode (on_usb_arrived) */
    int moved = change_mode(b, keep, now, m);
    if (moved) notify(b, unseen ? NOTE_ATTACHED : NOTE_MODE_CHANGED, keep);
    /* A row first shown by this merge may already know who it is, and a
     * shown one may have gained a port or an identity: listeners hear it whole. */
    if (keep->identified && (unseen || gained)) notify(b, NOTE_IDENTIFIED, keep);
    else if (gained && !moved && !unseen) notify(b, NOTE_UPDATED, keep);
    return keep;
}

static int same_device(const struct device *a, const struct device *b)
{
    return (a->has_ecid && b->has_ecid && a->ecid == b->ecid) || (a->udid[0] && strcasecmp(a->udid, b->udid) == 0);
}

static struct device *merge_by_identity(struct bench *b, struct device *d, int64_t now)
{
    for (int i = 0; i < b->ndev; i++)
        if (b->dev[i] != d && same_device(d, b->dev[i])) return merge(b, b->dev[i], d, now);
    return d;
}

/* A USB row still waiting for its mode learnt who it is: it joins a shown
 * row of the same device, and a row held for it from usbmuxd's listing,
 * never shown, goes without a word. 1 if a shown row changed. */
static int place_unseen(struct bench *b, struct device *d, int64_t now)
{
    for (int i = 0; i < b->ndev; i++) {
        struct device *o = b->dev[i];
        if (o == d || !same_device(o, d)) continue;
        if (o->presence == PRESENCE_PRESENT) { merge(b, o, d, now); return 1; }
        if (o->nhistory == 0) { remove_device(b, o); i--; }
    }
    return 0;
}

/* New-style UDIDs are "<CPID 8 hex>-<ECID 16 hex>", which gives the ECID. */
static void ecid_from_udid(struct device *d)
{
    const char *u = d->udid;
    if (strlen(u) != 25 || u[8] != '-') return;
    uint64_t cpid, ecid;
    char a[9], e[17];
    memcpy(a, u, 8); a[8] = 0;
    memcpy(e, u + 9, 16); e[16] = 0;
    if (bench_parse_u64(a, 16, &cpid) < 0 || bench_parse_u64(e, 16, &ecid) < 0) return;
    if (!d->has_ecid) { d->has_ecid = true; d->ecid = ecid; }
    if (!d->cpid) d->cpid = (uint32_t)cpid;
}

static void resolve_model(struct device *d)
{
    if (d->model) {
        if (!d->cpid) d->cpid = d->model->cpid;
        if (!d->has_serial_info) d->bdid = d->model->bdid;
        return;
    }
    if (d->cpid && (d->has_serial_info && (d->sn.present & SF_BDID)))
        d->model = models_by_chip(d->cpid, d->bdid);
    if (!d->model && d->product_type[0]) d->model = models_by_product(d->product_type);
    if (d->model && !d->cpid) { d->cpid = d->model->cpid; d->bdid = d->model->bdid; }
}

/* A row shows the job that holds its ECID, even when the row appeared
 * after the job's last report. */
static void show_job(struct device *d, const struct bench_job *j)
{
    if (j->state == BJOB_ENDED) d->status[0] = 0;
    else S(d->status, j->status);
    d->progress = j->state == BJOB_RUNNING ? j->progress : -1;
    d->restoring = j->state == BJOB_RUNNING;
}

/* Identity just became known: fold the row into an older one for the same
 * device, fill in the model, and tell the listener. */
static int identified(struct bench *b, struct device *d, int64_t now)
{
    d = merge_by_identity(b, d, now);
    resolve_model(d);
    const struct bench_job *j = d->has_ecid ? bench_job_for(b, d->ecid) : NULL;
    if (j) show_job(d, j);
    set_event(d, "identified in %s", mode_name(d->mode));
    notify(b, NOTE_IDENTIFIED, d);
    return 1;
}

static int on_usb_arrived(struct bench *b, const struct bench_ev *ev)
{
    int m = mode_from_usb(APPLE_VID, ev->pid);
    enum dev_mode mode = m < 0 ? MODE_UNKNOWN : (enum dev_mode)m;
    struct device *d = bench_find_port(b, ev->port);
    if (d) {
        /* The USB normal PID is also used in restore mode: usbmuxd tells them
         * apart, and corrects this guess either way. Until it speaks, a device
         * still in Restore stays there, and one leaving iBoot while a restore
         * runs on it is booting the restore ramdisk, not iOS. */
        if (mode == MODE_NORMAL && d->on_mux && d->mode == MODE_RESTORE) mode = MODE_RESTORE;
        if (mode == MODE_NORMAL && d->restoring && mode_is_iboot(d->mode)) mode = MODE_RESTORE;
        int was_gone = d->presence == PRESENCE_GONE;
        d->on_usb = true;
        d->pid = ev->pid;
        if (mode == MODE_NORMAL && was_gone && !d->on_mux && b->mux_decides) {
            /* Back with the PID Normal and Restore share: usbmuxd is about to
             * say which. Until then the row stays as it was, so neither the
             * history nor a watcher hears of a Normal mode that never was. */
            d->gone_since_ms = ev->now_ms;
            return 0;
        }
        if (mode_is_iboot(mode)) { d->identified = false; d->ident_error[0] = 0; }
        if (change_mode(b, d, ev->now_ms, mode)) notify(b, NOTE_MODE_CHANGED, d);
        else if (was_gone) notify(b, NOTE_ATTACHED, d);
        return 1;
    }
    int undecided = mode == MODE_NORMAL && b->mux_decides;
    d = new_device(b, ev->now_ms, undecided ? MODE_UNKNOWN : mode);
    if (!d) return 0;
    snprintf(d->port, sizeof d->port, "%s", ev->port);
    apply_slot(b, d);
    d->on_usb = true;
    d->pid = ev->pid;
    if (undecided) {
        /* Normal or Restore: kept out of sight, with no history, until
         * usbmuxd says which (the row holds the port for it). */
        d->nhistory = 0;
        d->presence = PRESENCE_GONE;
        d->gone_since_ms = ev->now_ms;
        return 0;
    }
    char pid[8];
    snprintf(pid, sizeof pid, "%04x", ev->pid);
    if (mode == MODE_UNKNOWN) snprintf(d->last_event, sizeof d->last_event, "attached, unknown product ID 0x%s", pid);
    else set_event(d, "attached in %s", mode_name(mode));
    bench_logf(b, ev->now_ms, "%s attached in %s (PID 0x%s)", device_label(d), mode_name(mode), pid);
    notify(b, NOTE_ATTACHED, d);
    return 1;
}

static int on_usb_identified(struct bench *b, const struct bench_ev *ev)
{
    struct device *d = bench_find_port(b, ev->port);
    if (!d) return 0;
    char err[96] = "";
    if (ev->udid[0]) {
        S(d->udid, ev->udid);
        ecid_from_udid(d);
        d->identified = true;
        if (d->presence == PRESENCE_GONE) return place_unseen(b, d, ev->now_ms);   /* its mode awaits usbmuxd */
    } else {
        struct serial_info si;
        if (serial_parse(ev->serial_str, strnlen(ev->serial_str, sizeof ev->serial_str), &si, err, sizeof err) < 0) {
            snprintf(d->ident_error, sizeof d->ident_error, "bad serial string: %s", err);
            set_event(d, "%s", d->ident_error);
            bench_logf(b, ev->now_ms, "%s: %s", device_label(d), d->ident_error);
            notify(b, NOTE_IDENT_FAILED, d);
            return 1;
        }
        d->sn = si;
        d->has_serial_info = true;
        if (si.present & SF_ECID) { d->has_ecid = true; d->ecid = si.ecid; }
        if (si.present & SF_CPID) d->cpid = si.cpid;
        if (si.present & SF_BDID) d->bdid = si.bdid;
        if (si.srnm[0] && !d->serial[0]) snprintf(d->serial, sizeof d->serial, "%s", si.srnm);
        if (ev->nonce_str[0]) nonce_parse(ev->nonce_str, strnlen(ev->nonce_str, sizeof ev->nonce_str), &d->nonce, err, sizeof err);
        d->model = NULL;
        resolve_model(d);
        d->identified = true;
        d->ident_error[0] = 0;
    }
    return identified(b, d, ev->now_ms);
}

static int on_usb_left(struct bench *b, const struct bench_ev *ev)
{
    struct device *d = bench_find_port(b, ev->port);
    if (!d || !d->on_usb) return 0;
    d->on_usb = false;
    mark_gone(b, d, ev->now_ms);
    return 1;
}

static int on_mux_attached(struct bench *b, const struct bench_ev *ev)
{
    enum dev_mode mode = ev->restore ? MODE_RESTORE : MODE_NORMAL;
    struct device *d = bench_find_udid(b, ev->udid);
    if (!d) {
        struct device tmp;
        memset(&tmp, 0, sizeof tmp);
        S(tmp.udid, ev->udid);
        ecid_from_udid(&tmp);
        if (tmp.has_ecid) d = bench_find_ecid(b, tmp.ecid);
        if (d && !d->udid[0]) memcpy(d->udid, tmp.udid, sizeof d->udid);
    }
    if (ev->mode_pending) {
        /* Listed by usbmuxd, its mode not asked yet: a row that is not shown
         * holds its place in arrival order until the mode is known. */
        if (d || b->ndev >= BENCH_MAX_DEVICES || !(d = new_device(b, ev->now_ms, MODE_UNKNOWN))) return 0;
        S(d->udid, ev->udid);
        ecid_from_udid(d);
        d->nhistory = 0;
        d->presence = PRESENCE_GONE;
        d->gone_since_ms = ev->now_ms;
        return 0;
    }
    if (d) {
        int was_gone = d->presence == PRESENCE_GONE, unseen = d->nhistory == 0;
        d->on_mux = true;
        if (change_mode(b, d, ev->now_ms, mode)) notify(b, unseen ? NOTE_ATTACHED : NOTE_MODE_CHANGED, d);
        else if (was_gone) notify(b, NOTE_ATTACHED, d);
        return 1;
    }
    d = new_device(b, ev->now_ms, mode);
    if (!d) return 0;
    S(d->udid, ev->udid);
    ecid_from_udid(d);
    d->on_mux = true;
    set_event(d, "attached in %s", mode_name(mode));
    bench_logf(b, ev->now_ms, "%s attached in %s", device_label(d), mode_name(mode));
    notify(b, NOTE_ATTACHED, d);
    return 1;
}

static int on_mux_info(struct bench *b, const struct bench_ev *ev)
{
    struct device *d = bench_find_udid(b, ev->udid);
    if (!d) return 0;
    /* Restore mode answers fewer questions: keep what Normal mode told us. */
#define KEEP_S(f) if (ev->f[0]) S(d->f, ev->f)
    KEEP_S(product_type); KEEP_S(ios_version); KEEP_S(build); KEEP_S(device_name);
    KEEP_S(serial); KEEP_S(hw_model); KEEP_S(device_class);
#undef KEEP_S
    enum dev_mode mode = ev->restore ? MODE_RESTORE : MODE_NORMAL;
    if (d->on_mux && change_mode(b, d, ev->now_ms, mode)) notify(b, NOTE_MODE_CHANGED, d);
    if (ev->has_ecid) { d->has_ecid = true; d->ecid = ev->ecid; }
    const struct model *m = models_by_product(d->product_type);
    if (m) d->model = m;
    d->identified = true;
    return identified(b, d, ev->now_ms);
}

static int on_mux_detached(struct bench *b, const struct bench_ev *ev)
{
    struct device *d = bench_find_udid(b, ev->udid);
    if (!d || !d->on_mux) return 0;
    d->on_mux = false;
    mark_gone(b, d, ev->now_ms);
    return 1;
}

const struct bench_job *bench_job_for(const struct bench *b, uint64_t ecid)
{
    for (int i = 0; i < b->njobs; i++)
        if (b->jobs[i].ecid == ecid && b->jobs[i].state != BJOB_ENDED) return &b->jobs[i];
    return NULL;
}

static int on_job(struct bench *b, const struct bench_ev *ev)
{
    struct bench_job *j = NULL;
    for (int i = 0; i < b->njobs && !j; i++)
        if (b->jobs[i].id == ev->job_id) j = &b->jobs[i];
    if (!j && ev->job_state == BJOB_ENDED) return 0;   /* a job this bench never saw running */
    if (!j) {
        if (b->njobs == BENCH_MAX_JOBS) {   /* forget an ended job */
            int k = 0;
            while (k < b->njobs && b->jobs[k].state != BJOB_ENDED) k++;
            if (k == b->njobs) return 0;
            b->jobs[k] = b->jobs[--b->njobs];
        }
        j = &b->jobs[b->njobs++];
    }
    j->id = ev->job_id;
    j->ecid = ev->ecid;
    j->state = ev->job_state;
    j->progress = ev->progress;
    S(j->status, ev->text);
    struct device *d = bench_find_ecid(b, ev->ecid);
    if (d) {
        const struct bench_job *holder = bench_job_for(b, ev->ecid);
        show_job(d, holder ? holder : j);
        notify(b, NOTE_UPDATED, d);
    }
    return 1;
}

static struct device *target(const struct bench *b, const struct bench_ev *ev)
{
    struct device *d = ev->has_ecid ? bench_find_ecid(b, ev->ecid) : NULL;
    if (!d) d = bench_find_port(b, ev->port);
    if (!d) d = bench_find_udid(b, ev->udid);
    return d;
}

static int on_tick(struct bench *b, const struct bench_ev *ev)
{
    int changed = 0;
    for (int i = 0; i < b->ndev;) {
        struct device *d = b->dev[i];
        if (d->presence == PRESENCE_GONE && ev->now_ms - d->gone_since_ms >= b->linger_ms) {
            notify(b, NOTE_REMOVED, d);
            remove_device(b, d);
            changed = 1;
        } else {
            i++;
        }
    }
    return changed;
}

/* Port paths compare as numbers ("1-2" < "1-10", "1-1.3" < "1-1.10");
 * devices seen only through usbmuxd (no port) go last, by arrival. */
static int port_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);
            if (x != y) return x < y ? -1 : 1;
            a = ea; b = eb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++; b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int row_cmp(const void *pa, const void *pb)
{
    const struct device *a = *(struct device *const *)pa, *b = *(struct device *const *)pb;
    if (a->port[0] && b->port[0]) {
        int c = port_cmp(a->port, b->port);
        if (c) return c;
    } else if (a->port[0] != b->port[0]) {
        return a->port[0] ? -1 : 1;
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

static int apply(struct bench *b, const struct bench_ev *ev);

/* Rows stay in port order, so a device keeps its place on screen. */
int bench_apply(struct bench *b, const struct bench_ev *ev)
{
    int changed = apply(b, ev);
    if (changed && b->ndev > 1) qsort(b->dev, (size_t)b->ndev, sizeof b->dev[0], row_cmp);
    return changed;
}

static int apply(struct bench *b, const struct bench_ev *ev)
{
    struct device *d;
    switch (ev->type) {
    case BEV_USB_ARRIVED: return on_usb_arrived(b, ev);
    case BEV_USB_IDENTIFIED: return on_usb_identified(b, ev);
    case BEV_USB_IDENT_FAILED:
        if (!(d = bench_find_port(b, ev->port))) return 0;
        S(d->ident_error, ev->text);
        set_event(d, "%s", d->ident_error);
        bench_logf(b, ev->now_ms, "%s: cannot identify: %s", device_label(d), d->ident_error);
        notify(b, NOTE_IDENT_FAILED, d);
        return 1;
    case BEV_USB_LEFT: return on_usb_left(b, ev);
    case BEV_MUX_ATTACHED: return on_mux_attached(b, ev);
    case BEV_MUX_INFO: return on_mux_info(b, ev);
    case BEV_MUX_DETACHED: return on_mux_detached(b, ev);
    case BEV_STATUS:
        if (!(d = target(b, ev))) return 0;
        S(d->status, ev->text);
        d->progress = ev->progress;
        if (ev->restoring) d->restoring = ev->restoring > 0;
        notify(b, NOTE_UPDATED, d);
        return 1;
    case BEV_NOTE:
        d = target(b, ev);
        if (d) {
            S(d->last_event, ev->text);
            bench_logf(b, ev->now_ms, "%s: %s", device_label(d), d->last_event);
            notify(b, NOTE_UPDATED, d);
        } else {
            bench_logf(b, ev->now_ms, "%s", ev->text);
        }
        return 1;
    case BEV_TICK: return on_tick(b, ev);
    case BEV_JOB: return on_job(b, ev);
    case BEV_OP_DONE: return 0;   /* the runtime's own */
    case BEV_RESTORE: return 0;   /* the runtime's own (restore.h) */
    }
    return 0;
}

int64_t bench_next_deadline(const struct bench *b)
{
    int64_t next = -1;
    for (int i = 0; i < b->ndev; i++) {
        const struct device *d = b->dev[i];
        if (d->presence != PRESENCE_GONE) continue;
        int64_t t = d->gone_since_ms + b->linger_ms;
        if (next < 0 || t < next) next = t;
    }
    return next;
}
