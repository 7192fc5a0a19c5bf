/* Headless software actions: `ibench recovery enter|exit DEVICE`,
 * `ibench reboot DEVICE`, `ibench send DEVICE FILE`, `ibench cmd DEVICE "..."`.
 * Each opens the console (loop + sources), finds the device, asks for
 * confirmation, runs the action on the loop and, where the device reboots,
 * waits for it to come back on its row. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "app.h"
#include "guide.h"
#include "iboot_op.h"
#include "lockdown_actions.h"
#include "sanitize.h"
#include "usb_source.h"

#define DEFAULT_WAIT_S 90

struct act {
    struct app con;
    unsigned id;
    int finished, ok, interrupted;
    char port[PORT_MAX];
    char msg[300], answer[IBOOT_CMD_MAX + 1];
};

static struct act A;

static void on_done(void *ctx, const char *port, int ok, const char *message, const char *answer)
{
    struct act *a = ctx;
    a->finished = 1;
    a->ok = ok;
    snprintf(a->msg, sizeof a->msg, "%s", message ? message : "");
    snprintf(a->answer, sizeof a->answer, "%s", answer ? answer : "");
}

static void on_interrupt(void *ctx, int signo)
{
    struct act *a = ctx;
    a->interrupted = 1;
    if (a->con.usb && a->port[0]) usb_source_cancel(a->con.usb, a->port);
}

/* Opens the bench and finds DEVICE; prints why not and returns NULL. */
static struct device *open_device(struct config *c, const char *spec)
{
    if (app_open(&A.con, c, APP_FOLLOW_JOBS) < 0) { fprintf(stderr, "ibench: cannot start\n"); return NULL; }
    loop_watch_signal(A.con.loop, SIGINT, on_interrupt, &A);
    loop_watch_signal(A.con.loop, SIGTERM, on_interrupt, &A);
    app_settle(&A.con, 4000);
    struct device *d = bench_resolve(&A.con.bench, spec);
    if (!d || d->presence != PRESENCE_PRESENT) {
        fprintf(stderr, "ibench: no device matches '%s' (an ECID, UDID, slot label or port; see `ibench list`)\n", spec);
        if (A.con.usb_error[0]) fprintf(stderr, "ibench: %s\n", A.con.usb_error);
        if (A.con.mux_error[0]) fprintf(stderr, "ibench: %s\n", A.con.mux_error);
        return NULL;
    }
    A.id = d->id;
    snprintf(A.port, sizeof A.port, "%s", d->port);
    return d;
}

static int finish(int rc)
{
    app_close(&A.con);
    return rc;
}

/* On a terminal one self-updating line; in a log one line per 10 %. */
static void print_progress(const struct device *d, int last)
{
    static int shown, last_decile = -1;
    int tty = isatty(STDERR_FILENO);
    if (last) { if (shown && tty) fputc('\n', stderr); shown = 0; last_decile = -1; return; }
    if (!d || d->progress < 0 || !d->status[0]) return;
    if (tty) { fprintf(stderr, "\r%s: %-40s", device_label(d), d->status); shown = 1; return; }
    if (d->progress / 10 != last_decile) {
        last_decile = d->progress / 10;
        fprintf(stderr, "%s: %s\n", device_label(d), d->status);
    }
}

