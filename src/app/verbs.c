/* The verb table (see verbs.h): every bench operation's rules and start in
 * one place, so the console and the command line refuse the same cases with
 * the same words. */
#include "verbs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit_codes.h"
#include "firmware.h"
#include "ipsw_doc.h"
#include "job.h"
#include "job_source.h"
#include "lockdown_actions.h"
#include "restore.h"

#define REFUSE(code, ...) (snprintf(why, n, __VA_ARGS__), (code))

/* --- mode rules --------------------------------------------------------------- */

static enum verb_refusal check_exit_recovery(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_RECOVERY) return VERB_OK;
    if (d->mode == MODE_NORMAL) return REFUSE(VERB_WRONG_MODE, "%s is already in Normal mode", device_label(d));
    if (mode_is_securerom(d->mode))
        return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: DFU is left only by a force restart (see the guide)",
                      device_label(d), mode_name(d->mode));
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: only Recovery can be left from software", device_label(d), mode_name(d->mode));
}

static enum verb_refusal check_enter_recovery(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_NORMAL && d->udid[0]) return VERB_OK;
    if (d->mode == MODE_RECOVERY) return REFUSE(VERB_WRONG_MODE, "%s is already in Recovery mode", device_label(d));
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: Recovery is entered from software only from Normal mode; "
                  "use the buttons (see the guide)", device_label(d), mode_name(d->mode));
}

static enum verb_refusal check_reboot(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_RECOVERY || ((d->mode == MODE_NORMAL || d->mode == MODE_RESTORE) && d->udid[0])) return VERB_OK;
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: it cannot be rebooted from software; force restart it (see the guide)",
                  device_label(d), mode_name(d->mode));
}

static enum verb_refusal check_cmd(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_RECOVERY) return VERB_OK;
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: iBoot commands need Recovery mode", device_label(d), mode_name(d->mode));
}

static enum verb_refusal check_upload(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_RECOVERY || mode_is_securerom(d->mode)) return VERB_OK;
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: uploads go to Recovery or DFU devices only", device_label(d), mode_name(d->mode));
}

static enum verb_refusal check_dfu(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (mode_is_securerom(d->mode)) return REFUSE(VERB_WRONG_MODE, "%s is already in %s mode", device_label(d), mode_name(d->mode));
    if (!d->port[0])
        return REFUSE(VERB_WRONG_MODE, "%s has no known USB port to watch (seen only through usbmuxd)", device_label(d));
    return VERB_OK;
}

static enum verb_refusal check_any(const struct app *a, const struct device *d, char *why, size_t n) { return VERB_OK; }

static enum verb_refusal check_restore(const struct app *a, const struct device *d, char *why, size_t n)
{
    if (d->mode == MODE_RECOVERY || d->mode == MODE_NORMAL || d->mode == MODE_DFU || d->mode == MODE_PORT_DFU) return VERB_OK;
    if (d->mode == MODE_RESTORE)
        return REFUSE(VERB_WRONG_MODE, "%s is in Restore mode: a restore is under way or stuck there; wait for it, "
                      "or reboot it and start again", device_label(d));
    return REFUSE(VERB_WRONG_MODE, "%s is in %s mode: restores start from Normal, Recovery or DFU mode", device_label(d),
                  mode_name(d->mode));
}

static enum verb_refusal check_cancel(const struct app *a, const struct device *d, char *why, size_t n)
{
    const struct dfu_helper *h = app_dfu_for(a, d->id);
    if (app_op_on(a, d) || (h && dfu_helper_active(h)) || (d->has_ecid && bench_job_for(&a->bench, d->ecid))) return VERB_OK;
    return REFUSE(VERB_WRONG_MODE, "nothing is running on %s", device_label(d));
}

/* --- starts ---------------------------------------------------------------------- */

/* The device lock (shared with restore jobs, in every ibench process) and a
 * new op holding it. */
static struct app_op *begin(struct app *a, const struct verb *v, const struct device *d, char *err, size_t n)
{
    int fd = -1;
    if (d->has_ecid) {
        char why[200];
        fd = job_device_lock(a->cfg, d->ecid, why, sizeof why);
        if (fd < 0) { snprintf(err, n, "%s is busy: %s", device_label(d), why); return NULL; }
    }
    struct app_op *op = app_op_new(a, v, d, fd);
    if (!op) {
        if (fd >= 0) close(fd);
        snprintf(err, n, "too many actions at once; wait for one to end");
    }
    return op;
}

static int run_usb(struct app *a, struct app_op *op, const char *title, struct iboot_op *iop, char *err, size_t n)
{
    if (app_op_usb(a, op, title, iop, err, n) < 0) { app_op_end(a, op, 0, err, NULL); return -1; }
    return (int)op->id;
}

