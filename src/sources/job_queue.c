/* The restore queue (see job_queue.h). */
#include "job_queue.h"
#include "fsutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void job_hub_of(const char *port, char *out, size_t n)
{
    snprintf(out, n, "%s", port);
    char *dot = strrchr(out, '.');
    if (dot) *dot = 0;
}

int job_queue_pump(const struct config *c, const struct engine_info *e, struct job **list, int *nlist)
{
    char lock[PATH_MAX + 32];
    snprintf(lock, sizeof lock, "%s/jobs", c->state_dir);
    mkdir(c->state_dir, 0755);
    mkdir(lock, 0755);
    snprintf(lock, sizeof lock, "%s/jobs/.queue", c->state_dir);
    int fd = fsutil_open_lock(lock);
    if (list) { *list = NULL; *nlist = 0; }
    if (fd < 0 || flock(fd, LOCK_EX) < 0) { if (fd >= 0) close(fd); return 0; }
    int n = 0, started = 0;
    struct job *jobs = job_list(c, &n);
    int running = 0;
    for (int i = 0; i < n; i++) {
        job_settle(c, &jobs[i]);   /* finishes (or requeues) jobs whose engine ended */
        if (jobs[i].state == JOB_RUNNING) running++;
    }
    for (int i = n - 1; i >= 0; i--) {   /* oldest first */
        struct job *j = &jobs[i];
        if (j->state != JOB_QUEUED || running >= c->max_restores) continue;
        char hub[32], other[32];
        job_hub_of(j->port, hub, sizeof hub);
        int same_hub = 0;
        for (int k = 0; k < n; k++) {
            if (jobs[k].state != JOB_RUNNING || !j->port[0]) continue;
            job_hub_of(jobs[k].port, other, sizeof other);
            same_hub += !strcmp(hub, other);
        }
        if (j->port[0] && same_hub >= c->max_restores_per_hub) continue;
        if (job_device_busy(c, j->ecid)) continue;
        char err[300];
        if (job_start(c, j, e, err, sizeof err) == 0) { running++; started++; }
    }
    close(fd);
    if (list) { *list = jobs; *nlist = n; }
    else free(jobs);
    return started;
}
