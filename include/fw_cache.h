/* The firmware cache folder, shared by every bay and by every ibench process
 * on the box. What lives there, for one IPSW <Product>_<version>_<build>_Restore.ipsw:
 *   NAME            complete and checked (it only ever appears by rename)
 *   NAME.sha1       the catalog's SHA-1, which NAME matched, in sha1sum(1)
 *                   format; the mtime is when it last matched (at download,
 *                   or by `ibench fw verify`). Written only when the catalog
 *                   gave a SHA-1: it always means "checked against the catalog".
 *   NAME.sha256     the same for the catalog's SHA-256
 *   NAME.sha1-local the catalog gave no checksum: only the size was checked.
 *                   The SHA-1 computed locally at download, in sha1sum(1)
 *                   format, so `fw verify` can spot later damage; never
 *                   taken for the catalog's. The mtime is when it was checked.
 *   NAME.part       a partial download, resumed with HTTP Range
 *   NAME.lock       the lock file (flock) of whoever works on NAME right now
 * A file has either catalog sums or a local one, never both; none at all
 * means it was never checked (put there by hand). fw_cache_checked() is the
 * one reader of this record; fw_cache_record() the one writer.
 * The folder may be shared by a group: every file in it is opened without
 * following links (a link, FIFO or hard-linked file at one of these names is
 * refused, and the message says so), temp files are created exclusively
 * under unpredictable names, and only files ibench itself opened are removed.
 * Last use of a complete file is its access time (or its mtime when later):
 * ibench sets the access time when it serves the file from the cache
 * (fw_cache_touch), so pruning can go by least recent use, and leaves the
 * mtime alone: a file modified after its sidecars is no longer "checked".
 *
 * Locking: a download holds NAME.lock exclusively for its whole run; verify
 * and prune take it exclusively without waiting and skip a busy file; a
 * reader that must keep a file from being pruned (a restore) holds it shared.
 * An exclusive holder removes the lock file before it lets go, and every
 * taker checks after flock() that the lock file it holds is still the one at
 * the path (else it tries again), so removing lock files is safe.
 * These functions block on the file system only (no network, no loop). */
#ifndef IBENCH_FW_CACHE_H
#define IBENCH_FW_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "fw_cache_list.h"

enum {
    FW_CACHE_ERR = -1,   /* a file-system error (err says which) */
    FW_CACHE_BUSY = -2,  /* someone else holds the lock */
};

/* Reads the folder (a missing folder is an empty cache). Expected sizes come
 * from the catalogs cached under the state folder. Sorted by product, build. */
int fw_cache_scan(const struct config *c, struct fw_cache_list *out, char *err, size_t errlen);

/* Removes one entry (the file and its sidecars) if its lock can be had now. */
int fw_cache_remove(const struct config *c, const struct fw_cache_entry *e, char *err, size_t errlen);

/* Takes NAME.lock for the IPSW at `path`: exclusive or shared, never waits.
 * Returns the lock fd, FW_CACHE_BUSY, or FW_CACHE_ERR with err (and errno:
 * ELOOP or EMLINK when a link or other planted file is refused). */
int fw_cache_lock(const char *path, bool exclusive, char *err, size_t errlen);
/* Lets go of a lock; an exclusive holder removes the lock file first. */
void fw_cache_unlock(int fd, const char *path, bool exclusive);
/* Whether someone holds NAME.lock now (without creating it). */
bool fw_cache_is_locked(const char *path);

/* Records how the IPSW at `path` was checked: the catalog's sha1 and sha256
 * it matched (each "" when the catalog gave none), or, when it gave neither,
 * local_sha1 computed here. Each sidecar is written atomically; the ones not
 * given are removed. 0, or -1 with errno. */
int fw_cache_record(const char *path, const char *sha1, const char *sha256, const char *local_sha1);
/* How the IPSW at `path` was checked, from its sidecars (a link or unreadable
 * sidecar counts as absent). */
void fw_cache_checked(const char *path, struct fw_cache_verified *out);
/* Whether `path` lies inside the configured cache folder. */
bool fw_cache_holds(const struct config *c, const char *path);
/* Marks the IPSW at `path` as used now (its access time). */
void fw_cache_touch(const char *path);

/* Hashes the file at `path` (SHA-1, and SHA-256 when want_sha256) reading it
 * in large blocks; progress(ctx, done, total) about every 64 MB. Blocks for as
 * long as reading the file takes: run it off the loop. */
typedef void (*fw_cache_progress_cb)(void *ctx, int64_t done, int64_t total);
int fw_cache_hash_file(const char *path, bool want_sha256, char sha1[41], char sha256[65],
                       fw_cache_progress_cb progress, void *ctx, char *err, size_t errlen);

#endif
