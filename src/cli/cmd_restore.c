/* `ibench restore DEVICE [--ipsw FILE|--build BUILD|--latest] [--erase]`,
 * `ibench jobs [--json] [--cancel ID] [--prune[=DAYS]]`, `ibench history [--json|--csv]`. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "commands.h"
#include "app.h"
#include "download.h"
#include "job_queue.h"
#include "restore.h"
#include "sanitize.h"

static const char *const step_names[] = {"detect", "prepare", "upload filesystem", "verify filesystem",
                                         "flash firmware", "flash baseband", "FUD", "upload image"};

static struct {
    struct app con;
    int interrupted, dl_done, dl_rc;
    char dl_msg[300], dl_path[PATH_MAX];
} R;

static void on_interrupt(void *ctx, int signo) { R.interrupted = 1; }

static void dl_progress(void *ctx, const struct download_progress *p)
{
    static int last = -1;
    int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 0;
    if (pct / 10 == last) return;
    last = pct / 10;
    fprintf(stderr, "download: %d%% of %.1f MB%s\n", pct, (double)p->total / 1e6, p->waiting ? " (another ibench is fetching it)" : "");
}

static void dl_done(void *ctx, int rc, const char *message, const char *path)
{
    R.dl_done = 1;
    R.dl_rc = rc;
    snprintf(R.dl_msg, sizeof R.dl_msg, "%s", message ? message : "");
    snprintf(R.dl_path, sizeof R.dl_path, "%s", path ? path : "");
}

/* --build/--latest: the cached, verified IPSW, downloading it first if needed. */
static int fetch_ipsw(struct config *c, const char *product, const char *build, char *out, size_t n)
{
    static struct catalog cat;
    char err[300];
    if (catalog_load(c, product, &cat, err, sizeof err) < 0) { fprintf(stderr, "ibench: firmware catalog: %s\n", err); return EXIT_NETWORK; }
    int idx = -1;
    if (!build) {
        for (int i = 0; i < cat.n; i++)
            if (cat.fw[i].is_signed && (idx < 0 || strcmp(cat.fw[i].released, cat.fw[idx].released) > 0)) idx = i;
        if (idx < 0) { fprintf(stderr, "ibench: no signed build for %s in the catalog\n", product); return EXIT_FAIL; }
    } else {
        for (int i = 0; i < cat.n; i++)
            if (!strcmp(cat.fw[i].build, build) || !strcmp(cat.fw[i].version, build)) idx = i;
        if (idx < 0) { fprintf(stderr, "ibench: no build %s for %s in the catalog\n", build, product); return EXIT_USAGE; }
    }
    const struct firmware *f = &cat.fw[idx];
    catalog_cache_path(c, f, out, n);
    if (access(out, R_OK) == 0) return EXIT_OK;
    fprintf(stderr, "%s %s (%s) is not in the cache: downloading %.1f GB first\n", product, f->version, f->build, (double)f->size / 1e9);
    int rc = 0;
    struct download *d = download_start(R.con.loop, c, f, dl_progress, dl_done, NULL, &rc, err, sizeof err);
    if (!d) { fprintf(stderr, "ibench: download: %s\n", err); return rc == DOWNLOAD_ERR_DISK ? EXIT_ENVIRONMENT : EXIT_NETWORK; }
    while (!R.dl_done && !R.interrupted) loop_run_once(R.con.loop, 200);
    if (!R.dl_done) { download_cancel(d); while (!R.dl_done) loop_run_once(R.con.loop, 100); fprintf(stderr, "ibench: download interrupted (kept for resume)\n"); return EXIT_CANCELLED; }
    if (R.dl_rc != DOWNLOAD_OK) {
        fprintf(stderr, "ibench: download failed: %s\n", R.dl_msg);
        return R.dl_rc == DOWNLOAD_ERR_INTEGRITY ? EXIT_INTEGRITY : R.dl_rc == DOWNLOAD_ERR_DISK ? EXIT_ENVIRONMENT : EXIT_NETWORK;
    }
    snprintf(out, n, "%s", R.dl_path);
    return EXIT_OK;
}

