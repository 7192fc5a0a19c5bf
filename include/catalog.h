/* Firmware catalog: the ipsw.me API v4 (or a mirror of it). Answers are kept
 * on disk with their fetch time so the bench works offline; a `signed` flag
 * older than the configured age is marked stale, because Apple stops signing. */
#ifndef IBENCH_CATALOG_H
#define IBENCH_CATALOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

#define CATALOG_MAX 256

struct firmware {
    char identifier[32], version[32], build[32];
    char sha1[41], sha256[65], md5[33];
    int64_t size;
    char url[512];
    char released[32];
    bool is_signed;
};

struct catalog {
    char product[32];
    int n;
    struct firmware fw[CATALOG_MAX];
    time_t fetched;      /* when the answer came from the server */
    bool from_cache;     /* served from disk (offline or server error) */
    bool stale;          /* older than catalog_max_age: signed flags may be wrong */
    char note[256];      /* why the cache was used */
};

/* Parses one /v4/device/{identifier} answer. 0, or -1 with a reason. Pure. */
int catalog_parse(const char *json, size_t len, struct catalog *cat, char *err, size_t errlen);
/* Fetches (or falls back to the on-disk copy) for a product type. */
int catalog_load(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen);
/* Only the on-disk copy of the last good answer (no network). */
int catalog_load_cached(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen);
/* Index of the newest firmware by release date, -1 if none. */
int catalog_newest(const struct catalog *cat);
/* The cache file name for a firmware: <cache>/<Product>_<version>_<build>_Restore.ipsw */
void catalog_cache_path(const struct config *c, const struct firmware *f, char *out, size_t n);

#endif