static int run_task(struct app *a, struct app_op *op, int (*fn)(const char *, char *, size_t), char *err, size_t n)
{
    if (app_op_task(a, op, fn, err, n) < 0) { app_op_end(a, op, 0, err, NULL); return -1; }
    return (int)op->id;
}

static int start_exit_recovery(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    struct app_op *op = begin(a, verb_get(VERB_EXIT_RECOVERY), d, err, n);
    if (!op) return -1;
    app_op_expect_return(op, MODE_NORMAL, a->return_wait_ms);
    return run_usb(a, op, "Exit Recovery", iboot_op_exit_recovery(), err, n);
}

static int start_enter_recovery(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    struct app_op *op = begin(a, verb_get(VERB_ENTER_RECOVERY), d, err, n);
    if (!op) return -1;
    app_op_expect_return(op, MODE_RECOVERY, a->return_wait_ms);
    return run_task(a, op, lockdown_enter_recovery, err, n);
}

static int restart(const char *udid, char *msg, size_t n) { return lockdown_restart(udid, 0, msg, n); }

static int start_reboot(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    struct app_op *op = begin(a, verb_get(VERB_REBOOT), d, err, n);
    if (!op) return -1;
    app_op_expect_return(op, MODE_UNKNOWN, a->return_wait_ms);
    if (d->mode == MODE_RECOVERY) return run_usb(a, op, "Reboot", iboot_op_reboot(), err, n);
    return run_task(a, op, d->mode == MODE_RESTORE ? restored_reboot_device : restart, err, n);
}

static int is_getenv(const char *arg) { return arg && !strncmp(arg, "getenv ", 7); }

static int start_cmd(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    const char *cmds[] = {arg ? arg : ""};
    struct iboot_op *iop = iboot_op_commands(cmds, 1, is_getenv(arg), err, n);
    if (!iop) return -1;
    struct app_op *op = begin(a, verb_get(VERB_CMD), d, err, n);
    if (!op) { iboot_op_free(iop); return -1; }
    return run_usb(a, op, "iBoot command", iop, err, n);
}

static int start_upload(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    int fd = arg ? open(arg, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > (off_t)1 << 31) {
        snprintf(err, n, "%s: %s", arg ? arg : "", fd < 0 ? strerror(errno) :
                 !S_ISREG(st.st_mode) ? "not a regular file" : st.st_size ? "larger than 2 GiB" : "empty file");
        if (fd >= 0) close(fd);
        return -1;
    }
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) { snprintf(err, n, "%s: %s", arg, strerror(errno)); return -1; }
    struct app_op *op = begin(a, verb_get(VERB_UPLOAD), d, err, n);
    if (!op) { munmap(data, (size_t)st.st_size); return -1; }
    op->map = data;
    op->maplen = (size_t)st.st_size;
    int dfu = mode_is_securerom(d->mode);
    return run_usb(a, op, dfu ? "DFU upload" : "Upload", iboot_op_upload(dfu, data, (size_t)st.st_size), err, n);
}

static int start_dfu(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    return app_dfu_start(a, d, err, n);
}

static int start_cancel(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    if (app_op_cancel(a, d) == 0 || app_dfu_cancel(a, d) == 0) return 0;
    const struct bench_job *j = d->has_ecid ? bench_job_for(&a->bench, d->ecid) : NULL;
    if (j && a->jobs && job_source_cancel(a->jobs, j->id, err, n) == 0) return 0;
    if (j && !a->jobs) { snprintf(err, n, "restore job %u: cancel it with `ibench jobs --cancel %u`", j->id, j->id); return -1; }
    if (!err[0]) snprintf(err, n, "nothing is running on %s", device_label(d));
    return -1;
}

/* --- the table -------------------------------------------------------------------- */

enum {
    NEEDS_ECID = 1,     /* the device's ECID is known */
    NEEDS_MODEL = 2,    /* its product type is known */
    TOUCHES = 4,        /* it acts on the device: not while another action holds it */
    NEEDS_GUIDE = 8,    /* its model is in the table: the button steps come from there */
};

struct entry { struct verb v; unsigned flags; };