/* Erase deletes the customer's data: the last four hex digits of the ECID
 * must be typed (or given with --confirm-erase for scripts). */
static int confirm_erase(const struct device *d, const char *given)
{
    char ecid[17], want[5];
    device_ecid_hex(d, ecid);
    snprintf(want, sizeof want, "%s", ecid + 12);
    if (given) return strcasecmp(given, want) == 0;
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "ibench: Erase deletes all data on %s; without a terminal pass --confirm-erase %s\n", device_label(d), want);
        return 0;
    }
    fprintf(stderr, "ERASE %s (%s, ECID %s): all data on it will be deleted.\nType the last 4 digits of its ECID to confirm: ",
            device_label(d), device_display_name(d), ecid);
    char line[32];
    if (!fgets(line, sizeof line, stdin)) return 0;
    line[strcspn(line, "\r\n")] = 0;
    return strcasecmp(line, want) == 0;
}

static void print_progress(const struct job *j, char *last, size_t n)
{
    const struct engine_state *s = &j->parse;
    char line[300];
    if (s->step < 0) snprintf(line, sizeof line, "job %u: %s", j->id, s->mode_found[0] ? "engine found the device" : "starting");
    else snprintf(line, sizeof line, "job %u: %3d%%  step %d/6 %s%s%s", j->id, s->progress / 10, s->step,
                  s->step < 8 ? step_names[s->step] : "?", s->operation[0] ? " - " : "", s->operation);
    if (strcmp(line, last)) { printf("%s\n", line); fflush(stdout); snprintf(last, n, "%s", line); }
}

