/* Job records on disk: ids only grow, even after old folders are pruned;
 * pruning takes finished jobs past the retention and nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "job.h"
#include "loop.h"
#include "tap.h"

static struct config cfg;

static int exists(const char *p) { struct stat st; return stat(p, &st) == 0; }

static unsigned make_job(enum job_state state, int64_t ended)
{
    struct job j;
    memset(&j, 0, sizeof j);
    j.ecid = 0x1234;
    snprintf(j.build, sizeof j.build, "21F90");
    char err[200];
    if (job_create(&cfg, &j, err, sizeof err) < 0) { printf("# job_create: %s\n", err); return 0; }
    j.state = state;
    j.ended = ended;
    job_save(&j);
    return j.id;
}

static int count;
static void on_removed(void *ctx, const struct job *j) { (void)ctx; (void)j; count++; }

TEST(prune_takes_only_old_finished_jobs)
{
    int64_t now = wall_ms(), day = 86400000;
    unsigned old_ok = make_job(JOB_SUCCEEDED, now - 40 * day);
    unsigned old_fail = make_job(JOB_FAILED, now - 31 * day);
    unsigned young = make_job(JOB_SUCCEEDED, now - 29 * day);
    unsigned running = make_job(JOB_RUNNING, 0);
    unsigned queued = make_job(JOB_QUEUED, 0);
    CHECK(old_ok && old_fail && young && running && queued);
    count = 0;
    CHECK_INT(job_prune(&cfg, 0, on_removed, NULL), 0);      /* 0 days: keep everything */
    CHECK_INT(job_prune(&cfg, 30, on_removed, NULL), 2);
    CHECK_INT(count, 2);
    struct job j;
    CHECK(!job_find(&cfg, old_ok, &j));
    CHECK(!job_find(&cfg, old_fail, &j));
    CHECK(job_find(&cfg, young, &j));
    CHECK(job_find(&cfg, running, &j) && j.state == JOB_RUNNING);
    CHECK(job_find(&cfg, queued, &j) && j.state == JOB_QUEUED);
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/jobs/%u", cfg.state_dir, old_ok);
    CHECK(!exists(dir));
}

TEST(ids_never_repeat_after_pruning)
{
    int64_t now = wall_ms(), day = 86400000;
    /* Everything finished and old: pruning empties the folder. */
    int n = 0;
    struct job *all = job_list(&cfg, &n);
    for (int i = 0; i < n; i++) { all[i].state = JOB_CANCELLED; all[i].ended = now - 100 * day; job_save(&all[i]); }
    unsigned highest = n ? all[0].id : 0;
    free(all);
    CHECK(highest > 0);
    CHECK_INT(job_prune(&cfg, 1, NULL, NULL), n);
    all = job_list(&cfg, &n);
    CHECK_INT(n, 0);
    free(all);
    unsigned next = make_job(JOB_QUEUED, 0);
    CHECK_INT(next, highest + 1);
}

TEST(creating_a_job_prunes_by_the_configured_retention)
{
    int64_t now = wall_ms(), day = 86400000;
    unsigned old = make_job(JOB_SUCCEEDED, now - 10 * day);
    cfg.job_retention_days = 7;
    unsigned fresh = make_job(JOB_QUEUED, 0);
    cfg.job_retention_days = 0;
    struct job j;
    CHECK(fresh > old);
    CHECK(!job_find(&cfg, old, &j));
    CHECK(job_find(&cfg, fresh, &j));
}

static int history_ids(unsigned *ids, int max)
{
    json_t *rows = history_read(&cfg);
    int n = 0;
    size_t i;
    json_t *o;
    json_array_foreach(rows, i, o) if (n < max) ids[n++] = (unsigned)json_integer_value(json_object_get(o, "job"));
    json_decref(rows);
    return n;
}

/* A crash mid-append leaves a torn last line; the next record must start on
 * a fresh line, not after the fragment (which made both unreadable). */
TEST(history_torn_line_does_not_swallow_the_next_record)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/history.jsonl", cfg.state_dir);
    FILE *f = fopen(path, "w");
    fputs("{\"job\": 7, \"result\": \"succeeded\"}\n{\"job\": 8, \"resu", f);
    fclose(f);
    struct job j;
    memset(&j, 0, sizeof j);
    j.id = 9;
    j.state = JOB_FAILED;
    snprintf(j.dir, sizeof j.dir, "%s/jobs/9", cfg.state_dir);
    CHECK_INT(history_append(&cfg, &j), 0);
    unsigned ids[8];
    int n = history_ids(ids, 8);
    CHECK_INT(n, 2);
    CHECK(n == 2 && ids[0] == 7 && ids[1] == 9);
    j.id = 7;                                   /* job 7 retried: its last row, in that place */
    CHECK_INT(history_append(&cfg, &j), 0);
    n = history_ids(ids, 8);
    CHECK(n == 2 && ids[0] == 9 && ids[1] == 7);
    unlink(path);
    CHECK_INT(history_ids(ids, 8), 0);
    /* a symbolic link at the history's name is not followed */
    char target[PATH_MAX + 32];
    snprintf(target, sizeof target, "%s/elsewhere", cfg.state_dir);
    f = fopen(target, "w");
    fclose(f);
    CHECK(symlink(target, path) == 0);
    CHECK(history_append(&cfg, &j) < 0);
    struct stat st;
    CHECK(stat(target, &st) == 0 && st.st_size == 0);
    unlink(path);
    unlink(target);
}

