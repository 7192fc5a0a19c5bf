/* Restore orchestration: the preflight a technician sees before a restore,
 * and the queue that starts jobs within the bench's caps. Shared by
 * `ibench restore`, `ibench jobs` and the console. */
#ifndef IBENCH_RESTORE_H
#define IBENCH_RESTORE_H
#include "bench.h"
#include "app.h"
#include "engine.h"
#include "job.h"

enum verdict { V_PASS, V_WARN, V_FAIL };

#define PREFLIGHT_MAX 12

struct preflight {
    int n, failed, warned;
    struct { char name[16]; enum verdict v; char text[320]; } item[PREFLIGHT_MAX];
    /* what the IPSW says */
    char version[32], build[32];
};

const char *verdict_word(enum verdict v);   /* "ok", "warn", "FAIL" */

/* Every check for restoring device d with the IPSW at `ipsw` (Update unless
 * erase). Reads the archive, the catalog (fresh when reachable; only the
 * cached copy when offline, so the console never waits on the network) and
 * the bench. */
void restore_preflight(struct app *con, const struct device *d, const char *ipsw, int erase,
                       const struct engine_info *e, int have_engine, int offline, struct preflight *pf);

/* Fills a new job for device d with the IPSW the preflight read. */
void restore_job_init(struct job *j, const struct device *d, const struct preflight *pf, const char *ipsw, int erase);

#endif