/* Runs an iboot_op on the device's USB port until it finishes. */
static int run_usb(struct device *d, const char *title, struct iboot_op *op)
{
    char err[200];
    if (!op) { fprintf(stderr, "ibench: out of memory\n"); return -1; }
    if (!d->port[0] || !A.con.usb) {
        iboot_op_free(op);
        fprintf(stderr, "ibench: %s is not visible on USB%s%s\n", device_label(d), A.con.usb_error[0] ? ": " : "", A.con.usb_error);
        return -1;
    }
    if (usb_source_run(A.con.usb, d->port, title, op, on_done, &A, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        return -1;
    }
    while (!A.finished) {
        loop_run_once(A.con.loop, 200);
        print_progress(bench_find_id(&A.con.bench, A.id), 0);
    }
    print_progress(NULL, 1);
    return A.ok ? 0 : -1;
}

/* After a reboot: waits for the row to leave and come back; its new mode. */
static int wait_back(int seconds, enum dev_mode *mode)
{
    int64_t end = now_ms() + (int64_t)seconds * 1000;
    int left = 0;
    while (now_ms() < end && !A.interrupted) {
        loop_run_once(A.con.loop, 200);
        const struct device *d = bench_find_id(&A.con.bench, A.id);
        if (!d) return -1;
        if (d->presence != PRESENCE_PRESENT) left = 1;
        else if (left && d->mode != MODE_UNKNOWN) {
            *mode = d->mode;
            if (d->mode != MODE_NORMAL || d->identified) return 0;
        }
    }
    return left && bench_find_id(&A.con.bench, A.id) && bench_find_id(&A.con.bench, A.id)->presence == PRESENCE_PRESENT ? 0 : -1;
}

/* --wait SECONDS / --no-wait, shared by recovery and reboot. */
static int parse_wait(int argc, char **argv, int *wait_s, int nargs, const char *usage)
{
    static const struct option opts[] = {{"wait", required_argument, 0, 'w'}, {"no-wait", no_argument, 0, 'n'}, {0, 0, 0, 0}};
    int ch;
    *wait_s = DEFAULT_WAIT_S;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'w') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 3600) { fprintf(stderr, "ibench: --wait takes seconds (0-3600)\n"); return -1; }
            *wait_s = (int)v;
        } else if (ch == 'n') *wait_s = 0;
        else { fprintf(stderr, "usage: %s\n", usage); return -1; }
    }
    if (argc - optind != nargs) { fprintf(stderr, "usage: %s\n", usage); return -1; }
    return 0;
}