static const struct entry table[VERB_COUNT] = {
    [VERB_EXIT_RECOVERY] = {{VERB_EXIT_RECOVERY, "exit-recovery", 'x', "Exit", "recovery exit DEVICE",
        "leave Recovery: setenv auto-boot true, saveenv, reboot", NULL, VERB_CONFIRM_YES,
        check_exit_recovery, "Exit Recovery on", "exit Recovery on", start_exit_recovery}, TOUCHES},
    [VERB_ENTER_RECOVERY] = {{VERB_ENTER_RECOVERY, "enter-recovery", 'e', "EnterRec", "recovery enter DEVICE",
        "put a Normal-mode device into Recovery (lockdownd)", NULL, VERB_CONFIRM_YES,
        check_enter_recovery, "Enter Recovery on", "enter Recovery on", start_enter_recovery}, TOUCHES},
    [VERB_REBOOT] = {{VERB_REBOOT, "reboot", 'b', "Reboot", "reboot DEVICE",
        "reboot from Recovery, Normal (trusted) or Restore mode", NULL, VERB_CONFIRM_YES,
        check_reboot, "Reboot", "reboot of", start_reboot}, TOUCHES},
    [VERB_CMD] = {{VERB_CMD, "cmd", ':', "Cmd", "cmd DEVICE \"COMMAND\"",
        "one iBoot command (getenv reads without asking)", "iBoot command", VERB_CONFIRM_YES,
        check_cmd, NULL, "iBoot command to", start_cmd}, TOUCHES},
    [VERB_UPLOAD] = {{VERB_UPLOAD, "send", 'u', "Upload", "send DEVICE FILE",
        "upload a file to a Recovery or DFU device", "File to upload", VERB_CONFIRM_YES,
        check_upload, NULL, "upload to", start_upload}, TOUCHES},
    [VERB_DFU] = {{VERB_DFU, "dfu", 'd', "DFU", "dfu DEVICE",
        "DFU helper: count through the buttons and watch the port", NULL, VERB_CONFIRM_NONE,
        check_dfu, NULL, "DFU helper on", start_dfu}, TOUCHES | NEEDS_MODEL | NEEDS_GUIDE},
    [VERB_FETCH] = {{VERB_FETCH, "fetch", 'f', "Fw", "fw get PRODUCT_TYPE BUILD|latest",
        "firmware for this model: list, fetch into the cache", NULL, VERB_CONFIRM_NONE,
        check_any, NULL, "firmware fetch for", firmware_verb_fetch}, NEEDS_MODEL},
    [VERB_OPEN_IPSW] = {{VERB_OPEN_IPSW, "ipsw", 'i', "IPSW", "ipsw info FILE|URL [--device DEVICE]",
        "read an IPSW (file or URL) and what fits this device", "IPSW file or URL", VERB_CONFIRM_NONE,
        check_any, NULL, "IPSW read for", ipsw_doc_verb_open}, 0},
    [VERB_RESTORE] = {{VERB_RESTORE, "restore", 'r', "Restore", "restore DEVICE --ipsw FILE|--build BUILD|--latest",
        "Update restore (keeps data)", "IPSW file, URL or build", VERB_CONFIRM_YES,
        check_restore, NULL, "restore of", restore_verb_update}, TOUCHES | NEEDS_ECID | NEEDS_MODEL},
    [VERB_ERASE] = {{VERB_ERASE, "erase", 'R', "Erase", "restore DEVICE --erase --ipsw FILE|--build BUILD|--latest",
        "Erase restore (deletes all data; type the ECID's last 4 digits)", "IPSW file, URL or build", VERB_CONFIRM_DIGITS,
        check_restore, NULL, "erase of", restore_verb_erase}, TOUCHES | NEEDS_ECID | NEEDS_MODEL},
    [VERB_CANCEL] = {{VERB_CANCEL, "cancel", 'c', "Cancel", "jobs --cancel ID",
        "stop the action or restore running on the device", NULL, VERB_CONFIRM_YES,
        check_cancel, "Cancel what runs on", "cancel on", start_cancel}, 0},
};

const struct verb *verb_get(enum verb_id id) { return id < VERB_COUNT ? &table[id].v : NULL; }

const struct verb *verb_by_key(int key)
{
    for (int i = 0; i < VERB_COUNT; i++) if (table[i].v.key == key) return &table[i].v;
    return NULL;
}

const struct verb *verb_by_name(const char *name)
{
    for (int i = 0; i < VERB_COUNT; i++) if (!strcmp(table[i].v.name, name)) return &table[i].v;
    return NULL;
}

