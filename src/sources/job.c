/* Restore jobs on disk and their supervisor process (see job.h). */
#include "job.h"

#include "fw_cache.h"
#include "fsutil.h"
#include "loop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>



static void jobs_dir(const struct config *c, char *out, size_t n) { snprintf(out, n, "%s/jobs", c->state_dir); }

static void lock_path(const struct config *c, uint64_t ecid, char *out, size_t n)
{
    snprintf(out, n, "%s/locks/%016" PRIX64 ".lock", c->state_dir, ecid);
}

/* --- job.json ------------------------------------------------------------- */

int job_save(const struct job *j)
{
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:i, s:i, s:b, s:b, s:i, s:s, s:s, s:s}",
        "id", (int)j->id, "ecid", "", "product_type", j->product_type, "board", j->board, "model", j->model_name,
        "version", j->version, "build", j->build, "erase", j->erase, "ipsw", j->ipsw, "port", j->port, "slot", j->slot,
        "state", job_state_key(j->state), "created", (json_int_t)j->created, "started", (json_int_t)j->started,
        "ended", (json_int_t)j->ended, "pid", j->pid, "exit_code", j->exit_code, "signal", j->term_signal,
        "cancel_requested", j->cancel_requested, "recorded", j->recorded, "attempt", j->attempt,
        "triage", j->triage, "cause", j->cause, "next_step", j->next_step);
    if (!o) return -1;
    char ecid[24];
    snprintf(ecid, sizeof ecid, "%016" PRIX64, j->ecid);
    json_object_set_new(o, "ecid", json_string(ecid));
    json_object_set_new(o, "retryable", json_boolean(j->retryable));
    json_object_set_new(o, "log_start", json_integer((json_int_t)j->log_start));
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/job.json", j->dir);
    char *text = json_dumps(o, JSON_INDENT(1));
    json_decref(o);
    int rc = text ? write_file_atomic(path, text, strlen(text)) : -1;
    free(text);
    return rc;
}

static void get_str(json_t *o, const char *k, char *out, size_t n)
{
    const char *v = json_string_value(json_object_get(o, k));
    snprintf(out, n, "%s", v ? v : "");
}

static int64_t get_int(json_t *o, const char *k, int64_t dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

int job_load(const char *dir, struct job *j)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/job.json", dir);
    json_t *o = json_load_file(path, 0, NULL);
    if (!json_is_object(o)) { json_decref(o); return -1; }
    memset(j, 0, sizeof *j);
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    j->id = (unsigned)get_int(o, "id", 0);
    char ecid[24], state[16];
    get_str(o, "ecid", ecid, sizeof ecid);
    j->ecid = strtoull(ecid, NULL, 16);
    get_str(o, "product_type", j->product_type, sizeof j->product_type);
    get_str(o, "board", j->board, sizeof j->board);
    get_str(o, "model", j->model_name, sizeof j->model_name);
    get_str(o, "version", j->version, sizeof j->version);
    get_str(o, "build", j->build, sizeof j->build);
    get_str(o, "ipsw", j->ipsw, sizeof j->ipsw);
    get_str(o, "port", j->port, sizeof j->port);
    get_str(o, "slot", j->slot, sizeof j->slot);
    get_str(o, "state", state, sizeof state);
    j->state = job_state_from_key(state);
    j->erase = json_is_true(json_object_get(o, "erase"));
    j->created = get_int(o, "created", 0);
    j->started = get_int(o, "started", 0);
    j->ended = get_int(o, "ended", 0);
    j->pid = (int)get_int(o, "pid", 0);
    j->exit_code = (int)get_int(o, "exit_code", -1);
    j->term_signal = (int)get_int(o, "signal", 0);
    j->cancel_requested = json_is_true(json_object_get(o, "cancel_requested"));
    j->recorded = json_is_true(json_object_get(o, "recorded"));
    j->retryable = json_is_true(json_object_get(o, "retryable"));
    j->attempt = (int)get_int(o, "attempt", 1);
    get_str(o, "triage", j->triage, sizeof j->triage);
    get_str(o, "cause", j->cause, sizeof j->cause);
    get_str(o, "next_step", j->next_step, sizeof j->next_step);
    j->log_start = get_int(o, "log_start", 0);
    json_decref(o);
    engine_parse_init(&j->parse, NULL, NULL);
    j->log_offset = j->log_start;
    return j->id ? 0 : -1;
}

