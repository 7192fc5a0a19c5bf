/* Restore orchestration: the preflight a technician sees before a restore,
 * and the queue that starts jobs within the bench's caps. Shared by
 * `ibench restore`, `ibench jobs` and the console. */
#ifndef IBENCH_RESTORE_H
#define IBENCH_RESTORE_H
#include "bench.h"
#include "console.h"
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
void restore_preflight(struct console *con, const struct device *d, const char *ipsw, int erase,
                       const struct engine_info *e, int have_engine, int offline, struct preflight *pf);

/* Starts queued jobs while the caps allow (max_restores on the bench,
 * max_restores_per_hub behind one hub), oldest first; a retryable failure was
 * already put back in the queue when its job finished. Safe with several
 * consoles: runs under a lock file. Returns how many jobs it started. With
 * list, hands over the job list it read (newest first; caller frees) so the
 * caller need not read every job folder again. */
int restore_queue_pump(const struct config *c, const struct engine_info *e, struct job **list, int *n);

/* Fills a new job for device d with the IPSW the preflight read. */
void restore_job_init(struct job *j, const struct device *d, const struct preflight *pf, const char *ipsw, int erase);

/* "1-1" for a device on "1-1.3": the hub a port hangs off. */
void restore_hub_of(const char *port, char *out, size_t n);

#endif
