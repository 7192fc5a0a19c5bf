/* The firmware cache and catalogs for the command line (see
 * firmware_cache.h): blocking calls into catalog.c and fw_cache.c, and the
 * verification of one cached file. */
#include "firmware_cache.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "catalog.h"
#include "fw_cache.h"

int firmware_catalog_load(const struct config *c, const char *product, struct catalog *cat, char *err, size_t n)
{
    return catalog_load(c, product, cat, err, n);
}

bool firmware_is_cached(const struct config *c, const struct firmware *f)
{
    char path[PATH_MAX + 128];
    catalog_cache_path(c, f, path, sizeof path);
    return access(path, R_OK) == 0;
}

int firmware_cache_list(const struct config *c, struct fw_cache_list *l, char *err, size_t n)
{
    return fw_cache_scan(c, l, err, n);
}

bool firmware_cache_owns(const struct config *c, const char *file)
{
    char rp[PATH_MAX], dir[PATH_MAX];
    if (!realpath(file, rp) || !realpath(c->cache_dir, dir)) return false;
    size_t len = strlen(dir);
    return strncmp(rp, dir, len) == 0 && rp[len] == '/';
}

enum firmware_verify firmware_cache_verify(const struct config *c, const struct fw_cache_entry *e,
                                           void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                                           char *detail, size_t n)
{
    char path[PATH_MAX + 300], err[PATH_MAX + 100];
    snprintf(path, sizeof path, "%s/%s", c->cache_dir, e->name);
    if (!e->sha1[0] && !e->sha256[0]) {
        snprintf(detail, n, "no checksum recorded and none in the cached catalog");
        return FIRMWARE_VERIFY_SKIPPED;
    }
    int fd = fw_cache_lock(path, true, err, sizeof err);
    if (fd < 0) { snprintf(detail, n, "%s", err); return FIRMWARE_VERIFY_SKIPPED; }
    char h1[41], h256[65];
    bool want256 = e->sha256[0] != 0;
    int rc = fw_cache_hash_file(path, want256, h1, h256, progress, ctx, err, sizeof err);
    enum firmware_verify res = FIRMWARE_VERIFY_OK;
    detail[0] = 0;
    if (rc < 0) {
        snprintf(detail, n, "%s", err);
        res = FIRMWARE_VERIFY_SKIPPED;
    } else if (e->total > 0 && e->size != e->total) {
        snprintf(detail, n, "%lld bytes, expected %lld", (long long)e->size, (long long)e->total);
    } else if (e->sha1[0] && strcasecmp(h1, e->sha1) != 0) {
        snprintf(detail, n, "SHA-1 %s, expected %s", h1, e->sha1);
    } else if (want256 && strcasecmp(h256, e->sha256) != 0) {
        snprintf(detail, n, "SHA-256 %s, expected %s", h256, e->sha256);
    }
    if (rc == 0 && detail[0]) {
        res = FIRMWARE_VERIFY_CORRUPT;
        static const char *const ext[] = {"", ".sha1", ".sha256"};
        for (size_t i = 0; i < 3; i++) {
            char f[PATH_MAX + 320];
            snprintf(f, sizeof f, "%s%s", path, ext[i]);
            unlink(f);
        }
    } else if (rc == 0) {
        /* Rewriting the sidecars records when it was verified (their mtime). */
        fw_cache_write_sums(path, h1, want256 ? h256 : "");
        snprintf(detail, n, "SHA-1%s", want256 ? ", SHA-256" : "");
    }
    fw_cache_unlock(fd, path, true);
    return res;
}

int firmware_cache_remove(const struct config *c, const struct fw_cache_entry *e, char *err, size_t n)
{
    return fw_cache_remove(c, e, err, n);
}