int job_create(const struct config *c, struct job *j, char *err, size_t errlen)
{
    char dir[PATH_MAX], lock[PATH_MAX + 16];
    jobs_dir(c, dir, sizeof dir);
    if (mkdir_p(dir) < 0) { snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno)); return -1; }
    snprintf(lock, sizeof lock, "%s/.lock", dir);
    int lfd = fsutil_open_lock(lock);
    if (lfd < 0 || flock(lfd, LOCK_EX) < 0) { snprintf(err, errlen, "cannot lock %s: %s", lock, fsutil_strerror(errno)); if (lfd >= 0) close(lfd); return -1; }
    /* Ids only grow: past the newest folder and past the last id issued, so
     * a pruned job's id (named in the history) is never given again. */
    char last_path[PATH_MAX + 16], last[16] = "";
    snprintf(last_path, sizeof last_path, "%s/.last_id", dir);
    FILE *lf = fopen(last_path, "r");
    if (lf) { if (!fgets(last, sizeof last, lf)) last[0] = 0; fclose(lf); }
    unsigned long issued = strtoul(last, NULL, 10);
    unsigned next = issued < 100000000 ? (unsigned)issued + 1 : 1;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char *end;
        unsigned long v = strtoul(e->d_name, &end, 10);
        if (*end == 0 && v >= next && v < 100000000) next = (unsigned)v + 1;
    }
    if (d) closedir(d);
    j->id = next;
    snprintf(j->dir, sizeof j->dir, "%s/%u", dir, next);
    int rc = mkdir(j->dir, 0755);
    if (rc == 0) {
        snprintf(last, sizeof last, "%u\n", next);
        write_file_atomic(last_path, last, strlen(last));   /* lost, the folder scan still serves */
    }
    close(lfd);
    if (rc < 0) { snprintf(err, errlen, "cannot create %s: %s", j->dir, strerror(errno)); return -1; }
    j->state = JOB_QUEUED;
    j->created = wall_ms();
    j->exit_code = -1;
    if (!j->attempt) j->attempt = 1;
    engine_parse_init(&j->parse, NULL, NULL);
    if (job_save(j) < 0) { snprintf(err, errlen, "cannot write %s/job.json: %s", j->dir, strerror(errno)); return -1; }
    job_prune(c, c->job_retention_days, NULL, NULL);   /* keeps the folder count, and every re-read, bounded */
    return 0;
}

/* --- private folders -------------------------------------------------------- */

static void remove_tree_at(int parent, const char *name, int depth)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT) return;
    int dfd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return;
    DIR *d = fdopendir(dfd);
    if (!d) { close(dfd); return; }
    for (struct dirent *e; depth < 32 && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) remove_tree_at(dirfd(d), e->d_name, depth + 1);
    closedir(d);
    unlinkat(parent, name, AT_REMOVEDIR);
}

void job_remove_work(const struct job *j)
{
    int dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return;
    static const char *const work_dirs[] = {"work", "tmp", "cache"};   /* job_run.c makes them */
    for (size_t i = 0; i < sizeof work_dirs / sizeof work_dirs[0]; i++) remove_tree_at(dfd, work_dirs[i], 0);
    close(dfd);
}

/* Removes a job folder: its files, then the folder. Nothing below it is
 * followed (unlinkat removes a symlink itself). */
static int remove_job_dir(const char *path)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) return -1;
    DIR *d = fdopendir(dfd);
    if (!d) { close(dfd); return -1; }
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    return rmdir(path);
}

