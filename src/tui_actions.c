/* The console's device actions: x exit Recovery, e enter Recovery, b reboot,
 * : iBoot command, u upload a file, c cancel. Each names the device and asks
 * y/N first (reading a variable with getenv excepted); outcomes reach the key
 * bar and the bench log. USB actions run on the loop through usb_source;
 * lockdownd actions block for a few round trips, so they run on a worker
 * thread that reports back with a bench event. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guide.h"
#include "iboot_op.h"
#include "lockdown_actions.h"
#include "sanitize.h"
#include "tui.h"
#include "usb_source.h"
#include "worker.h"

static int workers;                      /* lockdownd threads still running */

static void say(struct tui *t, const char *fmt, const char *a, const char *b)
{
    snprintf(t->message, sizeof t->message, fmt, a, b ? b : "");
    t->dirty = 1;
}

/* --- lockdownd actions on a worker thread --------------------------------- */

enum work_kind { WORK_ENTER_RECOVERY, WORK_RESTART, WORK_RESTORED_REBOOT };

struct work {
    struct console *con;
    enum work_kind kind;
    char udid[48], label[40];
};

static void *work_main(void *arg)
{
    struct work *w = arg;
    char msg[300];
    int rc = w->kind == WORK_ENTER_RECOVERY ? lockdown_enter_recovery(w->udid, msg, sizeof msg)
           : w->kind == WORK_RESTART ? lockdown_restart(w->udid, 0, msg, sizeof msg)
           : restored_reboot_device(w->udid, msg, sizeof msg);
    const char *what = w->kind == WORK_ENTER_RECOVERY ? "Enter Recovery" : "Reboot";
    struct bench_ev ev = {.type = BEV_NOTE, .now_ms = now_ms()};
    snprintf(ev.udid, sizeof ev.udid, "%s", w->udid);
    if (rc == 0) snprintf(ev.text, sizeof ev.text, "%s: accepted; the device is rebooting", what);
    else snprintf(ev.text, sizeof ev.text, "%s failed: %.120s", what, msg);
    console_post(w->con, &ev);
    free(w);
    __atomic_sub_fetch(&workers, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static int start_work(struct tui *t, const struct device *d, enum work_kind kind)
{
    struct work *w = calloc(1, sizeof *w);
    if (!w) return -1;
    w->con = &t->con;
    w->kind = kind;
    snprintf(w->udid, sizeof w->udid, "%s", d->udid);
    snprintf(w->label, sizeof w->label, "%s", device_label(d));
    __atomic_add_fetch(&workers, 1, __ATOMIC_SEQ_CST);
    if (worker_start(work_main, w) < 0) { __atomic_sub_fetch(&workers, 1, __ATOMIC_SEQ_CST); free(w); return -1; }
    return 0;
}

void tui_actions_drain(void)
{
    for (int i = 0; i < 100 && __atomic_load_n(&workers, __ATOMIC_SEQ_CST); i++) usleep(50000);
}

/* --- USB actions ---------------------------------------------------------- */

static struct { char port[PORT_MAX]; void *data; size_t len; } maps[8];   /* files being uploaded */

static struct tui *the_tui;

static void usb_done(void *ctx, const char *port, int ok, const char *message, const char *answer)
{
    struct tui *t = ctx;
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        if (maps[i].data && !strcmp(maps[i].port, port)) { munmap(maps[i].data, maps[i].len); maps[i].data = NULL; }
    struct device *d = bench_find_port(&t->con.bench, port);
    const char *label = d ? device_label(d) : port;
    if (!ok) { snprintf(t->message, sizeof t->message, " %s: %.140s", label, message); t->dirty = 1; return; }
    if (answer && answer[0]) {
        char clean[200];
        sanitize_text(clean, sizeof clean, answer, strlen(answer));
        snprintf(t->message, sizeof t->message, " %s answered: %s", label, clean);
        bench_logf(&t->con.bench, now_ms(), "%s: iBoot answered: %s", label, clean);
    } else {
        snprintf(t->message, sizeof t->message, " %s: done", label);
    }
    t->dirty = 1;
}

static void run_usb(struct tui *t, struct device *d, const char *title, struct iboot_op *op)
{
    char err[200];
    if (!op) { say(t, " %s%s", "Out of memory", NULL); return; }
    if (!t->con.usb || !d->port[0]) { iboot_op_free(op); say(t, " %s is not visible on USB.%s", device_label(d), NULL); return; }
    if (usb_source_run(t->con.usb, d->port, title, op, usb_done, t, err, sizeof err) < 0) { say(t, " %s%s", err, NULL); return; }
    say(t, " %s: %s started (c cancels).", device_label(d), title);
}

static void do_command(struct tui *t, struct device *d, const char *text)
{
    char err[100];
    const char *cmds[] = {text};
    struct iboot_op *op = iboot_op_commands(cmds, 1, !strncmp(text, "getenv ", 7), err, sizeof err);
    if (!op) { say(t, " %s%s", err, NULL); return; }
    run_usb(t, d, "iBoot command", op);
}

static void do_upload(struct tui *t, struct device *d, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        say(t, " %s: %s", path, fd < 0 ? strerror(errno) : "not a non-empty regular file");
        if (fd >= 0) close(fd);
        return;
    }
    size_t slot = sizeof maps / sizeof maps[0];
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) if (!maps[i].data) { slot = i; break; }
    if (slot == sizeof maps / sizeof maps[0]) { close(fd); say(t, " %s%s", "Too many uploads at once.", NULL); return; }
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) { say(t, " %s: %s", path, strerror(errno)); return; }
    maps[slot].data = data;
    maps[slot].len = (size_t)st.st_size;
    snprintf(maps[slot].port, sizeof maps[slot].port, "%s", d->port);
    int dfu = mode_is_securerom(d->mode);
    struct iboot_op *op = iboot_op_upload(dfu, data, (size_t)st.st_size);
    if (!op) { munmap(data, (size_t)st.st_size); maps[slot].data = NULL; return; }
    run_usb(t, d, dfu ? "DFU upload" : "Upload", op);
    if (!usb_source_op_running(t->con.usb, d->port) && maps[slot].data) {   /* not started */
        munmap(data, (size_t)st.st_size);
        maps[slot].data = NULL;
    }
}