enum verb_refusal verb_check(const struct verb *v, const struct app *a, const struct device *d, char *why, size_t n)
{
    unsigned flags = table[v->id].flags;
    why[0] = 0;
    if (!d) return REFUSE(VERB_NO_DEVICE, "select a connected device first");
    if (d->presence != PRESENCE_PRESENT) return REFUSE(VERB_NO_DEVICE, "%s is not connected", device_label(d));
    if (flags & TOUCHES) {
        const struct app_op *op = app_op_on(a, d);
        if (op) return REFUSE(VERB_BUSY, "%s is busy: %s is running (c cancels)", device_label(d), op->verb ? op->verb->bar : "an action");
        const struct bench_job *j = d->has_ecid ? bench_job_for(&a->bench, d->ecid) : NULL;
        if (j && j->state == BJOB_RUNNING)
            return REFUSE(VERB_BUSY, "%s is being restored (job %u, %s); cancel it first", device_label(d), j->id, j->status);
        if (j) return REFUSE(VERB_BUSY, "%s has a restore queued (job %u); cancel it first", device_label(d), j->id);
    }
    if ((flags & NEEDS_ECID) && !d->has_ecid)
        return REFUSE(VERB_UNIDENTIFIED, "%s is not identified yet (ECID unknown%s%s)", device_label(d),
                      d->ident_error[0] ? ": " : "", d->ident_error);
    if ((flags & NEEDS_MODEL) && !d->model && !d->product_type[0])
        return REFUSE(VERB_UNIDENTIFIED, "%s is not identified yet (model unknown%s%s)", device_label(d),
                      d->ident_error[0] ? ": " : "", d->ident_error);
    if ((flags & NEEDS_GUIDE) && !d->model)
        return REFUSE(VERB_UNIDENTIFIED, "%s: no button steps for this model (%s is not in the model table)", device_label(d),
                      d->product_type[0] ? d->product_type : "its model");
    return v->check(a, d, why, n);
}

void verb_question(const struct verb *v, const struct device *d, const char *arg, int short_ecid, char *out, size_t n)
{
    char who[160];
    device_describe(d, short_ecid, who, sizeof who);
    if (v->id == VERB_CMD) { snprintf(out, n, "Send iBoot command \"%.60s\" to %s", arg ? arg : "", who); return; }
    if (v->id == VERB_UPLOAD) {
        struct stat st;
        const char *base = arg ? strrchr(arg, '/') : NULL;
        base = base ? base + 1 : arg ? arg : "";
        if (arg && stat(arg, &st) == 0) snprintf(out, n, "Upload %.60s (%lld bytes) to %s", base, (long long)st.st_size, who);
        else snprintf(out, n, "Upload %.60s to %s", base, who);
        return;
    }
    snprintf(out, n, "%s %s", v->ask ? v->ask : v->summary, who);
}

int verb_needs_question(const struct verb *v, const char *arg)
{
    if (v->confirm == VERB_CONFIRM_NONE) return 0;
    if (v->id == VERB_CMD && is_getenv(arg)) return 0;   /* reading a variable changes nothing */
    return 1;
}

int verb_digits_ok(const struct device *d, const char *typed)
{
    char hex[17];
    device_ecid_hex(d, hex);
    size_t n = strlen(hex);
    if (n < 4 || strlen(typed) != 4) return 0;
    for (int i = 0; i < 4; i++) {
        char t = typed[i], h = hex[n - 4 + i];
        if (t >= 'a' && t <= 'f') t = (char)(t - 'a' + 'A');
        if (t != h) return 0;
    }
    return 1;
}

int verb_start(const struct verb *v, struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    err[0] = 0;
    if (!v->start) { snprintf(err, n, "%s is started from its own panel", v->name); return -1; }
    if (verb_check(v, a, d, err, n) != VERB_OK) return -1;
    return v->start(a, d, arg, err, n);
}

void verb_key_bar(const struct app *a, const struct device *d, char *out, size_t n)
{
    /* The device's verbs in the order a technician reaches for them; the
     * firmware and IPSW keys work for any row and sit in the fixed part. */
    static const enum verb_id order[] = {VERB_DFU, VERB_EXIT_RECOVERY, VERB_ENTER_RECOVERY, VERB_REBOOT, VERB_CMD,
                                         VERB_UPLOAD, VERB_RESTORE, VERB_ERASE, VERB_CANCEL};
    size_t used = 0;
    out[0] = 0;
    char why[200];
    for (size_t i = 0; i < sizeof order / sizeof order[0] && used + 1 < n; i++) {
        const struct verb *v = &table[order[i]].v;
        if (!v->key || verb_check(v, a, d, why, sizeof why) != VERB_OK) continue;
        int w = snprintf(out + used, n - used, "%c%s ", v->key, v->bar);
        if (w < 0 || (size_t)w >= n - used) { out[used] = 0; break; }
        used += (size_t)w;
    }
}

int verb_exit_code(enum verb_refusal r)
{
    switch (r) {
    case VERB_OK: return EXIT_OK;
    case VERB_UNCONFIRMED: return EXIT_CANCELLED;
    case VERB_BAD_ARGUMENT: return EXIT_USAGE;
    default: return EXIT_NODEVICE;
    }
}
