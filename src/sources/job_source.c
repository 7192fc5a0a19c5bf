/* Restore jobs on the console's loop (see job_source.h). */
#include "job_source.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "sink.h"
#include "fsutil.h"
#include "job_queue.h"

#define TICK_MS 500
#define RELIST_TICKS 4              /* re-read the job folders every 2 s */
/* With no job queued or running the source sleeps: inotify on the jobs folder
 * wakes it when any ibench creates (or prunes) a job (and on a running job's
 * folder, when its engine ends), and it then follows
 * closely for a while, since the new job's record is written just after its
 * folder. A slow re-read stays as a safety net. */
#define IDLE_RELIST_MS 60000
#define WATCH_GRACE_MS 5000

struct job_source {
    struct sink sink;
    struct loop_timer *timer;
    struct job *jobs;               /* newest first; running ones keep their parse state */
    int n, ticks;
    struct engine_info engine;
    int have_engine;
    int pump;                       /* starts queued jobs (else only follows them) */
    int inotify_fd;                 /* -1 when unavailable: then re-read every 2 s */
    struct loop_watch *inotify_watch;
    int64_t follow_until;           /* now_ms() before which the source ticks even if idle */
};

static int busy(const struct job_source *s)
{
    if (now_ms() < s->follow_until) return 1;
    for (int i = 0; i < s->n; i++)
        if (s->jobs[i].state == JOB_RUNNING || s->jobs[i].state == JOB_QUEUED) return 1;
    return 0;
}

static void post_status(struct job_source *s, const struct job *j)
{
    struct bench_ev ev = {.type = BEV_JOB, .now_ms = now_ms(), .has_ecid = true, .ecid = j->ecid, .job_id = j->id,
                          .job_state = j->state == JOB_RUNNING ? BJOB_RUNNING : j->state == JOB_QUEUED ? BJOB_QUEUED : BJOB_ENDED,
                          .progress = -1};
    if (j->state == JOB_RUNNING) {
        ev.progress = j->parse.progress / 10;
        snprintf(ev.text, sizeof ev.text, "%s %d%% %s", j->erase ? "Erase" : "Restore", ev.progress,
                 j->parse.operation[0] ? j->parse.operation : j->parse.step >= 0 ? "" : "starting");
    } else if (j->state == JOB_QUEUED) {
        snprintf(ev.text, sizeof ev.text, "restore queued");
    }
    sink_post(&s->sink, &ev);
}

static void post_outcome(struct job_source *s, const struct job *j)
{
    post_status(s, j);
    struct bench_ev ev = {.type = BEV_NOTE, .now_ms = now_ms(), .has_ecid = true, .ecid = j->ecid};
    snprintf(ev.text, sizeof ev.text, "restore job %u %s: %.110s", j->id, job_state_key(j->state), j->cause);
    sink_post(&s->sink, &ev);
}

/* Takes a freshly read job list, keeping the parse state of the jobs
 * already followed. The queue pass reads the list anyway: reuse it. */
static void relist(struct job_source *s)
{
    int n = 0;
    struct job *fresh = NULL;
    if (s->pump && s->have_engine) job_queue_pump(s->sink.cfg, &s->engine, &fresh, &n);
    else fresh = job_list(s->sink.cfg, &n);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < s->n; k++)
            if (s->jobs[k].id == fresh[i].id && s->jobs[k].attempt == fresh[i].attempt &&
                s->jobs[k].state == JOB_RUNNING && fresh[i].state == JOB_RUNNING) {
                fresh[i].parse = s->jobs[k].parse;
                fresh[i].log_offset = s->jobs[k].log_offset;
            }
    free(s->jobs);
    s->jobs = fresh;
    s->n = n;
    /* A running job's folder gets its `exit` file the moment the engine
     * ends: watching it shows the outcome at once, not on the next tick.
     * Adding an existing watch again only refreshes it. */
    for (int i = 0; s->inotify_fd >= 0 && i < n; i++)
        if (fresh[i].state == JOB_RUNNING) inotify_add_watch(s->inotify_fd, fresh[i].dir, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
}