/* The supervisor's exit file goes through <job>/.exit.tmp: a link planted
 * there (it was opened with O_TRUNC, following links) is not followed; the
 * exit file is still written. A link at the device lock is refused. */
TEST(exit_tmp_and_device_lock_never_follow_links)
{
    unsigned id = make_job(JOB_QUEUED, 0);
    struct job j;
    CHECK(job_find(&cfg, id, &j) != NULL);
    char outside[PATH_MAX + 32], tmp[PATH_MAX + 32], exitp[PATH_MAX + 32];
    snprintf(outside, sizeof outside, "%s/outside", cfg.state_dir);
    FILE *f = fopen(outside, "w");
    fputs("precious", f);
    fclose(f);
    snprintf(tmp, sizeof tmp, "%s/.exit.tmp", j.dir);
    snprintf(exitp, sizeof exitp, "%s/exit", j.dir);
    CHECK(symlink(outside, tmp) == 0);
    struct engine_info e;
    memset(&e, 0, sizeof e);
    snprintf(e.path, sizeof e.path, "/bin/true");
    char err[300] = "";
    j.ecid = 0x77;
    CHECK_INT(job_start(&cfg, &j, &e, err, sizeof err), 0);
    if (err[0]) printf("# job_start: %s\n", err);
    struct stat st;
    for (int i = 0; i < 300 && stat(exitp, &st) < 0; i++) usleep(20000);   /* bounded wait for the supervisor */
    if (j.pid > 0) waitpid(j.pid, NULL, 0);
    char buf[64] = "";
    f = fopen(exitp, "r");
    if (f) { if (!fgets(buf, sizeof buf, f)) buf[0] = 0; fclose(f); }
    CHECK_STR(buf, "exit 0\n");
    f = fopen(outside, "r");
    buf[0] = 0;
    if (f) { if (!fgets(buf, sizeof buf, f)) buf[0] = 0; fclose(f); }
    CHECK_STR(buf, "precious");
    /* the device lock */
    char lock_dir[PATH_MAX + 32], lk[PATH_MAX + 64];
    snprintf(lock_dir, sizeof lock_dir, "%s/locks", cfg.state_dir);
    int fd = job_device_lock(&cfg, 0x99, err, sizeof err);        /* learn the lock's name */
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    DIR *d = opendir(lock_dir);
    int replaced = 0;
    for (struct dirent *de; d && (de = readdir(d));) {
        if (de->d_name[0] == '.' || !strstr(de->d_name, "99")) continue;
        snprintf(lk, sizeof lk, "%s/%s", lock_dir, de->d_name);
        unlink(lk);
        replaced = symlink(outside, lk) == 0;
    }
    if (d) closedir(d);
    CHECK(replaced);
    err[0] = 0;
    CHECK_INT(job_device_lock(&cfg, 0x99, err, sizeof err), -1);
    CHECK(strstr(err, "symbolic link") != NULL);
}

/* The per-device lock is exclusive across descriptors (so across ibench
 * processes): a second taker is refused until the first lets go. */
TEST(device_lock_is_exclusive)
{
    char err[200];
    int a = job_device_lock(&cfg, 0xABC, err, sizeof err);
    CHECK(a >= 0);
    CHECK(job_device_busy(&cfg, 0xABC));
    err[0] = 0;
    CHECK_INT(job_device_lock(&cfg, 0xABC, err, sizeof err), -1);
    CHECK(strstr(err, "another ibench is driving this device") != NULL);
    int other = job_device_lock(&cfg, 0xABD, err, sizeof err);   /* another device is free */
    CHECK(other >= 0);
    if (other >= 0) close(other);
    if (a >= 0) close(a);
    CHECK(!job_device_busy(&cfg, 0xABC));
    int b = job_device_lock(&cfg, 0xABC, err, sizeof err);
    CHECK(b >= 0);
    if (b >= 0) close(b);
}

int main(void)
{
    char top[] = "/tmp/ibench-job.XXXXXX";
    if (tap_scratch_make(top) < 0) return 1;
    snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s", top);
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", top);
    RUN(prune_takes_only_old_finished_jobs);
    RUN(ids_never_repeat_after_pruning);
    RUN(creating_a_job_prunes_by_the_configured_retention);
    RUN(history_torn_line_does_not_swallow_the_next_record);
    RUN(exit_tmp_and_device_lock_never_follow_links);
    RUN(device_lock_is_exclusive);
    tap_scratch_remove(top);
    return TAP_DONE();
}
