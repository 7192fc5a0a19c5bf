/* The firmware cache folder: listing, lock files, checksum sidecars and
 * hashing (the name shape and the prune plan are the pure fw_cache_list.c). File names in the folder are outside input too (anyone
 * may drop a file there): only names of our own shape are considered. */
#include "fw_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "catalog.h"
#include "sanitize.h"
#include "fsutil.h"

/* ---- lock files ---- */

static void lock_path(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s.lock", path);
}

int fw_cache_lock(const char *path, bool exclusive, char *err, size_t errlen)
{
    char lp[PATH_MAX + 8];
    lock_path(path, lp, sizeof lp);
    for (int tries = 0; tries < 8; tries++) {
        int fd = fsutil_open_lock(lp);   /* never through a link planted in a shared cache */
        if (fd < 0) {
            int e = errno;
            snprintf(err, errlen, "%s the lock file %s: %s", e == ELOOP || e == EMLINK ? "refusing" : "cannot create", lp,
                     fsutil_strerror(e));
            errno = e;
            return FW_CACHE_ERR;
        }
        if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK) { snprintf(err, errlen, "in use by another ibench"); return FW_CACHE_BUSY; }
            snprintf(err, errlen, "cannot lock %s: %s", lp, strerror(e));
            return FW_CACHE_ERR;
        }
        /* The previous holder may have removed the file between our open and
         * flock: then we hold a lock nobody else can see; take the new one. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && lstat(lp, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return fd;
        close(fd);
    }
    snprintf(err, errlen, "the lock file %s keeps changing", lp);
    return FW_CACHE_ERR;
}

void fw_cache_unlock(int fd, const char *path, bool exclusive)
{
    if (fd < 0) return;
    if (exclusive) {
        char lp[PATH_MAX + 8];
        lock_path(path, lp, sizeof lp);
        fsutil_unlink_same(lp, fd); /* only the lock file we hold */
    }
    close(fd); /* drops the flock */
}

bool fw_cache_is_locked(const char *path)
{
    char lp[PATH_MAX + 8];
    lock_path(path, lp, sizeof lp);
    int fd = fsutil_open_regular(lp, O_RDONLY, 0);
    if (fd < 0) return false;
    bool busy = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd); /* never unlinks: we only looked */
    return busy;
}

/* ---- sidecars: how a file was checked ---- */

static const char *const SIDECAR_SHA1 = ".sha1", *const SIDECAR_SHA256 = ".sha256", *const SIDECAR_LOCAL = ".sha1-local";

/* Writes one sidecar ("hex  name"), or removes it when hex is "". */
static int put_sum(const char *path, const char *ext, const char *hex)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char side[PATH_MAX + 16], text[PATH_MAX + 100];
    snprintf(side, sizeof side, "%s%s", path, ext);
    if (!hex || !hex[0]) return unlink(side) < 0 && errno != ENOENT ? -1 : 0; /* unlink never follows a link */
    snprintf(text, sizeof text, "%s  %s\n", hex, base);
    return write_file_atomic(side, text, strlen(text));
}

int fw_cache_record(const char *path, const char *sha1, const char *sha256, const char *local_sha1)
{
    int by_catalog = (sha1 && sha1[0]) || (sha256 && sha256[0]);
    int rc = put_sum(path, SIDECAR_SHA1, sha1);
    if (put_sum(path, SIDECAR_SHA256, sha256) < 0) rc = -1;
    if (put_sum(path, SIDECAR_LOCAL, by_catalog ? "" : local_sha1) < 0) rc = -1;
    return rc;
}

/* Reads a sha1sum-format sidecar: `want` hex digits, two spaces, a name.
 * Never through a link: a sidecar planted as a link to some other file's
 * checksum must not make a file look checked. */
static int read_sum(const char *path, size_t want, char *out, time_t *mtime)
{
    out[0] = 0;
    int fd = fsutil_open_regular(path, O_RDONLY, 0);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return -1;
    }
    char line[512];
    struct stat st;
    int ok = fgets(line, sizeof line, f) != NULL && fstat(fileno(f), &st) == 0;
    fclose(f);
    if (!ok || strlen(line) < want + 1 || line[want] != ' ') return -1;
    for (size_t i = 0; i < want; i++) {
        char ch = line[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) return -1;
    }
    memcpy(out, line, want);
    out[want] = 0;
    if (mtime) *mtime = st.st_mtime;
    return 0;
}