static void tick(void *ctx)
{
    struct job_source *s = ctx;
    if (s->ticks++ % RELIST_TICKS == 0) {
        enum job_state before[64];
        unsigned ids[64];
        int nb = s->n < 64 ? s->n : 64;
        for (int i = 0; i < nb; i++) { before[i] = s->jobs[i].state; ids[i] = s->jobs[i].id; }
        relist(s);
        for (int i = 0; i < s->n; i++)
            for (int k = 0; k < nb; k++)
                if (ids[k] == s->jobs[i].id && before[k] != s->jobs[i].state) {
                    if (job_finished(&s->jobs[i])) post_outcome(s, &s->jobs[i]);
                    else post_status(s, &s->jobs[i]);
                }
    }
    for (int i = 0; i < s->n; i++) {
        struct job *j = &s->jobs[i];
        if (j->state != JOB_RUNNING) continue;
        if (!job_poll(s->sink.cfg, j)) continue;
        if (job_finished(j)) post_outcome(s, j);
        else post_status(s, j);
    }
    if (busy(s)) { loop_timer_arm(s->timer, TICK_MS); return; }
    s->ticks = 0;                   /* whenever it wakes next, it re-reads the list */
    loop_timer_arm(s->timer, s->inotify_fd >= 0 ? IDLE_RELIST_MS : RELIST_TICKS * TICK_MS);
}

static void on_jobs_changed(void *ctx, int fd, short revents)
{
    struct job_source *s = ctx;
    char buf[4096];
    while (read(fd, buf, sizeof buf) > 0) {}
    s->follow_until = now_ms() + WATCH_GRACE_MS;
    s->ticks = 0;
    loop_timer_arm(s->timer, 0);
}

static void watch_jobs_folder(struct job_source *s)
{
    char dir[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/jobs", s->sink.cfg->state_dir);
    s->inotify_fd = -1;
    if (mkdir_p(dir) < 0) return;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return;
    if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_ONLYDIR) < 0) { close(fd); return; }
    s->inotify_fd = fd;
    s->inotify_watch = loop_watch_fd(s->sink.loop, fd, POLLIN, on_jobs_changed, s);
}

struct job_source *job_source_start(const struct sink *sk, int pump)
{
    struct job_source *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->sink = *sk;
    char err[300];
    s->pump = pump;
    s->have_engine = engine_detect(sk->cfg, &s->engine, err, sizeof err) == 0;
    s->timer = loop_timer_new(sk->loop, tick, s);
    watch_jobs_folder(s);
    relist(s);
    for (int i = 0; i < s->n; i++)
        if (s->jobs[i].state == JOB_RUNNING || s->jobs[i].state == JOB_QUEUED) post_status(s, &s->jobs[i]);
    s->ticks = 1;                    /* the list was just read: the next full pass in 2 s */
    loop_timer_arm(s->timer, 0);
    return s;
}

void job_source_stop(struct job_source *s)
{
    if (!s) return;
    loop_timer_free(s->timer);
    if (s->inotify_watch) loop_watch_remove(s->inotify_watch);
    if (s->inotify_fd >= 0) close(s->inotify_fd);
    free(s->jobs);
    free(s);
}

const struct job *job_source_for(const struct job_source *s, uint64_t ecid)
{
    const struct job *best = NULL;
    for (int i = 0; i < s->n; i++) {
        const struct job *j = &s->jobs[i];
        if (j->ecid != ecid) continue;
        if (j->state == JOB_RUNNING || j->state == JOB_QUEUED) return j;
        if (!best) best = j;   /* newest first */
    }
    return best;
}

int job_source_running(const struct job_source *s)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) n += s->jobs[i].state == JOB_RUNNING || s->jobs[i].state == JOB_QUEUED;
    return n;
}

int job_source_submit(struct job_source *s, struct job *j, char *err, size_t errlen)
{
    if (job_create(s->sink.cfg, j, err, errlen) < 0) return -1;
    if (s->have_engine) job_queue_pump(s->sink.cfg, &s->engine, NULL, NULL);
    s->ticks = 0;                     /* re-read the list on the next tick */
    loop_timer_arm(s->timer, 0);
    return 0;
}

int job_source_have_engine(const struct job_source *s, const struct engine_info **e)
{
    *e = &s->engine;
    return s->have_engine;
}

void job_source_kick(struct job_source *s)
{
    s->ticks = 0;
    loop_timer_arm(s->timer, 0);
}

int job_source_cancel(struct job_source *s, unsigned id, char *err, size_t errlen)
{
    for (int i = 0; i < s->n; i++) {
        struct job *j = &s->jobs[i];
        if (j->id != id) continue;
        if (job_finished(j)) { snprintf(err, errlen, "restore job %u has already ended", id); return -1; }
        if (job_cancel(j) < 0) { snprintf(err, errlen, "cannot stop restore job %u", id); return -1; }
        job_source_kick(s);
        return 0;
    }
    snprintf(err, errlen, "no restore job %u", id);
    return -1;
}
