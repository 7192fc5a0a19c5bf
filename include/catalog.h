/* Firmware catalog fetches: the ipsw.me API v4 (or a mirror of it). Answers
 * are kept on disk with their fetch time so the bench works offline; a
 * `signed` flag older than the configured age is marked stale, because Apple
 * stops signing. Both loads block (network, disk): run them on the pool or
 * from the command line. The records and the parser are catalog_parse.h. */
#ifndef IBENCH_CATALOG_H
#define IBENCH_CATALOG_H
#include "catalog_parse.h"

/* Fetches (or falls back to the on-disk copy) for a product type. */
/* GET <api><what> (e.g. "/v4/devices"), at most max bytes, under the
 * catalog's timeouts and low-speed limit. 0 with *data (NUL-terminated,
 * the caller frees) and *len, or -1 with err. Blocks. */
int catalog_get(const struct config *c, const char *what, size_t max, char **data, size_t *len, char *err, size_t errlen);
int catalog_load(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen);
/* Only the on-disk copy of the last good answer (no network). */
int catalog_load_cached(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen);

/* When the on-disk copy was fetched (its mtime): 0, or -1 when none ever was. */
int catalog_cached_at(const struct config *c, const char *product, time_t *when);

#endif
