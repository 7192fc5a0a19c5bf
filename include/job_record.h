/* A restore job's record: what job.json holds and what a front end shows.
 * Pure types (core); reading, writing and running jobs is job.h (sources). */
#ifndef IBENCH_JOB_RECORD_H
#define IBENCH_JOB_RECORD_H
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine_parse.h"

enum job_state {
    JOB_QUEUED,      /* waiting for a free slot (or for its retry) */
    JOB_RUNNING,     /* its supervisor and engine run */
    JOB_SUCCEEDED,   /* the engine finished the restore */
    JOB_FAILED,      /* the engine failed: triage, cause and next step say why */
    JOB_CANCELLED,   /* the technician stopped it */
    JOB_LOST,        /* its supervisor ended without recording a result */
};

struct job {
    unsigned id;
    char dir[PATH_MAX];
    /* what */
    uint64_t ecid;
    char product_type[32], board[32], model_name[64], version[32], build[32];
    bool erase;
    char ipsw[PATH_MAX];
    char port[32], slot[32];
    /* how it went */
    enum job_state state;
    int64_t created, started, ended;   /* Unix ms */
    int pid;                           /* supervisor (process group leader) */
    int exit_code;                     /* engine's exit status; -1 unknown */
    int term_signal;                   /* signal that ended the engine, 0 if none */
    bool cancel_requested, recorded, retryable;
    int attempt;                       /* 1, 2... when a retryable failure is retried */
    long long log_start;               /* where this attempt's output begins in engine.log */
    char triage[24], cause[200], next_step[240];
    /* live view, not persisted */
    struct engine_state parse;
    long long log_offset;
};

const char *job_state_key(enum job_state s);       /* "queued", "running", ... */
bool job_finished(const struct job *j);
enum job_state job_state_from_key(const char *key);   /* JOB_LOST when unknown */

#endif
