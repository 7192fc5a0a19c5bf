/* Restore jobs: one engine process per device, recorded on disk so that
 * jobs outlive the console that started them.
 *
 * On disk, under <state>/jobs/<id>/:
 *   job.json     the job (written atomically: temp file, rename)
 *   engine.log   everything the engine printed (stdout and stderr)
 *   exit         "exit N" or "signal N", written by the supervisor when the
 *                engine ends
 * <state>/jobs/.last_id keeps ids increasing after old folders are pruned,
 * and <state>/locks/<ECID>.lock, held (flock) by the job's supervisor for as
 * long as the engine runs: it keeps two consoles from driving one device, and
 * a free lock with no exit file means the job was lost.
 *
 * The supervisor is a small forked process in its own session: it ignores
 * the signals a closing terminal sends, runs the engine with its output going
 * to engine.log, waits for it and writes `exit`. Quitting or killing ibench,
 * or an SSH drop, leaves it running; any later ibench re-adopts the job. */
#ifndef IBENCH_JOB_H
#define IBENCH_JOB_H
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "engine.h"
#include "job_record.h"

/* Creates a queued job (new id, folder, job.json). 0, or -1 with err. */
int job_create(const struct config *c, struct job *j, char *err, size_t errlen);
int job_save(const struct job *j);
int job_load(const char *dir, struct job *j);
/* Every job on disk, newest first; *n set. Caller frees. */
struct job *job_list(const struct config *c, int *n);
struct job *job_find(const struct config *c, unsigned id, struct job *out);

/* Removes the folders of finished jobs that ended more than `days` days ago
 * (their history rows stay); `removed` (may be NULL) hears of each. Running
 * and queued jobs are never touched. Returns how many went. */
int job_prune(const struct config *c, int days, void (*removed)(void *ctx, const struct job *j), void *ctx);

#define JOB_LOG_HEAD (1 << 20)   /* engine.log keeps the first MiB of each attempt... */
#define JOB_LOG_TAIL (4 << 20)   /* ...and its last 4 MiB (job_run.c) */

/* Starts the engine under a supervisor, in the job's private folders. -1 with err when the device is
 * already driven by another job (its lock is held) or fork fails. */
int job_start(const struct config *c, struct job *j, const struct engine_info *e, char *err, size_t errlen);
/* Removes a job's work/, tmp/ and cache/ folders (its logs stay). */
void job_remove_work(const struct job *j);
/* Reads new engine output into j->parse, and notices the end: sets the final
 * state, triage and ended, saves, and appends the history row. Returns 1 when
 * something changed. `on_line` (may be NULL) sees each new log line. */
int job_poll(const struct config *c, struct job *j);
/* The same without following the output: only notices the end (and then reads
 * the log once to finalize). For passes over every job on the bench. */
int job_settle(const struct config *c, struct job *j);
/* Asks the engine to stop (SIGTERM to its process group). */
int job_cancel(struct job *j);
/* Whether a job's device lock is held by a running supervisor. */
bool job_device_busy(const struct config *c, uint64_t ecid);
/* Takes the device's lock for a software action (the lock restore jobs
 * hold): a descriptor to close when done, or -1 with err (held elsewhere). */
int job_device_lock(const struct config *c, uint64_t ecid, char *err, size_t errlen);

/* History: one JSON object per line in <state>/history.jsonl, appended with
 * O_APPEND and fsync, on a fresh line even after a torn one; never through a
 * symbolic link. */
int history_append(const struct config *c, const struct job *j);
/* The history rows (a new JSON array; never NULL), read in one linear pass:
 * lines that are not a JSON object with an integer "job" (a torn line) are
 * skipped, and a job recorded several times (one row per attempt) keeps
 * only its last row, in that row's place. history_read reads the state
 * folder's file (no file: an empty array). */
json_t *history_parse(FILE *f);
json_t *history_read(const struct config *c);

#endif
