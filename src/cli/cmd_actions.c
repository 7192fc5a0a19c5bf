/* Headless software actions: `ibench recovery enter|exit DEVICE`,
 * `ibench reboot DEVICE`, `ibench send DEVICE FILE`, `ibench cmd DEVICE "..."`.
 * Each opens the runtime, finds the device, and runs one verb of the verb
 * table: the table refuses (in the console's words), the technician
 * confirms, the runtime carries it out; where the device reboots, this
 * waits for it to come back on its row. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "commands.h"
#include "duration.h"
#include "guide.h"
#include "sanitize.h"
#include "verbs.h"

#define DEFAULT_WAIT_S 90

struct act {
    struct app app;
    unsigned dev_id, op_id;
    int interrupted;
};

static struct act A;

static void on_interrupt(void *ctx, int signo)
{
    struct act *a = ctx;
    a->interrupted = 1;
    const struct device *d = bench_find_id(&a->app.bench, a->dev_id);
    if (d) app_op_cancel(&a->app, d);
}

/* Opens the bench and finds DEVICE; prints why not and returns NULL. */
static struct device *open_device(struct config *c, const char *spec)
{
    if (app_open(&A.app, c, APP_FOLLOW_JOBS) < 0) { fprintf(stderr, "ibench: cannot start\n"); return NULL; }
    loop_watch_signal(A.app.loop, SIGINT, on_interrupt, &A);
    loop_watch_signal(A.app.loop, SIGTERM, on_interrupt, &A);
    app_settle(&A.app, 4000);
    struct device *d = bench_resolve(&A.app.bench, spec);
    if (!d || d->presence != PRESENCE_PRESENT) {
        fprintf(stderr, "ibench: no device matches '%s' (an ECID, UDID, slot label, port or #ROW from `ibench list`)\n", spec);
        if (A.app.usb_error[0]) fprintf(stderr, "ibench: %s\n", A.app.usb_error);
        if (A.app.mux_error[0]) fprintf(stderr, "ibench: %s\n", A.app.mux_error);
        return NULL;
    }
    A.dev_id = d->id;
    return d;
}

static int finish(int rc)
{
    app_close(&A.app);
    return rc;
}