int cmd_restore(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ipsw", required_argument, 0, 'i'}, {"build", required_argument, 0, 'b'}, {"latest", no_argument, 0, 'l'},
        {"erase", no_argument, 0, 'e'}, {"confirm-erase", required_argument, 0, 'C'}, {"no-wait", no_argument, 0, 'n'},
        {0, 0, 0, 0}};
    const char *usage = "ibench restore DEVICE [--ipsw FILE | --build BUILD | --latest] [--erase [--confirm-erase XXXX]] [--no-wait]";
    const char *ipsw = NULL, *build = NULL, *confirm_digits = NULL;
    int latest = 0, erase = 0, no_wait = 0, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'i') ipsw = optarg;
        else if (ch == 'b') build = optarg;
        else if (ch == 'l') latest = 1;
        else if (ch == 'e') erase = 1;
        else if (ch == 'C') confirm_digits = optarg;
        else if (ch == 'n') no_wait = 1;
        else { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    }
    if (argc - optind != 1 || (!!ipsw + !!build + latest) != 1) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    const char *spec = argv[optind];
    struct engine_info e;
    char err[400];
    int have_engine = engine_detect(c, &e, err, sizeof err) == 0;
    if (app_open(&R.con, c, APP_FOLLOW_JOBS | APP_PUMP_JOBS) < 0) { fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    loop_watch_signal(R.con.loop, SIGINT, on_interrupt, NULL);
    loop_watch_signal(R.con.loop, SIGTERM, on_interrupt, NULL);
    loop_watch_signal(R.con.loop, SIGHUP, on_interrupt, NULL);
    app_settle(&R.con, 4000);
    int rc = EXIT_OK;
    struct device *d = bench_resolve(&R.con.bench, spec);
    char path[PATH_MAX];
    if (!d || d->presence != PRESENCE_PRESENT) {
        fprintf(stderr, "ibench: no device matches '%s' (see `ibench list`)\n", spec);
        rc = EXIT_NODEVICE;
        goto out;
    }
    if (!d->model && !d->product_type[0]) {
        fprintf(stderr, "ibench: %s is not identified yet: its model is unknown\n", device_label(d));
        rc = EXIT_NODEVICE;
        goto out;
    }
    if (ipsw) snprintf(path, sizeof path, "%s", ipsw);
    else if ((rc = fetch_ipsw(c, d->model ? d->model->product_type : d->product_type, build, path, sizeof path)) != EXIT_OK) goto out;
    d = bench_resolve(&R.con.bench, spec);   /* the bench may have changed while downloading */
    if (!d) { fprintf(stderr, "ibench: %s left the bench\n", spec); rc = EXIT_NODEVICE; goto out; }
    struct preflight pf;
    restore_preflight(&R.con, d, path, erase, &e, have_engine, 0, &pf);
    printf("Preflight for %s (%s) with %s, %s:\n", device_label(d), device_display_name(d), path, erase ? "Erase" : "Update");
    for (int i = 0; i < pf.n; i++) printf("  %-4s %-9s %s\n", verdict_word(pf.item[i].v), pf.item[i].name, pf.item[i].text);
    fflush(stdout);
    if (pf.failed) {
        fprintf(stderr, "ibench: preflight failed (%d check%s): nothing was started\n", pf.failed, pf.failed == 1 ? "" : "s");
        rc = EXIT_NODEVICE;
        goto out;
    }
    char q[300];
    if (erase) {
        if (!confirm_erase(d, confirm_digits)) { fprintf(stderr, "ibench: Erase not confirmed; nothing was started\n"); rc = EXIT_CANCELLED; goto out; }
    } else {
        snprintf(q, sizeof q, "Update %s (%s) to iOS %s (%s), keeping its data?", device_label(d), device_display_name(d), pf.version, pf.build);
        if (!confirm(c, q)) { rc = EXIT_CANCELLED; goto out; }
    }
    struct job j;
    restore_job_init(&j, d, &pf, path, erase);
    char label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    if (job_create(c, &j, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); rc = EXIT_ENVIRONMENT; goto out; }
    printf("job %u: %s %s queued (log: %s/engine.log)\n", j.id, erase ? "Erase" : "Update", label, j.dir);
    fflush(stdout);
    job_queue_pump(c, &e, NULL, NULL);
    if (no_wait) goto out;
    char last[300] = "";
    int announced_queue = 0, seen_attempt = j.attempt;
    while (!R.interrupted) {
        loop_run_once(R.con.loop, 250);
        struct job now;
        if (!job_find(c, j.id, &now)) break;
        if (now.attempt != seen_attempt) {           /* a retry: follow the new attempt's output */
            printf("job %u: retrying (attempt %d)\n", j.id, now.attempt);
            seen_attempt = now.attempt;
            j = now;
        }
        if (now.state == JOB_QUEUED) {
            if (!announced_queue++) printf("job %u: waiting for a free slot (max_restores %d, %d per hub)\n", j.id, c->max_restores, c->max_restores_per_hub);
            job_queue_pump(c, &e, NULL, NULL);
            continue;
        }
        if (now.state != j.state && !job_finished(&j)) {   /* started: keep what was parsed so far */
            struct engine_state keep = j.parse;
            long long off = j.log_offset > now.log_offset ? j.log_offset : now.log_offset;
            int fresh = j.state == JOB_QUEUED;
            j = now;
            if (!fresh) { j.parse = keep; j.log_offset = off; }
        }
        if (job_poll(c, &j)) print_progress(&j, last, sizeof last);
        if (j.state == JOB_QUEUED) continue;          /* requeued for a retry */
        if (job_finished(&j)) break;
    }
    if (R.interrupted) {
        printf("job %u continues in the background: `ibench jobs` follows it, `ibench jobs --cancel %u` stops it\n", j.id, j.id);
        rc = EXIT_CANCELLED;
        goto out;
    }
    printf("job %u: %s\n", j.id, job_state_key(j.state));
    if (j.state == JOB_SUCCEEDED) {
        printf("%s: %s\n", label, j.cause[0] ? j.cause : "restore finished");
        rc = EXIT_OK;
    } else {
        printf("%s: %s\n%s: next: %s\n", label, j.cause, label, j.next_step);
        if (!j.erase && j.state == JOB_FAILED)
            printf("%s: the Update failed. An Erase restore may recover the device but deletes all its data: "
                   "ibench restore %s --erase ...\n", label, spec);
        rc = j.state == JOB_CANCELLED ? EXIT_CANCELLED : EXIT_FAIL;
    }
out:
    app_close(&R.con);
    return rc;
}

