/* Whether an IPSW is known to be intact, and making it known (app layer).
 * "Intact" is said only when every entry's CRC was checked in this process
 * (for the same path, size and mtime), or when the firmware cache recorded
 * that the file matched the catalog's checksum and it has not changed since.
 * Anything else is "not verified yet". Thread-safe: the preflight asks on
 * the pool, the console and the command line on their own threads. */
#ifndef IBENCH_IPSW_INTACT_H
#define IBENCH_IPSW_INTACT_H
#include <stddef.h>

#include "config.h"
#include "ipsw_verify.h"

enum ipsw_intact_how {
    IPSW_INTACT_UNKNOWN = 0,   /* not verified yet */
    IPSW_INTACT_CRC,           /* every CRC checked in this process */
    IPSW_INTACT_CATALOG,       /* the cache's record of the catalog's checksum */
};

/* What is known now, without reading the archive (stat only). c may be NULL
 * (no cache to ask). */
enum ipsw_intact_how ipsw_intact_known(const struct config *c, const char *path);
/* A few words for how, e.g. "every CRC checked". */
const char *ipsw_intact_words(enum ipsw_intact_how how);

/* Reads every entry of path (ipsw_verify.h) and, when all are intact,
 * remembers it for this process. Blocks: the pool or the command line.
 * Returns enum ipsw_verify_result, err naming the entry when damaged. */
int ipsw_intact_verify(const char *path, ipsw_verify_progress_fn progress, ipsw_verify_stop_fn stop, void *user,
                       char *err, size_t errlen);

#endif
