/* The firmware catalog as data (pure core): the records of the ipsw.me API v4
 * (or a mirror of it), its parser, and choosing a build. The fetch and the
 * copy on disk are catalog.h (sources). */
#ifndef IBENCH_CATALOG_PARSE_H
#define IBENCH_CATALOG_PARSE_H
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

/* About 205 KB: allocate it, never on a stack or as a static. */
struct catalog {
    char product[32];
    int n;
    struct firmware fw[CATALOG_MAX];
    time_t fetched;      /* when the answer came from the server */
    bool from_cache;     /* served from disk (offline or server error) */
    bool stale;          /* older than catalog_max_age: signed flags may be wrong */
    char note[256];      /* why the cache was used */
};

/* Parses one /v4/device/{identifier} answer. 0, or -1 with a reason. */
int catalog_parse(const char *json, size_t len, struct catalog *cat, char *err, size_t errlen);
/* Whether s is a safe token (letters, digits, ",.-"): it may become a file name. */
int catalog_is_token(const char *s);
/* Index of the newest firmware by release date, -1 if none. */
int catalog_newest(const struct catalog *cat);
/* The firmware a technician means by VERSION, BUILD or "latest" (the newest
 * signed one); -1 if none. */
int catalog_pick(const struct catalog *cat, const char *want);
/* The cache file name for a firmware: <cache>/<Product>_<version>_<build>_Restore.ipsw */
void catalog_cache_path(const struct config *c, const struct firmware *f, char *out, size_t n);

#endif
