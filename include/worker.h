/* Detached worker threads: blocking library calls (lockdownd, catalog
 * fetches, IPSW reads) run off the loop and report back by posting events. */
#ifndef IBENCH_WORKER_H
#define IBENCH_WORKER_H

/* Starts fn(arg) on a detached thread. 0, or -1 when no thread could be
 * started (then fn never runs and arg is still the caller's). */
int worker_start(void *(*fn)(void *), void *arg);

#endif