int job_prune(const struct config *c, int days, void (*removed)(void *ctx, const struct job *j), void *ctx)
{
    if (days <= 0) return 0;
    int64_t cutoff = wall_ms() - (int64_t)days * 86400 * 1000;
    int n = 0, gone = 0;
    struct job *jobs = job_list(c, &n);
    for (int i = 0; i < n; i++) {
        struct job *j = &jobs[i];
        if (!job_finished(j) || j->ended <= 0 || j->ended >= cutoff) continue;
        job_remove_work(j);
        if (remove_job_dir(j->dir) < 0) continue;
        gone++;
        if (removed) removed(ctx, j);
    }
    free(jobs);
    return gone;
}

static int by_id_desc(const void *a, const void *b)
{
    const struct job *x = a, *y = b;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

struct job *job_list(const struct config *c, int *n)
{
    char dir[PATH_MAX];
    jobs_dir(c, dir, sizeof dir);
    *n = 0;
    struct job *out = NULL;
    int cap = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char *end;
        strtoul(e->d_name, &end, 10);
        if (*end || e->d_name[0] == 0 || e->d_name[0] == '.') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct job *grown = realloc(out, (size_t)cap * sizeof *out);
            if (!grown) break;
            out = grown;
        }
        char sub[PATH_MAX + 300];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (job_load(sub, &out[*n]) == 0) (*n)++;
    }
    if (d) closedir(d);
    if (*n > 1) qsort(out, (size_t)*n, sizeof *out, by_id_desc);
    return out;
}

struct job *job_find(const struct config *c, unsigned id, struct job *out)
{
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/jobs/%u", c->state_dir, id);
    return job_load(dir, out) == 0 ? out : NULL;
}

int job_device_lock(const struct config *c, uint64_t ecid, char *err, size_t errlen)
{
    char lock[PATH_MAX + 64], dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/locks", c->state_dir);
    if (mkdir_p(dir) < 0) { snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno)); return -1; }
    lock_path(c, ecid, lock, sizeof lock);
    int fd = fsutil_open_lock(lock);
    if (fd < 0) { snprintf(err, errlen, "cannot open %s: %s", lock, fsutil_strerror(errno)); return -1; }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, errno == EWOULDBLOCK ? "another ibench is driving this device now" : "cannot lock %s: %s",
                 lock, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

bool job_device_busy(const struct config *c, uint64_t ecid)
{
    char lock[PATH_MAX + 64];
    lock_path(c, ecid, lock, sizeof lock);
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    bool busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);   /* releases it if we took it */
    return busy;
}

/* --- following a running job --------------------------------------------- */

static void read_log(struct job *j)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/engine.log", j->dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    /* The supervisor cut the middle out of a runaway log (job_run.c): what
     * was not read yet is partly gone; go on from the new end. */
    struct stat st;
    if (fstat(fd, &st) == 0 && (long long)st.st_size < j->log_offset) j->log_offset = (long long)st.st_size;
    if (lseek(fd, (off_t)j->log_offset, SEEK_SET) >= 0) {
        char buf[16384];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
            engine_parse_feed(&j->parse, buf, (size_t)n);
            j->log_offset += n;
        }
    }
    close(fd);
}

/* The exit file: "exit N" or "signal N", then " stalled SECONDS" when the
 * supervisor stopped an engine that had gone silent. */
static int read_exit(const struct job *j, int *code, int *sig, int *stalled_s)
{
    char path[PATH_MAX + 16], line[48] = "";
    snprintf(path, sizeof path, "%s/exit", j->dir);
    FILE *f = fopen(path, "re");
    if (!f) return -1;
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    *code = -1;
    *sig = 0;
    *stalled_s = 0;
    int n = 0;
    if (sscanf(line, "exit %d%n", code, &n) != 1 && sscanf(line, "signal %d%n", sig, &n) != 1) return -1;
    if (sscanf(line + n, " stalled %d", stalled_s) != 1 || *stalled_s < 0) *stalled_s = 0;
    return 0;
}

