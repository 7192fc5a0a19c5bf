/* A restore job's record (see job_record.h): the pure part. */
#include "job_record.h"

static const char *const state_keys[] = {"queued", "running", "succeeded", "failed", "cancelled", "lost"};

const char *job_state_key(enum job_state s) { return (unsigned)s < 6 ? state_keys[s] : "unknown"; }
bool job_finished(const struct job *j) { return j->state >= JOB_SUCCEEDED; }

enum job_state job_state_from_key(const char *key)
{
    for (int i = 0; i < 6; i++)
        if (key && !__builtin_strcmp(key, state_keys[i])) return (enum job_state)i;
    return JOB_LOST;
}
