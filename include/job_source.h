/* Restore jobs as a device source for the console: while any job is queued
 * or running, every half second it starts queued jobs within the caps,
 * follows the running ones through their logs (jobs of any ibench on this
 * bench, re-adopted after a restart), and posts each job's progress and
 * outcome to the bench row of its ECID. With nothing to follow it sleeps
 * until the jobs folder changes. */
#ifndef IBENCH_JOB_SOURCE_H
#define IBENCH_JOB_SOURCE_H
#include "job.h"

struct sink;
struct job_source;

/* pump: also start queued jobs within the caps (else only follow them). */
struct job_source *job_source_start(const struct sink *sk, int pump);
void job_source_stop(struct job_source *s);
/* The newest job for a device (running first), or NULL. Valid until the next tick. */
const struct job *job_source_for(const struct job_source *s, uint64_t ecid);
int job_source_running(const struct job_source *s);
/* Creates and queues a job; the next tick starts it when the caps allow. */
int job_source_submit(struct job_source *s, struct job *j, char *err, size_t errlen);
int job_source_have_engine(const struct job_source *s, const struct engine_info **e);
void job_source_kick(struct job_source *s);
/* Asks job `id` to stop (queued jobs are cancelled at once). 0, or -1 with err. */
int job_source_cancel(struct job_source *s, unsigned id, char *err, size_t errlen);   /* tick now */

#endif
