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
    bool by_catalog = e->sha1[0] || e->sha256[0];
    const char *local = e->check.how == FW_CHECK_SIZE ? e->check.local_sha1 : "";
    if (!by_catalog && !local[0]) {
        snprintf(detail, n, "no catalog checksum to compare against, and nothing was recorded at download");
        return FIRMWARE_VERIFY_SKIPPED;
    }
    int fd = fw_cache_lock(path, true, err, sizeof err);
    if (fd < 0) { snprintf(detail, n, "%s", err); return FIRMWARE_VERIFY_SKIPPED; }
    char h1[41], h256[65];
    bool want256 = e->sha256[0] != 0;
    int rc = fw_cache_hash_file(path, want256, h1, h256, progress, ctx, err, sizeof err);
    enum firmware_verify res = by_catalog ? FIRMWARE_VERIFY_OK : FIRMWARE_VERIFY_SIZE_ONLY;
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
    } else if (!by_catalog && strcasecmp(h1, local) != 0) {
        snprintf(detail, n, "SHA-1 %s, but %s when it was downloaded (computed locally): damaged since", h1, local);
    }
    if (rc == 0 && detail[0]) {
        res = FIRMWARE_VERIFY_CORRUPT;
        static const char *const ext[] = {"", ".sha1", ".sha256", ".sha1-local"};
        for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
            char f[PATH_MAX + 320];
            snprintf(f, sizeof f, "%s%s", path, ext[i]);
            unlink(f); /* never follows a link; held under our lock */
        }
    } else if (rc == 0 && by_catalog) {
        /* Rewriting the record says when it last matched (the sidecars' mtime). */
        fw_cache_record(path, e->sha1[0] ? h1 : "", want256 ? h256 : "", "");
        snprintf(detail, n, "%s", e->sha1[0] ? (want256 ? "SHA-1, SHA-256" : "SHA-1") : "SHA-256");
    } else if (rc == 0) {
        fw_cache_record(path, "", "", h1);
        snprintf(detail, n, "no catalog checksum to compare against: only the size was checked at download; "
                 "unchanged since (SHA-1 computed locally)");
    }
    fw_cache_unlock(fd, path, true);
    return res;
}

int firmware_cache_remove(const struct config *c, const struct fw_cache_entry *e, char *err, size_t n)
{
    return fw_cache_remove(c, e, err, n);
}