static void fmt_time(int64_t ms, char *out, size_t n)
{
    if (!ms) { snprintf(out, n, "-"); return; }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, n, "%m-%d %H:%M", &tm);
}

static void say_pruned(void *ctx, const struct job *j)
{
    char when[24];
    fmt_time(j->ended, when, sizeof when);
    printf("removed job %u: %s %s on %016" PRIX64 ", %s, ended %s\n", j->id, j->erase ? "Erase" : "Update",
           j->build[0] ? j->build : "-", j->ecid, job_state_key(j->state), when);
    (*(int *)ctx)++;
}

/* ibench jobs --prune: finished jobs older than `days` lose their folder
 * (job record and engine log); the history keeps their rows. */
static int prune_jobs(struct config *c, int days)
{
    if (days <= 0) { printf("job_retention_days is 0: job folders are kept.\n"); return EXIT_OK; }
    int said = 0;
    job_prune(c, days, say_pruned, &said);
    printf("%d job folder%s removed (finished more than %d day%s ago); the history keeps their rows.\n",
           said, said == 1 ? "" : "s", days, days == 1 ? "" : "s");
    return EXIT_OK;
}

int cmd_jobs(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"cancel", required_argument, 0, 'x'},
                                         {"prune", optional_argument, 0, 'p'}, {0, 0, 0, 0}};
    long cancel = 0, prune = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        if (ch == 'j') c->json = true;
        else if (ch == 'x') cancel = strtol(optarg, NULL, 10);
        else if (ch == 'p') prune = optarg ? strtol(optarg, &end, 10) : c->job_retention_days;
        if (ch == '?' || (end && (*end || prune < 1 || prune > 3650))) {
            fprintf(stderr, "usage: ibench jobs [--json] [--cancel ID] [--prune[=DAYS]]  (DAYS 1 to 3650)\n");
            return EXIT_USAGE;
        }
    }
    if (prune >= 0) return prune_jobs(c, (int)prune);
    struct engine_info e;
    char err[300];
    int have_engine = engine_detect(c, &e, err, sizeof err) == 0;
    if (cancel > 0) {
        struct job j;
        if (!job_find(c, (unsigned)cancel, &j)) { fprintf(stderr, "ibench: no job %ld\n", cancel); return EXIT_USAGE; }
        job_poll(c, &j);
        if (job_finished(&j)) { printf("job %ld already %s\n", cancel, job_state_key(j.state)); return EXIT_OK; }
        if (!confirm(c, "Cancel this restore? The device may be left in Recovery")) return EXIT_CANCELLED;
        if (job_cancel(&j) < 0) { fprintf(stderr, "ibench: cannot cancel job %ld: %s\n", cancel, strerror(errno)); return EXIT_FAIL; }
        for (int i = 0; i < 100 && !job_finished(&j); i++) { usleep(100000); job_poll(c, &j); }
        printf("job %ld: %s. The device may be left in Recovery: `ibench recovery exit` gets it out, or restore again.\n",
               cancel, job_state_key(j.state));
        return EXIT_OK;
    }
    int n = 0;
    struct job *jobs;
    if (have_engine) job_queue_pump(c, &e, &jobs, &n);   /* also re-adopts: finishes jobs whose engine ended meanwhile */
    else jobs = job_list(c, &n);
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < n; i++) {
            struct job *j = &jobs[i];
            job_poll(c, j);
            char ecid[24];
            snprintf(ecid, sizeof ecid, "%016" PRIX64, j->ecid);
            json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s}",
                "id", (int)j->id, "state", job_state_key(j->state), "ecid", ecid, "product_type", j->product_type,
                "build", j->build, "behavior", j->erase ? "Erase" : "Update", "port", j->port,
                "progress", j->parse.progress / 10, "exit_code", j->exit_code, "triage", j->triage,
                "cause", j->cause, "operation", j->parse.operation, "log", j->dir));
        }
        json_dumpf(arr, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(arr);
    } else if (!n) {
        printf("No restore jobs.\n");
    } else {
        printf("%-4s %-10s %-10s %-16s %-12s %-7s %-6s %-11s %s\n", "JOB", "STATE", "BAY", "ECID", "PRODUCT", "BUILD", "KIND", "STARTED", "PROGRESS / RESULT");
        for (int i = 0; i < n; i++) {
            struct job *j = &jobs[i];
            job_poll(c, j);
            char when[24], what[300], ecid[24];
            fmt_time(j->started ? j->started : j->created, when, sizeof when);
            snprintf(ecid, sizeof ecid, "%016" PRIX64, j->ecid);
            if (j->state == JOB_RUNNING)
                snprintf(what, sizeof what, "%d%% %s", j->parse.progress / 10, j->parse.operation);
            else if (job_finished(j)) snprintf(what, sizeof what, "%s", j->cause);
            else snprintf(what, sizeof what, "waiting for a free slot");
            printf("%-4u %-10s %-10s %-16s %-12s %-7s %-6s %-11s %s\n", j->id, job_state_key(j->state),
                   j->slot[0] ? j->slot : j->port[0] ? j->port : "-", ecid, j->product_type, j->build,
                   j->erase ? "Erase" : "Update", when, what);
        }
    }
    free(jobs);
    return EXIT_OK;
}

