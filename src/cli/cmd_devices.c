/* `ibench list` and `ibench watch`: the bench without the screen. */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "commands.h"
#include "app.h"
#include "device_json.h"

static int parse_json_opt(struct config *c, int argc, char **argv, const char *usage)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "+j", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else { fprintf(stderr, "usage: %s\n", usage); return -1; }
    }
    if (optind != argc) { fprintf(stderr, "usage: %s\n", usage); return -1; }
    return 0;
}

static void warn_sources(const struct app *con)
{
    if (con->usb_error[0]) fprintf(stderr, "ibench: %s\n", con->usb_error);
    if (con->mux_error[0]) fprintf(stderr, "ibench: %s\n", con->mux_error);
}

int cmd_list(struct config *c, int argc, char **argv)
{
    if (parse_json_opt(c, argc, argv, "ibench list [--json]") < 0) return EXIT_USAGE;
    static struct app con;
    if (app_open(&con, c, 0) < 0) { fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    app_settle(&con, 4000);
    warn_sources(&con);
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < con.bench.ndev; i++) {
            json_t *o = device_to_json(con.bench.dev[i], now_ms(), wall_ms());
            json_object_set_new(o, "row", json_integer(bench_row_of(&con.bench, con.bench.dev[i])));
            json_array_append_new(arr, o);
        }
        json_dumpf(arr, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(arr);
    } else if (con.bench.ndev == 0) {
        printf("No device attached. Connect a device, then check usbmuxd (Normal mode) and USB permissions.\n");
    } else {
        /* ROW is what `#N` names in every command (bench_resolve). */
        printf("%-4s %-10s %-9s %-24s %-12s %-16s %s\n", "ROW", "BAY", "MODE", "MODEL", "PRODUCT", "ECID", "VERSION");
        char line[256], row[16];
        for (int i = 0; i < con.bench.ndev; i++) {
            device_summary(con.bench.dev[i], line, sizeof line);
            snprintf(row, sizeof row, "#%d", bench_row_of(&con.bench, con.bench.dev[i]));
            printf("%-4s %s\n", row, line);
        }
    }
    app_close(&con);
    return EXIT_OK;
}

struct watch { struct config *cfg; struct app *con; };

static const char *note_name(enum bench_note n)
{
    switch (n) {
    case NOTE_ATTACHED: return "attached";
    case NOTE_IDENTIFIED: return "identified";
    case NOTE_MODE_CHANGED: return "mode_changed";
    case NOTE_DETACHED: return "detached";
    case NOTE_REMOVED: return "removed";
    case NOTE_IDENT_FAILED: return "ident_failed";
    default: return NULL;
    }
}

static void on_change(void *ctx, enum bench_note note, const struct device *d)
{
    struct watch *w = ctx;
    const char *name = note_name(note);
    if (!name) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char stamp[40];
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp + k, sizeof stamp - k, ".%03ldZ", ts.tv_nsec / 1000000);
    if (w->cfg->json) {
        json_t *o = json_pack("{s:s, s:s, s:o}", "time", stamp, "event", name, "device", device_to_json(d, now_ms(), wall_ms()));
        json_dumpf(o, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(o);
    } else {
        char line[256];
        device_summary(d, line, sizeof line);
        char into[32] = "";
        if (d->merged_into) snprintf(into, sizeof into, "  (merged into id %u)", d->merged_into);
        printf("%s %-12s id %u %s%s\n", stamp, name, d->id, line, into);
    }
    fflush(stdout);
}

static void on_signal(void *ctx, int signo)
{
    struct watch *w = ctx;
    loop_stop(w->con->loop, 0);
}

int cmd_watch(struct config *c, int argc, char **argv)
{
    if (parse_json_opt(c, argc, argv, "ibench watch [--json]") < 0) return EXIT_USAGE;
    static struct app con;
    static struct watch w;
    w.cfg = c;
    w.con = &con;
    con.on_change = on_change;
    con.on_change_ctx = &w;
    if (app_open(&con, c, 0) < 0) { fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    warn_sources(&con);
    loop_watch_signal(con.loop, SIGINT, on_signal, &w);
    loop_watch_signal(con.loop, SIGTERM, on_signal, &w);
    loop_watch_signal(con.loop, SIGHUP, on_signal, &w);
    loop_run(con.loop);
    app_close(&con);
    return EXIT_OK;
}