static void print_exit_dfu_guide(const struct device *d)
{
    struct guide g;
    if (!d->model || guide_build(d->model, GUIDE_EXIT_DFU, NULL, &g) < 0) return;
    printf("To leave DFU on %s (%s):\n", d->model->name, g.power);
    for (int i = 0; i < g.nsteps; i++) printf("  %d. %s\n", i + 1, g.steps[i].text);
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

static int op_over(void *ctx)
{
    const struct act *a = ctx;
    const struct app_op *op = app_op_get(&a->app, a->op_id);
    print_progress(bench_find_id(&a->app.bench, a->dev_id), 0);
    return !op || op->state != OP_RUNNING;
}

static int op_settled(void *ctx)
{
    const struct act *a = ctx;
    const struct app_op *op = app_op_get(&a->app, a->op_id);
    return !op || a->interrupted || (op->state != OP_RUNNING && op->state != OP_RETURNING);
}

/* Checks, confirms and runs verb v on d; waits for its op. Returns the exit
 * code, or -1 when the op succeeded (the caller reports). */
static int run_verb(struct config *c, enum verb_id id, struct device *d, const char *arg, char *who, size_t whon)
{
    const struct verb *v = verb_get(id);
    char why[400];
    device_describe(d, 0, who, whon);
    enum verb_refusal r = verb_check(v, &A.app, d, why, sizeof why);
    if (r != VERB_OK) {
        fprintf(stderr, "ibench: %s\n", why);
        if (r == VERB_WRONG_MODE && mode_is_securerom(d->mode) && id != VERB_UPLOAD) print_exit_dfu_guide(d);
        if (r == VERB_WRONG_MODE && id == VERB_ENTER_RECOVERY && d->model)
            fprintf(stderr, "ibench: the buttons: ibench guide %s recovery\n", d->model->product_type);
        return verb_exit_code(r);
    }
    if (verb_needs_question(v, arg)) {
        char q[500];
        verb_question(v, d, arg, 0, q, sizeof q);
        if (id == VERB_UPLOAD) snprintf(q + strlen(q), sizeof q - strlen(q), " in %s mode", mode_name(d->mode));
        strncat(q, "?", sizeof q - strlen(q) - 1);
        if (!confirm(c, q)) return verb_exit_code(VERB_UNCONFIRMED);
    }
    const struct model *model = d->model;   /* d may be gone once the loop runs */
    char err[400];
    int id_or = verb_start(v, &A.app, d, arg, err, sizeof err);
    if (id_or < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_FAIL; }
    A.op_id = (unsigned)id_or;
    app_run_until(&A.app, op_over, &A, -1);
    print_progress(NULL, 1);
    const struct app_op *op = app_op_get(&A.app, A.op_id);
    if (!op || (op->state != OP_SUCCEEDED && op->state != OP_RETURNING)) {
        fprintf(stderr, "ibench: %s %s failed: %s\n", v->what, who, op ? op->message : "no outcome");
        if (id == VERB_ENTER_RECOVERY && model)
            fprintf(stderr, "ibench: or use the buttons: ibench guide %s recovery\n", model->product_type);
        return A.interrupted ? EXIT_CANCELLED : EXIT_FAIL;
    }
    return -1;
}

/* After a reboot: the runtime follows the device back on its row; this
 * prints what it saw. */
static int report_return(const char *label, int wait_s)
{
    if (wait_s == 0) { app_op_stop_waiting(&A.app, A.op_id); return EXIT_OK; }
    fflush(stdout);
    char wait[24];
    duration_format(wait, sizeof wait, (int64_t)wait_s * 1000);
    fprintf(stderr, "%s: waiting up to %s for the device to come back...\n", label, wait);
    app_run_until(&A.app, op_settled, &A, -1);
    const struct app_op *op = app_op_get(&A.app, A.op_id);
    if (A.interrupted || !op || op->state == OP_RETURNING) {
        app_op_stop_waiting(&A.app, A.op_id);
        printf("%s: stopped waiting (interrupted); `ibench watch` follows it\n", label);
        return EXIT_CANCELLED;
    }
    printf("%s: %s\n", label, op->message);
    return op->state == OP_SUCCEEDED ? EXIT_OK : EXIT_FAIL;
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

static int rebooting(struct config *c, enum verb_id id, const char *spec, int wait_s, const char *done)
{
    struct device *d = open_device(c, spec);
    if (!d) return finish(EXIT_NODEVICE);
    A.app.return_wait_ms = wait_s * 1000;
    char who[200], label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    int rc = run_verb(c, id, d, NULL, who, sizeof who);
    if (rc >= 0) return finish(rc);
    printf("%s: %s\n", label, done);
    return finish(report_return(label, wait_s));
}

int cmd_recovery(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench recovery enter|exit DEVICE [--wait SECONDS|--no-wait]";
    int wait_s;
    if (parse_wait(argc, argv, &wait_s, 2, usage) < 0) return EXIT_USAGE;
    const char *what = argv[optind], *spec = argv[optind + 1];
    if (!strcmp(what, "exit"))
        return rebooting(c, VERB_EXIT_RECOVERY, spec, wait_s, "setenv auto-boot true, saveenv, reboot sent");
    if (!strcmp(what, "enter"))
        return rebooting(c, VERB_ENTER_RECOVERY, spec, wait_s, "lockdownd accepted EnterRecovery");
    fprintf(stderr, "usage: %s\n", usage);
    return EXIT_USAGE;
}

int cmd_reboot(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench reboot DEVICE [--wait SECONDS|--no-wait]";
    int wait_s;
    if (parse_wait(argc, argv, &wait_s, 1, usage) < 0) return EXIT_USAGE;
    return rebooting(c, VERB_REBOOT, argv[optind], wait_s, "rebooting");
}

int cmd_send(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench send DEVICE FILE";
    optind = 1;
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    if (access(argv[2], R_OK) < 0) { perror(argv[2]); return EXIT_USAGE; }
    struct device *d = open_device(c, argv[1]);
    if (!d) return finish(EXIT_NODEVICE);
    char who[200], label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    enum dev_mode mode = d->mode;
    int64_t t0 = now_ms();
    int rc = run_verb(c, VERB_UPLOAD, d, argv[2], who, sizeof who);
    if (rc >= 0) return finish(rc);
    const struct app_op *op = app_op_get(&A.app, A.op_id);
    printf("Sent %zu bytes to %s (%s) in %.1f s\n", op ? op->maplen : 0, label, mode_name(mode), (double)(now_ms() - t0) / 1000.0);
    return finish(EXIT_OK);
}

int cmd_cmd(struct config *c, int argc, char **argv)
{
    const char *usage = "ibench cmd DEVICE \"COMMAND\"   (e.g. \"getenv build-version\")";
    optind = 1;
    if (argc != 3) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    const char *command = argv[2];
    struct device *d = open_device(c, argv[1]);
    if (!d) return finish(EXIT_NODEVICE);
    char who[200], label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    int rc = run_verb(c, VERB_CMD, d, command, who, sizeof who);
    if (rc >= 0) return finish(rc);
    const struct app_op *op = app_op_get(&A.app, A.op_id);
    if (!strncmp(command, "getenv ", 7)) {
        char clean[IBOOT_CMD_MAX * 4 + 1];
        sanitize_text(clean, sizeof clean, op ? op->answer : "", op ? strlen(op->answer) : 0);
        printf("%s\n", clean);
    } else {
        printf("%s: sent \"%s\"\n", label, command);
    }
    return finish(EXIT_OK);
}