static void finalize(const struct config *c, struct job *j, int code, int sig, int stalled_s, bool lost)
{
    job_remove_work(j);          /* the engine's private folders: its extracted files go now */
    engine_parse_finish(&j->parse);
    j->exit_code = code;
    j->term_signal = sig;
    j->ended = wall_ms();
    int retryable = 0;
    const char *cause = "", *next = "";
    if (lost) {
        j->state = JOB_LOST;
        snprintf(j->cause, sizeof j->cause, "the engine's supervisor ended without recording a result");
        snprintf(j->next_step, sizeof j->next_step, "check the device's mode on the board and the job log; restore again if needed");
        snprintf(j->triage, sizeof j->triage, "lost");
    } else if (j->cancel_requested) {
        j->state = JOB_CANCELLED;
        snprintf(j->triage, sizeof j->triage, "cancelled");
        snprintf(j->cause, sizeof j->cause, "cancelled by the technician");
        snprintf(j->next_step, sizeof j->next_step,
                 "the device may be left in Recovery: exit it with `ibench recovery exit` (key x), or restore again");
    } else if (stalled_s > 0) {
        /* Not retried: the device most likely left (or hangs), and a new
         * attempt would wait on it just the same. */
        j->state = JOB_FAILED;
        snprintf(j->triage, sizeof j->triage, "stalled");
        snprintf(j->cause, sizeof j->cause, "the engine printed nothing for %d min%s and was stopped: the device probably "
                 "left mid-restore (cable, hub or power) or the engine hung", stalled_s / 60, stalled_s % 60 ? " or so" : "");
        snprintf(j->next_step, sizeof j->next_step,
                 "check the cable and the device's mode on the board; put it in Recovery (key g shows how) and restore again");
    } else {
        enum engine_triage t = engine_triage(&j->parse, sig ? 128 + sig : code, &retryable, &cause, &next);
        j->retryable = retryable != 0;
        j->state = t == TRIAGE_NONE ? JOB_SUCCEEDED : JOB_FAILED;
        snprintf(j->triage, sizeof j->triage, "%s", engine_triage_key(t));
        snprintf(j->cause, sizeof j->cause, "%s", cause ? cause : "");
        snprintf(j->next_step, sizeof j->next_step, "%s", next ? next : "");
        /* A retryable failure goes straight back to the queue (restore_retries
         * times, as the engine's maintainers advise); the history gets the
         * final attempt only. */
        if (j->state == JOB_FAILED && j->retryable && j->attempt <= c->restore_retries) {
            j->state = JOB_QUEUED;
            j->attempt++;
            job_save(j);
            return;
        }
    }
    /* Another ibench (or this one's queue pass) may have recorded it already. */
    static struct job disk;
    if (!j->recorded && job_load(j->dir, &disk) == 0 && disk.recorded && disk.attempt == j->attempt && job_finished(&disk))
        j->recorded = true;
    if (!j->recorded && history_append(c, j) == 0) j->recorded = true;
    job_save(j);
}

/* Notices that a running job's engine ended (exit file), or that its
 * supervisor is gone without one (lock free): reads the rest of the log and
 * finalizes. 1 when it ended. */
static int check_end(const struct config *c, struct job *j)
{
    if (j->pid > 0) waitpid(j->pid, NULL, WNOHANG);   /* reap our own supervisor */
    int code, sig, stalled_s;
    int ended = read_exit(j, &code, &sig, &stalled_s) == 0;
    if (!ended && job_device_busy(c, j->ecid)) return 0;
    if (!ended) ended = read_exit(j, &code, &sig, &stalled_s) == 0;   /* it may have written it meanwhile */
    read_log(j);
    if (ended) finalize(c, j, code, sig, stalled_s, false);
    else finalize(c, j, -1, 0, 0, true);
    return 1;
}