void fw_cache_checked(const char *path, struct fw_cache_verified *out)
{
    char side[PATH_MAX + 16];
    time_t t1 = 0, t256 = 0, tl = 0;
    memset(out, 0, sizeof *out);
    snprintf(side, sizeof side, "%s%s", path, SIDECAR_SHA1);
    read_sum(side, 40, out->sha1, &t1);
    snprintf(side, sizeof side, "%s%s", path, SIDECAR_SHA256);
    read_sum(side, 64, out->sha256, &t256);
    if (out->sha1[0] || out->sha256[0]) {
        out->how = FW_CHECK_CATALOG;
        out->when = t1 > t256 ? t1 : t256;
        return;
    }
    snprintf(side, sizeof side, "%s%s", path, SIDECAR_LOCAL);
    if (read_sum(side, 40, out->local_sha1, &tl) == 0) {
        out->how = FW_CHECK_SIZE;
        out->when = tl;
    }
}

void fw_cache_touch(const char *path)
{
    /* The access time only: the modification time must keep saying whether
     * the file changed since its sidecars were written. */
    const struct timespec ts[2] = {{.tv_nsec = UTIME_NOW}, {.tv_nsec = UTIME_OMIT}};
    utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

bool fw_cache_holds(const struct config *c, const char *path)
{
    size_t n = strlen(c->cache_dir);
    return n && !strncmp(path, c->cache_dir, n) && path[n] == '/';
}

/* ---- hashing ---- */

int fw_cache_hash_file(const char *path, bool want_sha256, char sha1[41], char sha256[65],
                       fw_cache_progress_cb progress, void *ctx, char *err, size_t errlen)
{
    enum { BLOCK = 4 << 20 };
    int fd = fsutil_open_regular(path, O_RDONLY, 0);
    if (fd < 0) { snprintf(err, errlen, "cannot open %s: %s", path, fsutil_strerror(errno)); return -1; }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct stat st;
    unsigned char *buf = malloc(BLOCK);
    EVP_MD_CTX *h1 = EVP_MD_CTX_new(), *h2 = EVP_MD_CTX_new();
    int rc = -1;
    if (fstat(fd, &st) < 0 || !buf || !h1 || !h2 || EVP_DigestInit_ex(h1, EVP_sha1(), NULL) != 1 ||
        EVP_DigestInit_ex(h2, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "cannot start hashing %s", path);
        goto out;
    }
    int64_t done = 0, next_report = 0;
    for (;;) {
        ssize_t n = read(fd, buf, BLOCK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno)); goto out; }
        if (n == 0) break;
        EVP_DigestUpdate(h1, buf, (size_t)n);
        if (want_sha256) EVP_DigestUpdate(h2, buf, (size_t)n);
        done += n;
        if (progress && done >= next_report) { progress(ctx, done, st.st_size); next_report = done + (64 << 20); }
    }
    if (progress) progress(ctx, done, st.st_size);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len;
    EVP_DigestFinal_ex(h1, md, &len);
    hex_encode(sha1, 41, md, len);
    EVP_DigestFinal_ex(h2, md, &len);
    if (want_sha256) hex_encode(sha256, 65, md, len);
    else sha256[0] = 0;
    rc = 0;
out:
    EVP_MD_CTX_free(h1);
    EVP_MD_CTX_free(h2);
    free(buf);
    close(fd);
    return rc;
}

/* ---- listing ---- */

static int add(struct fw_cache_list *l, const struct fw_cache_entry *e)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        if (cap > 100000) return -1;
        struct fw_cache_entry *p = realloc(l->e, (size_t)cap * sizeof *p);
        if (!p) return -1;
        l->e = p;
        l->cap = cap;
    }
    l->e[l->n++] = *e;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    const struct fw_cache_entry *x = a, *y = b;
    int r = strcmp(x->product, y->product);
    if (!r) r = strcmp(x->build, y->build);
    return r ? r : (int)x->partial - (int)y->partial;
}

