/* The firmware cache and catalogs for the command line (`ibench fw`): each
 * call blocks on the network or the file system for as long as it takes, so
 * only the command line (or a pool task) calls them. The console reaches the
 * same things through firmware.h without blocking. */
#ifndef IBENCH_FIRMWARE_CACHE_H
#define IBENCH_FIRMWARE_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog_parse.h"
#include "config.h"
#include "fw_cache_list.h"

/* The catalog of a product type: fetched, else the copy on disk (cat->from_cache,
 * cat->note say so). 0, or -1 with err. */
int firmware_catalog_load(const struct config *c, const char *product, struct catalog *cat, char *err, size_t n);
/* Whether f is complete in the cache now. */
bool firmware_is_cached(const struct config *c, const struct firmware *f);

/* The cache folder's entries (a missing folder is an empty cache). 0, or -1 with err. */
int firmware_cache_list(const struct config *c, struct fw_cache_list *l, char *err, size_t n);
/* Whether `file` (a path) is a file inside the cache folder, symlinks resolved. */
bool firmware_cache_owns(const struct config *c, const char *file);

enum firmware_verify {
    FIRMWARE_VERIFY_OK,        /* matches its recorded checksums (detail: which) */
    FIRMWARE_VERIFY_CORRUPT,   /* does not match: deleted with its sidecars (detail: why) */
    FIRMWARE_VERIFY_SKIPPED,   /* could not be checked: no checksum, in use, unreadable (detail: why) */
    FIRMWARE_VERIFY_SIZE_ONLY, /* the catalog has no checksum: unchanged since its size was checked at
                                  download (the SHA-1 computed locally then), never "verified" */
};
/* Re-hashes one complete entry against the catalog's checksums (recorded,
 * else in the cached catalog), or, when the catalog has none, against the
 * SHA-1 computed locally at download (fw_cache.h), holding its lock. A
 * corrupt file can never be used and a fresh download needs the room: it is
 * deleted (`fw get` fetches it again). A good one's record is rewritten,
 * which says when it was last checked. progress(ctx, done, total)
 * about every 64 MB. */
enum firmware_verify firmware_cache_verify(const struct config *c, const struct fw_cache_entry *e,
                                           void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                                           char *detail, size_t n);
/* Removes one entry (the file and its sidecars) if its lock can be had now;
 * 0, or < 0 with err ("in use by another ibench" when someone holds it). */
int firmware_cache_remove(const struct config *c, const struct fw_cache_entry *e, char *err, size_t n);

#endif
