/* The firmware cache as data (pure core): one entry per IPSW (complete or
 * partial) as fw_cache_scan() lists it, the name shape of the files, sizes a
 * technician types, and which entries a prune removes. The folder itself
 * (scan, locks, sidecars, hashing) is fw_cache.h. */
#ifndef IBENCH_FW_CACHE_LIST_H
#define IBENCH_FW_CACHE_LIST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How a complete cache file was checked, as its sidecars record it (fw_cache.h). */
enum fw_cache_check {
    FW_CHECK_NONE,      /* nothing recorded: put there by hand, or never checked */
    FW_CHECK_SIZE,      /* the catalog had no checksum: only its size was checked */
    FW_CHECK_CATALOG,   /* it matched the catalog's SHA-1 and/or SHA-256 */
};

struct fw_cache_verified {
    enum fw_cache_check how;
    char sha1[41], sha256[65];   /* FW_CHECK_CATALOG: the catalog's sums it matched ("" not given) */
    char local_sha1[41];         /* FW_CHECK_SIZE: SHA-1 computed locally at download, to spot later damage */
    time_t when;                 /* when last checked (download or `fw verify`), 0 never */
};

struct fw_cache_entry {
    char name[256];              /* the complete file's name (a partial's without ".part") */
    char product[32], version[32], build[32];
    bool partial;                /* NAME.part (no complete NAME beside it) */
    bool locked;                 /* someone holds NAME.lock now (downloading, verifying) */
    int64_t size;                /* bytes on disk */
    int64_t total;               /* expected size from the cached catalog, -1 unknown */
    time_t used;                 /* complete: last use (atime, or mtime if later); partial: last write */
    char sha1[41], sha256[65];   /* expected checksums: the recorded catalog sums, else the cached catalog's ("" none) */
    struct fw_cache_verified check; /* how it was checked (complete files) */
    bool prune;                  /* set by fw_cache_plan_prune */
};

struct fw_cache_list {
    struct fw_cache_entry *e;
    int n, cap;
    int64_t bytes;               /* all complete and partial files */
    int64_t free_bytes;          /* free space on the cache's file system, -1 unknown */
};

/* Pure: splits "<Product>_<version>_<build>_Restore.ipsw" (each part a safe
 * token: letters, digits, ",.-"). 0, or -1 when the name is not one of ours. */
int fw_cache_parse_name(const char *name, char product[32], char version[32], char build[32]);

/* Pure: "500M", "8G", "1.5T", "700MiB", "123456" (bytes; K M G T are powers
 * of 1000, KiB MiB GiB TiB of 1024). -1 when it is not a size. */
int64_t fw_cache_parse_size(const char *s);

void fw_cache_list_free(struct fw_cache_list *l);

/* Pure: marks what prune removes. Complete files last used more than
 * older_than_s ago (-1: no age limit), then, least recently used first,
 * complete files until the total is at most max_bytes (-1: no size limit);
 * partials not written for stale_partial_s. Never a locked entry. Returns how
 * many were marked and the bytes they free in *freed. */
int fw_cache_plan_prune(struct fw_cache_list *l, time_t now, int64_t older_than_s, int64_t max_bytes,
                        int64_t stale_partial_s, int64_t *freed);
#endif
