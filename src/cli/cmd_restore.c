/* `ibench restore DEVICE [--ipsw FILE|URL | --build BUILD | --latest] [--erase]`,
 * `ibench jobs [--json] [--cancel ID] [--prune[=DAYS]]`, `ibench history [--json|--csv]`.
 *
 * restore is the headless twin of the console's r and R: it resolves the
 * device, runs the verb through the table (same refusals, same words), waits
 * on the runtime for the preflight (run on the worker pool, with any
 * download on the loop), asks the same question, and follows the job. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "commands.h"
#include "restore.h"
#include "sanitize.h"
#include "verbs.h"

static struct {
    struct app con;
    int interrupted;
    unsigned request, job, attempt;
    int announced_queue, last_pct;
    enum restore_stage progress_of;   /* whose percent last_pct is */
    char last[300];
} R;

static void on_interrupt(void *ctx, int signo) { R.interrupted = 1; }

/* Downloads and verifications as a line every 10%. */
static void on_restore(void *ctx, enum restore_note note, const struct restore_request *r)
{
    if (note != RESTORE_NOTE_REQUEST || r->id != R.request) return;
    if (r->stage != RESTORE_DOWNLOADING && r->stage != RESTORE_VERIFYING) return;
    if (r->stage != R.progress_of) { R.progress_of = r->stage; R.last_pct = -1; }
    if (r->progress < 0 || r->progress / 10 == R.last_pct) return;
    if (R.last_pct < 0) fprintf(stderr, "%s\n", r->message);
    R.last_pct = r->progress / 10;
    if (r->stage == RESTORE_DOWNLOADING) fprintf(stderr, "download: %d%%\n", r->progress);
    else fprintf(stderr, "verify: %d%% (%.1f of %.1f MB)\n", r->progress, r->done / 1e6, r->total / 1e6);
}

/* Predicates for app_run_until. */
static int request_settled(void *ctx)
{
    enum restore_stage s = restore_current(&R.con)->stage;
    return R.interrupted || (s != RESTORE_RESOLVING && s != RESTORE_DOWNLOADING && s != RESTORE_VERIFYING && s != RESTORE_SUBMITTING);
}

static void print_progress(const struct job *j)
{
    const struct engine_state *s = &j->parse;
    char line[300];
    if (s->step < 0) snprintf(line, sizeof line, "job %u: %s", j->id, s->mode_found[0] ? "engine found the device" : "starting");
    else snprintf(line, sizeof line, "job %u: %3d%%  step %d/%d %s%s%s", j->id, s->progress / 10, s->step, s->step > 6 ? 7 : 6,
                  s->step < 8 ? engine_step_name(s->step) : "?", s->operation[0] ? " - " : "", s->operation);
    if (strcmp(line, R.last)) { printf("%s\n", line); fflush(stdout); snprintf(R.last, sizeof R.last, "%s", line); }
}

/* Follows the job in the runtime's mirror; done when it ended. */
static int job_over(void *ctx)
{
    const struct config *c = ctx;
    if (R.interrupted) return 1;
    const struct job *j = restore_job_get(&R.con, R.job);
    if (!j) return 0;
    if ((unsigned)j->attempt != R.attempt) {           /* a retry: follow the new attempt's output */
        if (R.attempt) printf("job %u: retrying (attempt %d)\n", j->id, j->attempt);
        R.attempt = (unsigned)j->attempt;
        R.last[0] = 0;
    }
    if (j->state == JOB_QUEUED) {
        if (!R.announced_queue++)
            printf("job %u: waiting for a free slot (max_restores %d, %d per hub)\n", j->id, c->max_restores, c->max_restores_per_hub);
        return 0;
    }
    /* A finished job's last lines (1.0.1 prints step 7 after DONE) are read
     * when it ends: show where it got to once more, then its outcome. */
    if (j->state == JOB_RUNNING || job_finished(j)) print_progress(j);
    return job_finished(j);
}

/* Erase deletes the customer's data: the last four hex digits of the ECID
 * must be typed (or given with --confirm-erase for scripts). The question
 * and the check are the runtime's (restore_question, restore_confirm). */
static int erase_digits(const struct restore_request *r, const char *given, char *out, size_t n)
{
    char q[400], hex[24];
    snprintf(hex, sizeof hex, "%016" PRIX64, r->ecid);
    if (given) { snprintf(out, n, "%s", given); return 0; }
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "ibench: Erase deletes all data on %s; without a terminal pass --confirm-erase %s\n", r->who, hex + 12);
        return -1;
    }
    restore_question(r, 0, q, sizeof q);
    fprintf(stderr, "%s", q);
    fflush(stderr);
    if (!fgets(out, (int)n, stdin)) return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