/* CSV field: quoted when needed, with quotes doubled. */
static void csv(const char *s, int last)
{
    int q = strpbrk(s, ",\"\n\r") != NULL;
    if (q) putchar('"');
    for (; *s; s++) { if (*s == '"') putchar('"'); putchar(*s); }
    if (q) putchar('"');
    putchar(last ? '\n' : ',');
}

int cmd_history(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"csv", no_argument, 0, 'c'}, {0, 0, 0, 0}};
    int as_csv = 0, ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 'c') as_csv = 1;
        else { fprintf(stderr, "usage: ibench history [--json|--csv]\n"); return EXIT_USAGE; }
    }
    json_t *rows = history_read(c);   /* linear; torn lines skipped, one row per job */
    static const char *const cols[] = {"job", "ecid", "product_type", "model", "build", "version", "behavior", "start", "end", "result", "exit_code", "triage", "cause", "log"};
    size_t k;
    json_t *v;
    if (c->json) {
        json_dumpf(rows, stdout, JSON_INDENT(1));
        putchar('\n');
    } else if (as_csv) {
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) csv(cols[i], i + 1 == sizeof cols / sizeof cols[0]);
        json_array_foreach(rows, k, v) {
            for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
                json_t *x = json_object_get(v, cols[i]);
                char buf[512];
                if (json_is_integer(x)) snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
                else snprintf(buf, sizeof buf, "%s", json_string_value(x) ? json_string_value(x) : "");
                csv(buf, i + 1 == sizeof cols / sizeof cols[0]);
            }
        }
    } else if (!json_array_size(rows)) {
        printf("No restores recorded yet.\n");
    } else {
        printf("%-4s %-20s %-16s %-12s %-7s %-6s %-10s %s\n", "JOB", "START", "ECID", "PRODUCT", "BUILD", "KIND", "RESULT", "CAUSE");
        json_array_foreach(rows, k, v) {
            printf("%-4d %-20s %-16s %-12s %-7s %-6s %-10s %s\n", (int)json_integer_value(json_object_get(v, "job")),
                   json_string_value(json_object_get(v, "start")) ?: "", json_string_value(json_object_get(v, "ecid")) ?: "",
                   json_string_value(json_object_get(v, "product_type")) ?: "", json_string_value(json_object_get(v, "build")) ?: "",
                   json_string_value(json_object_get(v, "behavior")) ?: "", json_string_value(json_object_get(v, "result")) ?: "",
                   json_string_value(json_object_get(v, "cause")) ?: "");
        }
    }
    json_decref(rows);
    return EXIT_OK;
}
