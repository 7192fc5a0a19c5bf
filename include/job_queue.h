/* The restore queue on disk, shared by every ibench on the bench: which
 * queued jobs may start now. */
#ifndef IBENCH_JOB_QUEUE_H
#define IBENCH_JOB_QUEUE_H
#include <stddef.h>
#include "config.h"
#include "engine.h"
#include "job.h"

/* Starts queued jobs while the caps allow (max_restores on the bench,
 * max_restores_per_hub behind one hub), oldest first; a retryable failure was
 * already put back in the queue when its job finished. Safe with several
 * consoles: runs under a lock file. Returns how many jobs it started. With
 * list, hands over the job list it read (newest first; caller frees) so the
 * caller need not read every job folder again. */
int job_queue_pump(const struct config *c, const struct engine_info *e, struct job **list, int *n);

/* "1-1" for a device on "1-1.3": the hub a port hangs off. */
void job_hub_of(const char *port, char *out, size_t n);

#endif