int cmd_restore(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ipsw", required_argument, 0, 'i'}, {"build", required_argument, 0, 'b'}, {"latest", no_argument, 0, 'l'},
        {"erase", no_argument, 0, 'e'}, {"confirm-erase", required_argument, 0, 'C'}, {"no-wait", no_argument, 0, 'n'},
        {"yes", no_argument, 0, 'y'}, {0, 0, 0, 0}};
    const char *usage = "ibench restore DEVICE [--ipsw FILE|URL | --build BUILD | --latest] [--erase [--confirm-erase XXXX]] [--no-wait] [--yes]";
    const char *ipsw = NULL, *build = NULL, *confirm_digits = NULL;
    int latest = 0, erase = 0, no_wait = 0, ch;
    while ((ch = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
        if (ch == 'i') ipsw = optarg;
        else if (ch == 'b') build = optarg;
        else if (ch == 'l') latest = 1;
        else if (ch == 'e') erase = 1;
        else if (ch == 'C') confirm_digits = optarg;
        else if (ch == 'n') no_wait = 1;
        else if (ch == 'y') c->yes = true;        /* a global option, also taken here */
        else { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    }
    if (argc - optind != 1 || (!!ipsw + !!build + latest) != 1) { fprintf(stderr, "usage: %s\n", usage); return EXIT_USAGE; }
    const char *spec = argv[optind], *source = ipsw ? ipsw : build ? build : "latest";
    memset(&R, 0, sizeof R);
    R.last_pct = -1;
    if (app_open(&R.con, c, APP_FOLLOW_JOBS | APP_PUMP_JOBS) < 0) { fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    restore_listen(&R.con, on_restore, NULL);
    restore_set_flags(&R.con, RESTORE_FRESH_CATALOG);
    loop_watch_signal(R.con.loop, SIGINT, on_interrupt, NULL);
    loop_watch_signal(R.con.loop, SIGTERM, on_interrupt, NULL);
    loop_watch_signal(R.con.loop, SIGHUP, on_interrupt, NULL);
    app_settle(&R.con, 4000);
    int rc = EXIT_OK;
    char err[400];
    struct device *d = bench_resolve(&R.con.bench, spec);
    if (!d || d->presence != PRESENCE_PRESENT) {
        fprintf(stderr, "ibench: no device matches '%s' (see `ibench list`)\n", spec);
        rc = EXIT_NODEVICE;
        goto out;
    }
    const struct verb *v = verb_get(erase ? VERB_ERASE : VERB_RESTORE);
    enum verb_refusal why = verb_check(v, &R.con, d, err, sizeof err);
    if (why != VERB_OK) { fprintf(stderr, "ibench: %s\n", err); rc = verb_exit_code(why); goto out; }
    int id = verb_start(v, &R.con, d, source, err, sizeof err);
    if (id < 0) { fprintf(stderr, "ibench: %s\n", err); rc = EXIT_FAIL; goto out; }
    R.request = (unsigned)id;
    app_run_until(&R.con, request_settled, NULL, -1);
    const struct restore_request *r = restore_current(&R.con);
    if (R.interrupted) {
        restore_drop(&R.con, R.request);
        fprintf(stderr, "ibench: interrupted; nothing was started%s\n", r->stage == RESTORE_DOWNLOADING ? " (the download is kept for resume)" : "");
        rc = EXIT_CANCELLED;
        goto out;
    }
    if (r->pf.n) {
        printf("Preflight for %s with %s, %s:\n", r->who, r->ipsw, erase ? "Erase" : "Update");
        for (int i = 0; i < r->pf.n; i++) printf("  %-4s %-9s %s\n", verdict_word(r->pf.item[i].v), r->pf.item[i].name, r->pf.item[i].text);
        fflush(stdout);
    }
    if (r->stage != RESTORE_READY) {
        if (r->pf.failed)
            fprintf(stderr, "ibench: preflight failed (%d check%s): nothing was started\n", r->pf.failed, r->pf.failed == 1 ? "" : "s");
        else fprintf(stderr, "ibench: %s\n", r->message);
        rc = r->pf.failed ? EXIT_NODEVICE : r->refusal == VERB_BAD_ARGUMENT ? EXIT_USAGE : EXIT_FAIL;
        goto out;
    }
    char q[400], typed[32] = "";
    if (erase) {
        if (erase_digits(r, confirm_digits, typed, sizeof typed) < 0) {
            fprintf(stderr, "ibench: Erase not confirmed; nothing was started\n");
            rc = EXIT_CANCELLED;
            goto out;
        }
    } else {
        restore_question(r, 0, q, sizeof q);
        if (!confirm(c, q)) { rc = EXIT_CANCELLED; goto out; }
    }
    if (restore_confirm(&R.con, R.request, erase ? typed : NULL, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        rc = r->refusal == VERB_UNCONFIRMED ? EXIT_CANCELLED : verb_exit_code(r->refusal);
        goto out;
    }
    app_run_until(&R.con, request_settled, NULL, -1);
    if (R.interrupted && r->stage == RESTORE_VERIFYING) {
        restore_drop(&R.con, R.request);
        fprintf(stderr, "ibench: interrupted while verifying the IPSW; nothing was started\n");
        rc = EXIT_CANCELLED;
        goto out;
    }
    if (r->stage != RESTORE_QUEUED) {
        fprintf(stderr, "ibench: %s\n", r->message);
        rc = r->damaged ? EXIT_INTEGRITY : EXIT_ENVIRONMENT;
        goto out;
    }
    R.job = r->job_id;
    char label[40];
    snprintf(label, sizeof label, "%s", device_label(d));
    printf("job %u: %s %s queued (log: %s/jobs/%u/engine.log)\n", R.job, erase ? "Erase" : "Update", label, c->state_dir, R.job);
    fflush(stdout);
    if (no_wait) goto out;
    app_run_until(&R.con, job_over, c, -1);
    const struct job *j = restore_job_get(&R.con, R.job);
    if (R.interrupted || !j) {
        printf("job %u continues in the background: `ibench jobs` follows it, `ibench jobs --cancel %u` stops it\n", R.job, R.job);
        rc = EXIT_CANCELLED;
        goto out;
    }
    printf("job %u: %s\n", j->id, job_state_key(j->state));
    if (j->state == JOB_SUCCEEDED) {
        printf("%s: %s\n", label, j->cause[0] ? j->cause : "restore finished");
        rc = EXIT_OK;
    } else {
        printf("%s: %s\n%s: next: %s\n", label, j->cause, label, j->next_step);
        if (!j->erase && j->state == JOB_FAILED)
            printf("%s: the Update failed. An Erase restore may recover the device but deletes all its data: "
                   "ibench restore %s --erase ...\n", label, spec);
        rc = j->state == JOB_CANCELLED ? EXIT_CANCELLED : EXIT_FAIL;
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
    restore_jobs_prune(c, days, say_pruned, &said);
    printf("%d job folder%s removed (finished more than %d day%s ago); the history keeps their rows.\n",
           said, said == 1 ? "" : "s", days, days == 1 ? "" : "s");
    return EXIT_OK;
}

int cmd_jobs(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"cancel", required_argument, 0, 'x'},
                                         {"prune", optional_argument, 0, 'p'}, {"yes", no_argument, 0, 'y'}, {0, 0, 0, 0}};
    long cancel = 0, prune = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
        char *end = NULL;
        if (ch == 'j') c->json = true;
        else if (ch == 'y') c->yes = true;     /* a global option, also taken here */
        else if (ch == 'x') cancel = strtol(optarg, NULL, 10);
        else if (ch == 'p') prune = optarg ? strtol(optarg, &end, 10) : c->job_retention_days;
        if (ch == '?' || (end && (*end || prune < 1 || prune > 3650))) {
            fprintf(stderr, "usage: ibench jobs [--json] [--cancel ID] [--prune[=DAYS]]  (DAYS 1 to 3650)\n");
            return EXIT_USAGE;
        }
    }
    if (prune >= 0) return prune_jobs(c, (int)prune);
    char err[300];
    if (cancel > 0) {
        struct job j;
        if (restore_jobs_find(c, (unsigned)cancel, &j) < 0) { fprintf(stderr, "ibench: no job %ld\n", cancel); return EXIT_USAGE; }
        if (job_finished(&j)) { printf("job %ld already %s\n", cancel, job_state_key(j.state)); return EXIT_OK; }
        if (!confirm(c, "Cancel this restore? The device may be left in Recovery")) return EXIT_CANCELLED;
        if (restore_jobs_cancel(c, (unsigned)cancel, &j, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_FAIL; }
        printf("job %ld: %s. The device may be left in Recovery: `ibench recovery exit` gets it out, or restore again.\n",
               cancel, job_state_key(j.state));
        return EXIT_OK;
    }
    int n = 0;
    struct job *jobs = restore_jobs_list(c, &n);   /* also finishes jobs whose engine ended meanwhile */
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < n; i++) {
            struct job *j = &jobs[i];
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
    json_t *rows = restore_history_rows(c);
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