static int report_return(const char *label, int wait_s, enum dev_mode want)
{
    if (wait_s == 0) return EXIT_OK;
    fflush(stdout);
    fprintf(stderr, "%s: waiting up to %d s for the device to come back...\n", label, wait_s);
    enum dev_mode m = MODE_UNKNOWN;
    if (wait_back(wait_s, &m) < 0) {
        printf("%s: not back after %d s (it may still be booting; `ibench watch` follows it)\n", label, wait_s);
        return EXIT_FAIL;
    }
    printf("%s: back in %s mode\n", label, mode_name(m));
    if (want != MODE_UNKNOWN && m != want) {
        if (want == MODE_NORMAL && m == MODE_RECOVERY)
            printf("%s: it came back in Recovery: iBoot could not boot the installed iOS. Try an Update restore (keeps data) before an Erase.\n", label);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static void print_exit_dfu_guide(const struct device *d)
{
    struct guide g;
    if (!d->model || guide_build(d->model, GUIDE_EXIT_DFU, NULL, &g) < 0) return;
    printf("To leave DFU on %s (%s):\n", d->model->name, g.power);
    for (int i = 0; i < g.nsteps; i++) printf("  %d. %s\n", i + 1, g.steps[i].text);
}

static int exit_recovery(struct config *c, const char *spec, int wait_s)
{
    struct device *d = open_device(c, spec);
    if (!d) return finish(EXIT_NODEVICE);
    char who[160];
    device_describe(d, 0, who, sizeof who);
    if (d->mode == MODE_NORMAL) { printf("%s is already in Normal mode\n", who); return finish(EXIT_OK); }
    if (d->mode != MODE_RECOVERY) {
        fprintf(stderr, "ibench: %s is in %s mode: only Recovery can be left from software (setenv auto-boot, saveenv, reboot). "
                        "DFU is left only by a force restart.\n", who, mode_name(d->mode));
        if (mode_is_securerom(d->mode)) print_exit_dfu_guide(d);
        return finish(EXIT_NODEVICE);
    }
    char q[220];
    snprintf(q, sizeof q, "Exit Recovery on %s?", who);
    if (!confirm(c, q)) return finish(EXIT_CANCELLED);
    if (run_usb(d, "Exit Recovery", iboot_op_exit_recovery()) < 0) {
        fprintf(stderr, "ibench: exit Recovery on %s failed: %s\n", who, A.msg);
        return finish(A.interrupted ? EXIT_CANCELLED : EXIT_FAIL);
    }
    printf("%s: setenv auto-boot true, saveenv, reboot sent\n", device_label(d));
    char label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    return finish(report_return(label, wait_s, MODE_NORMAL));
}

static int enter_recovery(struct config *c, const char *spec, int wait_s)
{
    struct device *d = open_device(c, spec);
    if (!d) return finish(EXIT_NODEVICE);
    char who[160], msg[300];
    device_describe(d, 0, who, sizeof who);
    if (d->mode == MODE_RECOVERY) { printf("%s is already in Recovery mode\n", who); return finish(EXIT_OK); }
    if (d->mode != MODE_NORMAL || !d->udid[0]) {
        fprintf(stderr, "ibench: %s is in %s mode: Recovery can be entered from software only from Normal mode; use the buttons (`ibench guide %s recovery`)\n",
                who, mode_name(d->mode), d->model ? d->model->product_type : "MODEL");
        return finish(EXIT_NODEVICE);
    }
    char q[220];
    snprintf(q, sizeof q, "Enter Recovery on %s?", who);
    if (!confirm(c, q)) return finish(EXIT_CANCELLED);
    if (lockdown_enter_recovery(d->udid, msg, sizeof msg) < 0) {
        fprintf(stderr, "ibench: enter Recovery on %s failed: %s\n", who, msg);
        if (d->model) fprintf(stderr, "ibench: or use the buttons: ibench guide %s recovery\n", d->model->product_type);
        return finish(EXIT_FAIL);
    }
    printf("%s: lockdownd accepted EnterRecovery\n", device_label(d));
    char label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    return finish(report_return(label, wait_s, MODE_RECOVERY));
}

int cmd_recovery(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench recovery enter|exit DEVICE [--wait SECONDS|--no-wait]";
    int wait_s;
    if (parse_wait(argc, argv, &wait_s, 2, usage) < 0) return EXIT_USAGE;
    const char *what = argv[optind], *spec = argv[optind + 1];
    if (!strcmp(what, "exit")) return exit_recovery(c, spec, wait_s);
    if (!strcmp(what, "enter")) return enter_recovery(c, spec, wait_s);
    fprintf(stderr, "usage: %s\n", usage);
    return EXIT_USAGE;
}

int cmd_reboot(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench reboot DEVICE [--wait SECONDS|--no-wait]";
    int wait_s;
    if (parse_wait(argc, argv, &wait_s, 1, usage) < 0) return EXIT_USAGE;
    struct device *d = open_device(c, argv[optind]);
    if (!d) return finish(EXIT_NODEVICE);
    char who[160], msg[300], q[220], label[40];
    device_describe(d, 0, who, sizeof who);
    snprintf(label, sizeof label, "%s", device_label(d));
    if (d->mode != MODE_RECOVERY && d->mode != MODE_NORMAL && d->mode != MODE_RESTORE) {
        fprintf(stderr, "ibench: %s is in %s mode: it cannot be rebooted from software; force restart it.\n", who, mode_name(d->mode));
        print_exit_dfu_guide(d);
        return finish(EXIT_NODEVICE);
    }
    snprintf(q, sizeof q, "Reboot %s?", who);
    if (!confirm(c, q)) return finish(EXIT_CANCELLED);
    int rc;
    if (d->mode == MODE_RECOVERY) {
        rc = run_usb(d, "Reboot", iboot_op_reboot());
        snprintf(msg, sizeof msg, "%s", A.msg);
    } else if (d->mode == MODE_RESTORE) {
        rc = restored_reboot_device(d->udid, msg, sizeof msg);
    } else {
        rc = lockdown_restart(d->udid, 0, msg, sizeof msg);
    }
    if (rc < 0) {
        fprintf(stderr, "ibench: reboot of %s failed: %s\n", who, msg);
        return finish(EXIT_FAIL);
    }
    printf("%s: rebooting\n", label);
    return finish(report_return(label, wait_s, MODE_UNKNOWN));
}

int cmd_send(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench send DEVICE FILE";
    optind = 1;
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "ibench: %s: %s\n", argv[2], fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0) close(fd);
        return EXIT_USAGE;
    }
    if (st.st_size == 0 || st.st_size > (off_t)1 << 31) {
        fprintf(stderr, "ibench: %s: %s\n", argv[2], st.st_size ? "larger than 2 GiB" : "empty file");
        close(fd);
        return EXIT_USAGE;
    }
    size_t len = (size_t)st.st_size;
    void *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED) { fprintf(stderr, "ibench: %s: %s\n", argv[2], strerror(errno)); return EXIT_FAIL; }
    int rc = EXIT_OK;
    struct device *d = open_device(c, argv[1]);
    if (!d) { munmap(data, len); return finish(EXIT_NODEVICE); }
    char who[160], q[300];
    device_describe(d, 0, who, sizeof who);
    int dfu = mode_is_securerom(d->mode);
    if (!dfu && d->mode != MODE_RECOVERY) {
        fprintf(stderr, "ibench: %s is in %s mode: uploads go to Recovery or DFU devices only\n", who, mode_name(d->mode));
        munmap(data, len);
        return finish(EXIT_NODEVICE);
    }
    snprintf(q, sizeof q, "Send %s (%zu bytes) to %s in %s mode?", argv[2], len, who, mode_name(d->mode));
    if (!confirm(c, q)) { munmap(data, len); return finish(EXIT_CANCELLED); }
    int64_t t0 = now_ms();
    if (run_usb(d, dfu ? "DFU upload" : "Upload", iboot_op_upload(dfu, data, len)) < 0) {
        fprintf(stderr, "ibench: upload to %s failed: %s\n", who, A.msg);
        rc = A.interrupted ? EXIT_CANCELLED : EXIT_FAIL;
    } else {
        double s = (double)(now_ms() - t0) / 1000.0;
        printf("Sent %zu bytes to %s (%s) in %.1f s\n", len, device_label(d), mode_name(d->mode), s);
    }
    munmap(data, len);
    return finish(rc);
}

