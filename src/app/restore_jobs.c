/* The headless side of restores (see restore.h): `ibench jobs`, `history`
 * and `doctor` read and act on the jobs on disk directly, with no runtime.
 * Blocking by design: these commands have no loop to keep answering. */
#include "restore.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "job.h"
#include "job_queue.h"

struct job *restore_jobs_list(const struct config *c, int *n)
{
    struct engine_info e;
    char err[300];
    struct job *jobs = NULL;
    *n = 0;
    if (engine_detect(c, &e, err, sizeof err) == 0) job_queue_pump(c, &e, &jobs, n);   /* also finishes ended jobs */
    else jobs = job_list(c, n);
    for (int i = 0; i < *n; i++) job_poll(c, &jobs[i]);
    return jobs;
}

int restore_jobs_find(const struct config *c, unsigned id, struct job *out)
{
    if (!job_find(c, id, out)) return -1;
    job_poll(c, out);
    return 0;
}

int restore_jobs_cancel(const struct config *c, unsigned id, struct job *j, char *err, size_t n)
{
    if (restore_jobs_find(c, id, j) < 0) { snprintf(err, n, "no job %u", id); return -1; }
    if (job_finished(j)) return 0;
    if (job_cancel(j) < 0) { snprintf(err, n, "cannot cancel job %u: %s", id, strerror(errno)); return -1; }
    for (int i = 0; i < 100 && !job_finished(j); i++) { usleep(100000); job_poll(c, j); }
    return 0;
}

int restore_jobs_prune(const struct config *c, int days, void (*removed)(void *ctx, const struct job *j), void *ctx)
{
    return job_prune(c, days, removed, ctx);
}

void restore_jobs_count(const struct config *c, int *running, int *queued, int *kept)
{
    int n = 0;
    struct job *jobs = job_list(c, &n);
    *running = *queued = 0;
    for (int i = 0; i < n; i++) {
        job_settle(c, &jobs[i]);
        *running += jobs[i].state == JOB_RUNNING;
        *queued += jobs[i].state == JOB_QUEUED;
    }
    *kept = n;
    free(jobs);
}

void *restore_history_rows(const struct config *c)
{
    return history_read(c);   /* one linear pass; torn lines skipped, one row per job */
}

int restore_engine_probe(const struct config *c, struct engine_info *e, char *err, size_t n)
{
    return engine_detect(c, e, err, n);
}