/* --- questions and the prompt -------------------------------------------- */

static void ask(struct tui *t, const struct device *d, enum tui_pending what, const char *verb)
{
    char who[120];
    device_describe(d, 1, who, sizeof who);
    t->pending = what;
    t->prompting = 0;
    t->pending_dev = d->id;
    snprintf(t->question, sizeof t->question, " %s %s? [y/N]", verb, who);
    t->dirty = 1;
}

static void prompt(struct tui *t, const struct device *d, enum tui_pending what, const char *label)
{
    t->pending = what;
    t->prompting = 1;
    t->pending_dev = d->id;
    t->input[0] = 0;
    snprintf(t->question, sizeof t->question, " %s (Enter runs, Esc cancels): ", label);
    t->dirty = 1;
}

static void carry_out(struct tui *t, struct device *d)
{
    enum tui_pending what = t->pending;
    t->pending = PEND_NONE;
    switch (what) {
    case PEND_EXIT_RECOVERY: run_usb(t, d, "Exit Recovery", iboot_op_exit_recovery()); break;
    case PEND_ENTER_RECOVERY:
        if (start_work(t, d, WORK_ENTER_RECOVERY) < 0) say(t, " %s%s", "Cannot start the action.", NULL);
        else say(t, " %s: asking lockdownd to enter Recovery...%s", device_label(d), NULL);
        break;
    case PEND_REBOOT:
        if (d->mode == MODE_RECOVERY) {
            run_usb(t, d, "Reboot", iboot_op_reboot());
        } else if (start_work(t, d, d->mode == MODE_RESTORE ? WORK_RESTORED_REBOOT : WORK_RESTART) < 0) {
            say(t, " %s%s", "Cannot start the action.", NULL);
        } else {
            say(t, " %s: reboot requested...%s", device_label(d), NULL);
        }
        break;
    case PEND_COMMAND: do_command(t, d, t->input); break;
    case PEND_UPLOAD: do_upload(t, d, t->input); break;
    default: break;
    }
}

static void submit_input(struct tui *t, struct device *d)
{
    if (!t->input[0]) { t->pending = PEND_NONE; t->show_preflight = 0; say(t, " %s%s", "Cancelled.", NULL); return; }
    if (t->pending == PEND_RESTORE_PATH) { tui_restore_submit(t, d); return; }
    if (t->pending == PEND_ERASE_DIGITS) { tui_restore_carry_out(t, d); return; }
    if (t->pending == PEND_COMMAND_TEXT) {
        t->pending = PEND_COMMAND;
        if (!strncmp(t->input, "getenv ", 7)) { carry_out(t, d); return; }   /* reading changes nothing */
        char verb[120];
        snprintf(verb, sizeof verb, "Send \"%.60s\" to", t->input);
        ask(t, d, PEND_COMMAND, verb);
        return;
    }
    if (t->pending == PEND_UPLOAD_PATH) {
        struct stat st;
        if (stat(t->input, &st) < 0 || !S_ISREG(st.st_mode)) { t->pending = PEND_NONE; say(t, " %s: %s", t->input, "no such file"); return; }
        char verb[160];
        snprintf(verb, sizeof verb, "Upload %.60s (%lld bytes) to", t->input, (long long)st.st_size);
        ask(t, d, PEND_UPLOAD, verb);
    }
}

