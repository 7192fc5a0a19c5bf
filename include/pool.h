/* The worker pool: blocking library calls (lockdownd, catalog fetches, IPSW
 * reads, restore preflights) run off the loop on a few threads and report
 * back only by posting events.
 *
 * Contract:
 * - pool_submit() is called from the loop thread or any pool task; the task
 *   runs once on a pool thread, or never (pool stopping): then `drop` (or
 *   free when NULL) releases arg.
 * - A task that may run long polls pool_stopping() and returns early.
 * - pool_free() stops taking work, drops what has not started, and joins
 *   every thread; a task still stuck in a library call after grace_ms is left
 *   to the process exit (its thread detached) rather than hanging shutdown. */
#ifndef IBENCH_POOL_H
#define IBENCH_POOL_H

struct pool;

struct pool *pool_new(int max_threads);
int pool_submit(struct pool *p, void (*fn)(void *arg), void *arg, void (*drop)(void *arg));
int pool_stopping(const struct pool *p);
int pool_busy(const struct pool *p);      /* tasks queued or running */
void pool_free(struct pool *p, int grace_ms);

#endif
