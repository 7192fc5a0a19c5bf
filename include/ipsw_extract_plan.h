/* An IPSW extraction job's shared state, for ipsw_extract.c (the lead
 * and the writing workers) and ipsw_extract_plan.c (which entries, vetted
 * before anything is written). Private to those two files. */
#ifndef IBENCH_IPSW_EXTRACT_PLAN_H
#define IBENCH_IPSW_EXTRACT_PLAN_H
#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <time.h>
#include <zip.h>

#include "ipsw_types.h"

struct x_item {
    zip_uint64_t index;
    char *name;
    long long size;
    int is_dir;
    mode_t mode;
    time_t mtime;
};

struct ipsw_extract {
    struct ipsw_extract_opts o;
    char *archive, *out_dir, **patterns, behavior[16];
    pthread_t lead;
    int lead_started, out_fd;
    int use_tmpfile;                  /* O_TMPFILE works here and /proc can name it */
    struct x_item *items;
    int nitems;
    atomic_int next, stop, files_done;
    atomic_llong done;
    long long total;
    pthread_mutex_t lock;             /* result, progress calls */
    struct timespec last_progress;
    struct ipsw_extract_result res;
};

/* Records the first failure (later ones are dropped) and stops every worker. */
void ipsw_x_fail(struct ipsw_extract *j, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether to stop now: a failure, or *cancel set (recorded as IPSW_X_CANCELLED). */
int ipsw_x_stopped(struct ipsw_extract *j);
/* What a libzip read failure means: IPSW_X_NETWORK when the transport failed,
 * else IPSW_X_INTEGRITY (the archive is damaged). */
int ipsw_x_read_status(struct ipsw_extract *j);
/* Chooses and vets the entries on the lead's handle z: j->items, largest
 * first, and j->total. 0, or -1 with the job failed. */
int ipsw_x_plan(struct ipsw_extract *j, zip_t *z);

#endif