int tui_edit_input(struct tui *t, int ch, size_t max)
{
    size_t n = strlen(t->input);
    t->dirty = 1;
    if (ch == 27) return TUI_EDIT_CANCEL;
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) return TUI_EDIT_SUBMIT;
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) t->input[n - 1] = 0;
    else if (ch == 21) t->input[0] = 0;                              /* Ctrl-U: clear the line */
    else if (ch == 23) {                                             /* Ctrl-W: drop the last word */
        while (n && t->input[n - 1] == ' ') n--;
        while (n && t->input[n - 1] != ' ' && t->input[n - 1] != '/') n--;
        if (n == strlen(t->input) && n) n--;                         /* a lone separator goes too */
        t->input[n] = 0;
    }
    else if (ch >= 0x20 && ch < 0x7f && n < max && n + 1 < sizeof t->input) { t->input[n] = (char)ch; t->input[n + 1] = 0; }
    return 0;
}

static int pending_key(struct tui *t, int ch)
{
    struct device *d = bench_find_id(&t->con.bench, t->pending_dev);
    if (!d || d->presence != PRESENCE_PRESENT) {
        t->pending = PEND_NONE;
        say(t, " %s%s", "The device left; nothing was done.", NULL);
        return 1;
    }
    if (t->prompting) {
        int r = tui_edit_input(t, ch, IBOOT_CMD_MAX - 1);   /* commands are the longest thing typed here */
        if (r == TUI_EDIT_CANCEL) { t->pending = PEND_NONE; t->show_preflight = 0; say(t, " %s%s", "Cancelled.", NULL); }
        else if (r == TUI_EDIT_SUBMIT) submit_input(t, d);
        return 1;
    }
    if (ch == 'y' || ch == 'Y') { if (!tui_restore_carry_out(t, d)) carry_out(t, d); }
    else { t->pending = PEND_NONE; t->show_preflight = 0; say(t, " %s%s", "Cancelled; nothing was sent.", NULL); }
    return 1;
}

int tui_action_key(struct tui *t, int ch)
{
    the_tui = t;
    if (t->pending != PEND_NONE) return pending_key(t, ch);
    struct device *d = tui_selected(t);
    if (!d || d->presence != PRESENCE_PRESENT) {
        if (ch == 'x' || ch == 'e' || ch == 'b' || ch == 'u' || ch == ':') { say(t, " %s%s", "Select a connected device first.", NULL); return 1; }
        return 0;
    }
    switch (ch) {
    case 'x':
        if (d->mode == MODE_RECOVERY) ask(t, d, PEND_EXIT_RECOVERY, "Exit Recovery on");
        else if (mode_is_securerom(d->mode)) {
            say(t, " %s is in %s: DFU is left only by a force restart. See the guide.", device_label(d), mode_name(d->mode));
            t->guide_action = GUIDE_EXIT_DFU;
            t->tab = TAB_GUIDE;
        } else say(t, " %s is in %s mode, not Recovery.", device_label(d), mode_name(d->mode));
        return 1;
    case 'e':
        if (d->mode == MODE_NORMAL && d->udid[0]) ask(t, d, PEND_ENTER_RECOVERY, "Enter Recovery on");
        else {
            say(t, " Recovery is entered from software only from Normal mode; here, use the buttons.%s%s", "", NULL);
            t->guide_action = GUIDE_ENTER_RECOVERY;
            t->tab = TAB_GUIDE;
        }
        return 1;
    case 'b':
        if (d->mode == MODE_RECOVERY || ((d->mode == MODE_NORMAL || d->mode == MODE_RESTORE) && d->udid[0]))
            ask(t, d, PEND_REBOOT, "Reboot");
        else say(t, " %s cannot be rebooted from software in %s: force restart it (see the guide).", device_label(d), mode_name(d->mode));
        return 1;
    case ':':
        if (d->mode != MODE_RECOVERY) { say(t, " iBoot commands need Recovery mode; %s is in %s.", device_label(d), mode_name(d->mode)); return 1; }
        prompt(t, d, PEND_COMMAND_TEXT, "iBoot command");
        return 1;
    case 'u':
        if (d->mode != MODE_RECOVERY && !mode_is_securerom(d->mode)) { say(t, " Uploads go to Recovery or DFU devices; %s is in %s.", device_label(d), mode_name(d->mode)); return 1; }
        prompt(t, d, PEND_UPLOAD_PATH, "File to upload");
        return 1;
    case 'c':
        if (t->con.usb && d->port[0] && usb_source_op_running(t->con.usb, d->port)) {
            usb_source_cancel(t->con.usb, d->port);
            say(t, " %s: cancelling...%s", device_label(d), NULL);
            return 1;
        }
        return 0;   /* the DFU helper's cancel */
    default:
        return 0;
    }
}

void tui_action_hints(const struct tui *t, const struct device *d, char *out, size_t n)
{
    const char *acts = "";
    if (d && d->presence == PRESENCE_PRESENT) {
        if (d->mode == MODE_RECOVERY) acts = "xExit bReboot :Cmd uUpload rRestore ";
        else if (d->mode == MODE_NORMAL) acts = "eEnterRec bReboot rRestore ";
        else if (d->mode == MODE_RESTORE) acts = "bReboot ";
        else if (mode_is_securerom(d->mode)) acts = "uUpload rRestore ";
    }
    snprintf(out, n, " ?Help gGuide dDFU %sfFw lLog qQuit", acts);
}