int job_poll(const struct config *c, struct job *j)
{
    if (j->state != JOB_RUNNING) return 0;
    long long before = j->log_offset;
    read_log(j);
    return check_end(c, j) || j->log_offset != before;
}

int job_settle(const struct config *c, struct job *j)
{
    return j->state == JOB_RUNNING && check_end(c, j);
}

int job_cancel(struct job *j)
{
    if (j->state == JOB_QUEUED) {
        j->cancel_requested = true;
        j->state = JOB_CANCELLED;
        j->ended = wall_ms();
        snprintf(j->triage, sizeof j->triage, "cancelled");
        snprintf(j->cause, sizeof j->cause, "cancelled before it started");
        return job_save(j);
    }
    if (j->state != JOB_RUNNING || j->pid <= 0) return -1;
    j->cancel_requested = true;
    job_save(j);
    return kill(-j->pid, SIGTERM);
}

/* --- history ---------------------------------------------------------------- */

static void iso_time(int64_t ms, char *out, size_t n)
{
    if (!ms) { snprintf(out, n, "%s", ""); return; }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int history_append(const struct config *c, const struct job *j)
{
    char path[PATH_MAX + 16], start[32], end[32], ecid[24], logp[PATH_MAX + 16];
    mkdir_p(c->state_dir);
    snprintf(path, sizeof path, "%s/history.jsonl", c->state_dir);
    snprintf(ecid, sizeof ecid, "%016" PRIX64, j->ecid);
    snprintf(logp, sizeof logp, "%s/engine.log", j->dir);
    iso_time(j->started ? j->started : j->created, start, sizeof start);
    iso_time(j->ended, end, sizeof end);
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}",
        "job", (int)j->id, "ecid", ecid, "product_type", j->product_type, "model", j->model_name, "board", j->board,
        "version", j->version, "build", j->build, "behavior", j->erase ? "Erase" : "Update", "start", start,
        "end", end, "result", job_state_key(j->state), "exit_code", j->exit_code, "triage", j->triage,
        "cause", j->cause, "log", logp);
    if (!o) return -1;
    char *line = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!line) return -1;
    size_t n = strlen(line);
    line[n] = '\n';   /* json_dumps leaves room for the NUL we overwrite; write n + 1 */
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    int rc = -1;
    if (fd >= 0) {
        /* A torn last line (a crash mid-write) would swallow this record:
         * start on a fresh line when the file does not end with one. */
        struct stat st;
        char last = '\n';
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
            rc = 0;
            if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
                rc = write(fd, "\n", 1) == 1 ? 0 : -1;
        }
        if (rc == 0) rc = write(fd, line, n + 1) == (ssize_t)(n + 1) && fsync(fd) == 0 ? 0 : -1;
        close(fd);
    }
    free(line);
    return rc;
}

json_t *history_parse(FILE *f)
{
    json_t *rows = json_array(), *last = json_object();
    char *line = NULL, key[32];
    size_t cap = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        json_t *o = json_loadb(line, (size_t)len, 0, NULL);   /* a torn line does not parse */
        json_t *id = json_object_get(o, "job");
        if (!json_is_object(o) || !json_is_integer(id)) { json_decref(o); continue; }
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        json_object_set_new(last, key, json_integer((json_int_t)json_array_size(rows)));
        json_array_append_new(rows, o);
    }
    free(line);
    /* A retried job is recorded once per attempt: keep its last row, in the
     * place of that row (one pass, a hash of job -> last index). */
    json_t *out = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) {
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(o, "job")));
        if ((size_t)json_integer_value(json_object_get(last, key)) == i) json_array_append(out, o);
    }
    json_decref(rows);
    json_decref(last);
    return out;
}

json_t *history_read(const struct config *c)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/history.jsonl", c->state_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f && fd >= 0) close(fd);
    json_t *rows = history_parse(f);
    if (f) fclose(f);
    return rows;
}