/* Expected size and checksums from the cached catalog of the product. */
static void from_catalog(const struct config *c, struct catalog *cat, struct fw_cache_entry *e)
{
    char err[256];
    if (!cat) return;
    if (strcmp(cat->product, e->product) != 0 && catalog_load_cached(c, e->product, cat, err, sizeof err) < 0) {
        snprintf(cat->product, sizeof cat->product, "%s", e->product); /* remembered as absent */
        cat->n = 0;
    }
    for (int i = 0; i < cat->n; i++) {
        if (strcmp(cat->fw[i].build, e->build) || strcmp(cat->fw[i].identifier, e->product)) continue;
        e->total = cat->fw[i].size;
        if (!cat->fw[i].sha1[0] && !cat->fw[i].sha256[0] && e->check.how == FW_CHECK_CATALOG && !e->check.sha256[0]) {
            /* Older ibench wrote the SHA-1 it computed as NAME.sha1 even when
             * the catalog had none: that was a size check only. */
            e->check.how = FW_CHECK_SIZE;
            snprintf(e->check.local_sha1, sizeof e->check.local_sha1, "%s", e->check.sha1);
            e->check.sha1[0] = e->sha1[0] = 0;
        }
        if (!e->sha1[0]) snprintf(e->sha1, sizeof e->sha1, "%s", cat->fw[i].sha1);
        if (!e->sha256[0]) snprintf(e->sha256, sizeof e->sha256, "%s", cat->fw[i].sha256);
        return;
    }
}

int fw_cache_scan(const struct config *c, struct fw_cache_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->free_bytes = -1;
    DIR *d = opendir(c->cache_dir);
    if (!d) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot read the cache folder %s: %s", c->cache_dir, strerror(errno));
        return -1;
    }
    struct statvfs vfs;
    if (statvfs(c->cache_dir, &vfs) == 0) out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    struct dirent *de;
    int rc = 0;
    struct catalog *cat = calloc(1, sizeof *cat); /* the last product looked up, reused while entries repeat it */
    while ((de = readdir(d))) {
        char name[256];
        size_t len = strlen(de->d_name);
        bool partial = len > 5 && strcmp(de->d_name + len - 5, ".part") == 0;
        if (len >= sizeof name) continue;
        snprintf(name, sizeof name, "%.*s", (int)(partial ? len - 5 : len), de->d_name);
        struct fw_cache_entry e;
        memset(&e, 0, sizeof e);
        if (fw_cache_parse_name(name, e.product, e.version, e.build) < 0) continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", c->cache_dir, de->d_name);
        struct stat st;
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) continue;
        snprintf(path, sizeof path, "%s/%s", c->cache_dir, name);
        if (partial && access(path, F_OK) == 0) continue; /* a leftover beside a complete file */
        snprintf(e.name, sizeof e.name, "%s", name);
        e.partial = partial;
        e.size = st.st_size;
        e.used = st.st_atime > st.st_mtime ? st.st_atime : st.st_mtime;   /* see fw_cache_touch */
        e.total = -1;
        e.locked = fw_cache_is_locked(path);
        if (!partial) {
            fw_cache_checked(path, &e.check);
            snprintf(e.sha1, sizeof e.sha1, "%s", e.check.sha1);
            snprintf(e.sha256, sizeof e.sha256, "%s", e.check.sha256);
        }
        from_catalog(c, cat, &e);
        if (!partial && e.total < 0) e.total = e.size;
        out->bytes += e.size;
        if (add(out, &e) < 0) { snprintf(err, errlen, "out of memory listing the cache"); rc = -1; break; }
    }
    closedir(d);
    free(cat);
    if (out->n) qsort(out->e, (size_t)out->n, sizeof *out->e, by_name);
    return rc;
}

int fw_cache_remove(const struct config *c, const struct fw_cache_entry *e, char *err, size_t errlen)
{
    char path[PATH_MAX + 300], f[PATH_MAX + 320];
    snprintf(path, sizeof path, "%s/%s", c->cache_dir, e->name);
    int fd = fw_cache_lock(path, true, err, errlen);
    if (fd < 0) return fd;
    int rc = 0;
    static const char *const ext[] = {".part", ".sha1", ".sha256", ".sha1-local", ""};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        if (e->partial && strcmp(ext[i], ".part") != 0) continue; /* only the partial itself */
        snprintf(f, sizeof f, "%s%s", path, ext[i]);
        if (unlink(f) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s: %s", f, strerror(errno));
            rc = FW_CACHE_ERR;
        }
    }
    fw_cache_unlock(fd, path, true);
    return rc;
}