int cmd_cmd(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench cmd DEVICE \"COMMAND\"   (e.g. \"getenv build-version\")";
    optind = 1;
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    const char *command = argv[2];
    struct device *d = open_device(c, argv[1]);
    if (!d) return finish(EXIT_NODEVICE);
    char who[160], q[400], err[160];
    device_describe(d, 0, who, sizeof who);
    if (d->mode != MODE_RECOVERY) {
        fprintf(stderr, "ibench: %s is in %s mode: iBoot commands need Recovery mode\n", who, mode_name(d->mode));
        return finish(EXIT_NODEVICE);
    }
    int getenv_cmd = !strncmp(command, "getenv ", 7);
    /* Reading a variable changes nothing; every other command is confirmed. */
    if (!getenv_cmd) {
        snprintf(q, sizeof q, "Send iBoot command \"%.200s\" to %s?", command, who);
        if (!confirm(c, q)) return finish(EXIT_CANCELLED);
    }
    const char *cmds[] = {command};
    struct iboot_op *op = iboot_op_commands(cmds, 1, getenv_cmd, err, sizeof err);
    if (!op) { fprintf(stderr, "ibench: %s\n", err); return finish(EXIT_USAGE); }
    if (run_usb(d, "iBoot command", op) < 0) {
        fprintf(stderr, "ibench: %s\n", A.msg);
        return finish(EXIT_FAIL);
    }
    if (getenv_cmd) {
        char clean[IBOOT_CMD_MAX * 4 + 1];
        sanitize_text(clean, sizeof clean, A.answer, strlen(A.answer));
        printf("%s\n", clean);
    } else {
        printf("%s: sent \"%s\"\n", device_label(d), command);
    }
    return finish(EXIT_OK);
}
