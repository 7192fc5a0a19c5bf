/* IPSW extraction off the caller's thread. A lead thread opens the archive,
 * resolves patterns to entries and refuses the whole job if any chosen entry
 * is hostile (before anything is written); then workers, each with its own
 * libzip handle (libzip handles are not thread-safe), take entries largest
 * first. Output goes through a descriptor of the output folder: folders are
 * opened with O_NOFOLLOW one segment at a time, files are created O_EXCL under
 * a temporary name and renamed into place only after the size matched the
 * central directory and libzip verified the CRC at the end of the entry. */
#include "ipsw_archive.h"
#include "ipsw_extract.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#define X_BUF (4u << 20)          /* per worker: few syscalls, few libzip calls */
#define X_MAX_THREADS 16
#define X_PROGRESS_NS 100000000L  /* at most ten progress calls a second */

struct x_item {
    zip_uint64_t index;
    char *name;
    long long size;
    int is_dir;
    mode_t mode;
    time_t mtime;
};

struct ipsw_extract {
    struct ipsw_extract_opts o;
    char *archive, *out_dir, **patterns, behavior[16];
    pthread_t lead;
    int lead_started, out_fd;
    int use_tmpfile;                  /* O_TMPFILE works here and /proc can name it */
    struct x_item *items;
    int nitems;
    atomic_int next, stop, files_done;
    atomic_llong done;
    long long total;
    pthread_mutex_t lock;             /* result, progress calls */
    struct timespec last_progress;
    struct ipsw_extract_result res;
};

struct x_worker {
    struct ipsw_extract *job;
    int id;
    zip_t *z;                         /* NULL: the worker opens its own */
    pthread_t thread;
    char dir[4096];                   /* folder of the last file, relative to the output */
    int dir_fd;                       /* its descriptor (kept: many files share a folder) */
};

static void x_fail(struct ipsw_extract *j, int status, const char *fmt, ...)
{
    pthread_mutex_lock(&j->lock);
    if (j->res.status == IPSW_X_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->res.err, sizeof j->res.err, fmt, ap);
        va_end(ap);
        j->res.status = status;
    }
    atomic_store(&j->stop, 1);
    pthread_mutex_unlock(&j->lock);
}

static int x_stopped(struct ipsw_extract *j)
{
    if (atomic_load(&j->stop)) return 1;
    if (j->o.cancel && atomic_load(j->o.cancel)) {
        x_fail(j, IPSW_X_CANCELLED, "cancelled");
        return 1;
    }
    return 0;
}

static void x_progress(struct ipsw_extract *j, const char *entry, int force)
{
    if (!j->o.progress) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&j->lock);
    long ns = (now.tv_sec - j->last_progress.tv_sec) * 1000000000L + (now.tv_nsec - j->last_progress.tv_nsec);
    if (force || ns >= X_PROGRESS_NS) {
        j->last_progress = now;
        struct ipsw_progress p = {atomic_load(&j->done), j->total, atomic_load(&j->files_done), j->nitems, entry};
        j->o.progress(&p, j->o.user);
    }
    pthread_mutex_unlock(&j->lock);
}

/* The transport's failure is a network error; anything else from libzip means
 * the archive itself is damaged. */
static int x_read_status(struct ipsw_extract *j)
{
    return j->o.xfer && atomic_load(&j->o.xfer->failed) ? IPSW_X_NETWORK : IPSW_X_INTEGRITY;
}

static const char *x_zip_reason(struct ipsw_extract *j, int code)
{
    if (j->o.xfer && atomic_load(&j->o.xfer->failed)) return j->o.xfer->err;
    switch (code) {
    case ZIP_ER_CRC: return "CRC mismatch: the data is damaged";
    case ZIP_ER_INCONS: return "inconsistent with the central directory (damaged or forged)";
    case ZIP_ER_READ: case ZIP_ER_EOF: case ZIP_ER_SEEK: return "cannot be read: the archive is truncated or unreadable";
    case ZIP_ER_COMPNOTSUPP: return "compression method not supported";
    case ZIP_ER_ENCRNOTSUPP: case ZIP_ER_NOPASSWD: return "encrypted";
    default: return "damaged";
    }
}

/* ---- planning (lead thread) ------------------------------------------- */

static int x_add(struct ipsw_extract *j, zip_t *z, zip_uint64_t idx, char *selected)
{
    selected[idx] = 1;
    return 0;
}

/* Checks one chosen entry; refuses anything that is not a plain file or
 * folder with a name that stays inside the output folder. */
static int x_vet(struct ipsw_extract *j, zip_t *z, zip_uint64_t idx, struct x_item *it)
{
    zip_stat_t st;
    zip_stat_init(&st);
    const char *name = zip_get_name(z, idx, ZIP_FL_ENC_RAW);
    if (!name || zip_stat_index(z, idx, ZIP_FL_ENC_RAW, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
        x_fail(j, IPSW_X_INTEGRITY, "entry #%llu: unreadable directory record", (unsigned long long)idx);
        return -1;
    }
    char shown[200];
    size_t k = 0;
    for (const char *p = name; *p && k < sizeof shown - 5; p++) shown[k++] = (unsigned char)*p < 0x20 ? '?' : *p;
    shown[k] = 0;
    size_t len = strlen(name);
    int is_dir = len > 0 && name[len - 1] == '/';
    char base[4096];
    if (len >= 1024) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: name too long", shown);
        return -1;
    }
    memcpy(base, name, len + 1);
    if (is_dir) base[len - 1] = 0;
    if (!ipsw_name_is_safe(base) || strstr(base, "//")) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: unsafe entry name (absolute, '..', backslash, control character or not UTF-8 text)", shown);
        return -1;
    }
    for (const char *p = base; *p;) {
        const char *s = strchr(p, '/');
        size_t seg = s ? (size_t)(s - p) : strlen(p);
        if (seg > 255) {
            x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a path segment is too long", shown);
            return -1;
        }
        p += seg + (s ? 1 : 0);
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attr = 0;
    mode_t mode = 0;
    if (zip_file_get_external_attributes(z, idx, 0, &opsys, &attr) == 0 && opsys == ZIP_OPSYS_UNIX)
        mode = (mode_t)(attr >> 16);
    if (S_ISLNK(mode)) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a symbolic link", shown);
        return -1;
    }
    if ((mode & S_IFMT) && !S_ISREG(mode) && !S_ISDIR(mode)) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a device or special file", shown);
        return -1;
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: encrypted", shown);
        return -1;
    }
    if (st.size > (zip_uint64_t)1 << 50) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: refused: implausible size %llu", shown, (unsigned long long)st.size);
        return -1;
    }
    it->index = idx;
    it->name = strdup(base);
    it->size = is_dir ? 0 : (long long)st.size;
    it->is_dir = is_dir || S_ISDIR(mode);
    it->mode = (mode & 0111) ? 0755 : 0644;
    it->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
    return it->name ? 0 : -1;
}

static int x_cmp_size(const void *a, const void *b)
{
    const struct x_item *x = a, *y = b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

static int x_identity_chosen(const struct ipsw_extract *j, const struct ipsw_identity *id, const int *fits, int i)
{
    if (j->o.have_device && !fits[i]) return 0;
    return !j->behavior[0] || strcasecmp(id->behavior, j->behavior) == 0;
}

static int x_plan(struct ipsw_extract *j, zip_t *z)
{
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: cannot list entries", j->archive);
        return -1;
    }
    char *selected = calloc((size_t)n + 1, 1);
    struct ipsw_manifest *m = NULL;
    int rc = -1, fits[IPSW_MAX_IDENTITIES] = {0};
    if (!selected) goto out;
    if (j->o.npatterns == 0 && !j->o.have_device) {
        memset(selected, 1, (size_t)n);
    } else {
        int missing = 0;
        char err[400];
        m = malloc(sizeof *m);
        if (!m) goto out;
        int have_m = ipsw_read_zip(z, j->archive, m, &missing, err, sizeof err) == 0;
        if (!have_m && j->o.have_device) {
            x_fail(j, x_read_status(j), "%s", x_read_status(j) == IPSW_X_NETWORK ? j->o.xfer->err : err);
            goto out;
        }
        if (have_m && j->o.have_device) {
            char why[400];
            if (ipsw_match(m, j->o.product_type, j->o.cpid, j->o.bdid, fits, why, sizeof why) == 0) {
                x_fail(j, IPSW_X_NOFIT, "does not fit: %s", why);
                goto out;
            }
        }
        if (have_m && j->behavior[0]) {
            int any = 0;
            for (int i = 0; i < m->nidentities; i++) any |= x_identity_chosen(j, &m->identities[i], fits, i);
            if (!any) {
                x_fail(j, j->o.have_device ? IPSW_X_NOFIT : IPSW_X_NOMATCH, "no %s identity%s in %s", j->behavior, j->o.have_device ? " fits the device" : "",
                       j->archive);
                goto out;
            }
        }
        /* With a device and no patterns: everything its identities name. */
        const char *all = "*";
        const char *const *pats = j->o.npatterns ? (const char *const *)j->patterns : &all;
        int npats = j->o.npatterns ? j->o.npatterns : 1;
        for (int p = 0; p < npats; p++) {
            int matched = 0;
            for (int i = 0; have_m && i < m->nidentities; i++) {
                const struct ipsw_identity *id = &m->identities[i];
                if (!x_identity_chosen(j, id, fits, i)) continue;
                for (int c = 0; c < id->ncomponents; c++) {
                    if (j->o.npatterns && strcasecmp(id->components[c].name, pats[p]) != 0) continue;
                    zip_int64_t e = zip_name_locate(z, id->components[c].path, 0);
                    if (e < 0) {
                        x_fail(j, IPSW_X_INTEGRITY, "%s: the manifest names %s for %s, but the archive has no such entry",
                               j->archive, id->components[c].path, id->components[c].name);
                        goto out;
                    }
                    x_add(j, z, (zip_uint64_t)e, selected);
                    matched++;
                }
            }
            if (!matched && j->o.npatterns) {
                for (zip_int64_t e = 0; e < n; e++) {
                    const char *name = zip_get_name(z, (zip_uint64_t)e, ZIP_FL_ENC_RAW);
                    if (name && fnmatch(pats[p], name, 0) == 0) {
                        x_add(j, z, (zip_uint64_t)e, selected);
                        matched++;
                    }
                }
            }
            if (!matched) {
                x_fail(j, IPSW_X_NOMATCH, "%s: nothing matches '%s' (neither a component name%s nor an entry)", j->archive,
                       pats[p], j->o.have_device ? " for this device" : "");
                goto out;
            }
        }
    }
    int count = 0;
    for (zip_int64_t e = 0; e < n; e++) count += selected[e];
    j->items = calloc((size_t)count + 1, sizeof *j->items);
    if (!j->items) goto out;
    for (zip_int64_t e = 0; e < n; e++) {
        if (!selected[e]) continue;
        if (x_vet(j, z, (zip_uint64_t)e, &j->items[j->nitems]) < 0) goto out;
        j->total += j->items[j->nitems].size;
        j->nitems++;
    }
    qsort(j->items, (size_t)j->nitems, sizeof *j->items, x_cmp_size);
    rc = 0;
out:
    if (rc < 0 && j->res.status == IPSW_X_OK) x_fail(j, IPSW_X_ENVIRONMENT, "out of memory");
    free(m);
    free(selected);
    return rc;
}

/* ---- output ------------------------------------------------------------ */


/* Opens (creating as needed) the folders of name below the output folder,
 * never following a symlink. Returns a descriptor and the last segment. */
static int x_open_parent(struct ipsw_extract *j, const char *name, int whole, const char **last)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", name);
    int fd = dup(j->out_fd);
    char *seg = path;
    for (;;) {
        char *slash = strchr(seg, '/');
        if (!slash && !whole) break;
        if (slash) *slash = 0;
        if (fd < 0) return -1;
        int nfd = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0 && errno == ENOENT) {
            if (mkdirat(fd, seg, 0755) < 0 && errno != EEXIST) {
                int e = errno;
                x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot create folder: %s", name, strerror(e));
                close(fd);
                return -1;
            }
            nfd = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (nfd < 0) {
            int e = errno;
            x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot open folder '%s' in the output (%s; a symlink or file is in the way?)",
                   name, seg, strerror(e));
            close(fd);
            return -1;
        }
        close(fd);
        fd = nfd;
        if (!slash) break;
        seg = slash + 1;
    }
    *last = name + (seg - path);
    return fd;
}

static int x_write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The descriptor of the folder a file goes into, reusing the last one. */
static int x_parent(struct x_worker *w, const char *name, const char **last)
{
    const char *slash = strrchr(name, '/');
    size_t n = slash ? (size_t)(slash - name) : 0;
    *last = slash ? slash + 1 : name;
    if (w->dir_fd >= 0 && strlen(w->dir) == n && strncmp(w->dir, name, n) == 0) return w->dir_fd;
    if (w->dir_fd >= 0) close(w->dir_fd);
    w->dir_fd = -1;
    const char *l;
    int fd = x_open_parent(w->job, name, 0, &l);
    if (fd < 0) return -1;
    snprintf(w->dir, sizeof w->dir, "%.*s", (int)n, name);
    return w->dir_fd = fd;
}

static int x_one(struct x_worker *w, const struct x_item *it, char *buf, unsigned *seq)
{
    struct ipsw_extract *j = w->job;
    const char *last;
    if (it->is_dir) {
        int fd = x_open_parent(j, it->name, 1, &last);
        if (fd >= 0) close(fd);
        return fd < 0 ? -1 : 0;
    }
    int dfd = x_parent(w, it->name, &last);
    if (dfd < 0) return -1;
    x_progress(j, it->name, 0);
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".ibench-%ld-%d-%u.part", (long)getpid(), w->id, (*seq)++);
    /* Preferably a file with no name at all until it is complete: nothing to
     * clean up after a cancel, a failure or even a crash, and one directory
     * operation instead of two when it is linked into place. */
    int anon = 0, fd = -1;
    if (j->use_tmpfile) {
        fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, it->mode);
        anon = fd >= 0;
    }
    if (!anon) {
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, it->mode);
    }
    if (anon) tmp[0] = 0;
    if (fd < 0) {
        int e = errno;
        x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot create: %s", it->name, strerror(e));
        return -1;
    }
    int rc = -1;
    zip_file_t *zf = zip_fopen_index(w->z, it->index, 0);
    if (!zf) {
        zip_error_t *ze = zip_get_error(w->z);
        x_fail(j, x_read_status(j), "%s: %s (%s)", it->name, x_zip_reason(j, zip_error_code_zip(ze)), zip_error_strerror(ze));
        goto out;
    }
    long long got = 0;
    for (;;) {
        if (x_stopped(j)) goto out;
        zip_int64_t n = zip_fread(zf, buf, X_BUF);
        if (n < 0) {
            zip_error_t *ze = zip_file_get_error(zf);
            x_fail(j, x_read_status(j), "%s: %s (%s)", it->name, x_zip_reason(j, zip_error_code_zip(ze)), zip_error_strerror(ze));
            goto out;
        }
        if (n == 0) break;
        if (got + n > it->size) {
            x_fail(j, IPSW_X_INTEGRITY, "%s: lying size: more data than the %lld bytes the central directory states",
                   it->name, it->size);
            goto out;
        }
        if (x_write_all(fd, buf, (size_t)n) < 0) {
            int e = errno;
            if (e == ENOSPC || e == EDQUOT) x_fail(j, IPSW_X_ENVIRONMENT, "%s: disk full (%s)", it->name, strerror(e));
            else x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot write: %s", it->name, strerror(e));
            goto out;
        }
        got += n;
        atomic_fetch_add(&j->done, n);
        x_progress(j, it->name, 0);
    }
    if (got != it->size) {
        x_fail(j, IPSW_X_INTEGRITY, "%s: truncated: %lld of the %lld bytes the central directory states", it->name, got,
               it->size);
        goto out;
    }
    if (it->mtime > 0) {
        struct timespec ts[2] = {{it->mtime, 0}, {it->mtime, 0}};
        futimens(fd, ts);
    }
    if (x_stopped(j)) goto out;
    if (anon) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, dfd, last, AT_SYMLINK_FOLLOW) == 0) goto placed;
        if (errno != EEXIST) {
            int e = errno;
            x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
            goto out;
        }
        /* Something is at that name: link under the temporary name, then
         * replace it (a symlink there is replaced, never followed). */
        snprintf(tmp, sizeof tmp, ".ibench-%ld-%d-%u.part", (long)getpid(), w->id, (*seq)++);
        if (linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) < 0) {
            int e = errno;
            tmp[0] = 0;
            x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
            goto out;
        }
    }
    if (renameat(dfd, tmp, dfd, last) < 0) {
        int e = errno;
        x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
        goto out;
    }
placed:
    tmp[0] = 0;
    {
        int cfd = fd;
        fd = -1;
        if (close(cfd) < 0) {
            int e = errno;
            x_fail(j, IPSW_X_ENVIRONMENT, "%s: %s%s", it->name, e == ENOSPC || e == EDQUOT ? "disk full: " : "cannot write: ",
                   strerror(e));
            unlinkat(dfd, last, 0);
            goto out;
        }
    }
    atomic_fetch_add(&j->files_done, 1);
    rc = 0;
out:
    if (zf) zip_fclose(zf);
    if (fd >= 0) close(fd);
    if (tmp[0]) unlinkat(dfd, tmp, 0);
    return rc;
}

static void *x_worker_main(void *arg)
{
    struct x_worker *w = arg;
    struct ipsw_extract *j = w->job;
    char err[500];
    zip_t *own = NULL;
    if (!w->z) {
        own = ipsw_open(j->archive, 0, j->o.xfer, err, sizeof err);
        if (!own) {
            x_fail(j, x_read_status(j), "%s", err);
            return NULL;
        }
        w->z = own;
    }
    char *buf = malloc(X_BUF);
    if (!buf) x_fail(j, IPSW_X_ENVIRONMENT, "out of memory");
    unsigned seq = 0;
    while (buf && !x_stopped(j)) {
        int i = atomic_fetch_add(&j->next, 1);
        if (i >= j->nitems) break;
        if (x_one(w, &j->items[i], buf, &seq) < 0) break;
    }
    free(buf);
    if (w->dir_fd >= 0) close(w->dir_fd);
    if (own) zip_discard(own);
    return NULL;
}

static void *x_lead(void *arg)
{
    struct ipsw_extract *j = arg;
    char err[500];
    zip_t *z = ipsw_open(j->archive, 0, j->o.xfer, err, sizeof err);
    if (!z) {
        x_fail(j, x_read_status(j), "%s", err);
        return NULL;
    }
    if (x_plan(j, z) < 0) goto out;
    if (mkdir_p(j->out_dir) < 0 || (j->out_fd = open(j->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        int e = errno;
        x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot use as output folder: %s", j->out_dir, strerror(e));
        goto out;
    }
    int probe = openat(j->out_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (probe >= 0) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", probe);
        j->use_tmpfile = access(proc, F_OK) == 0;
        close(probe);
    }
    int nt = j->o.threads;
    if (nt <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        /* A remote archive is one connection's worth of reading per handle;
         * more handles would each fetch the central directory again. */
        nt = ipsw_is_url(j->archive) ? 1 : cpus >= 2 ? 2 : 1;
    }
    if (nt > X_MAX_THREADS) nt = X_MAX_THREADS;
    if (nt > j->nitems) nt = j->nitems > 0 ? j->nitems : 1;
    struct x_worker w[X_MAX_THREADS];
    int started = 1;
    w[0] = (struct x_worker){.job = j, .id = 0, .z = z, .dir_fd = -1};
    for (int i = 1; i < nt; i++) {
        w[i] = (struct x_worker){.job = j, .id = i, .dir_fd = -1};
        if (pthread_create(&w[i].thread, NULL, x_worker_main, &w[i]) != 0) break;
        started++;
    }
    x_progress(j, "", 1);
    x_worker_main(&w[0]);
    for (int i = 1; i < started; i++) pthread_join(w[i].thread, NULL);
    if (j->res.status == IPSW_X_OK) x_progress(j, "", 1);
out:
    zip_discard(z);
    return NULL;
}

int ipsw_extract_start(const struct ipsw_extract_opts *o, struct ipsw_extract **job, char *err, size_t errlen)
{
    struct ipsw_extract *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    j->o = *o;
    j->out_fd = -1;
    j->archive = strdup(o->archive ? o->archive : "");
    j->out_dir = strdup(o->out_dir && *o->out_dir ? o->out_dir : ".");
    j->patterns = calloc((size_t)(o->npatterns > 0 ? o->npatterns : 1), sizeof *j->patterns);
    int okmem = j->archive && j->out_dir && j->patterns;
    for (int i = 0; okmem && i < o->npatterns; i++) okmem = (j->patterns[i] = strdup(o->patterns[i])) != NULL;
    if (o->behavior) snprintf(j->behavior, sizeof j->behavior, "%s", o->behavior);
    pthread_mutex_init(&j->lock, NULL);
    if (okmem && pthread_create(&j->lead, NULL, x_lead, j) == 0) j->lead_started = 1;
    if (!j->lead_started) {
        snprintf(err, errlen, okmem ? "cannot start a worker thread" : "out of memory");
        struct ipsw_extract_result r;
        ipsw_extract_finish(j, &r);
        return -1;
    }
    *job = j;
    return 0;
}

int ipsw_extract_finish(struct ipsw_extract *j, struct ipsw_extract_result *res)
{
    if (j->lead_started) pthread_join(j->lead, NULL);
    *res = j->res;
    res->files = atomic_load(&j->files_done);
    res->bytes = atomic_load(&j->done);
    if (res->status == IPSW_X_OK && j->o.cancel && atomic_load(j->o.cancel)) {
        res->status = IPSW_X_CANCELLED;
        snprintf(res->err, sizeof res->err, "cancelled");
    }
    if (j->out_fd >= 0) close(j->out_fd);
    for (int i = 0; i < j->nitems; i++) free(j->items[i].name);
    free(j->items);
    for (int i = 0; j->patterns && i < j->o.npatterns; i++) free(j->patterns[i]);
    free(j->patterns);
    free(j->archive);
    free(j->out_dir);
    pthread_mutex_destroy(&j->lock);
    free(j);
    return res->status;
}

int ipsw_extract_run(const struct ipsw_extract_opts *o, struct ipsw_extract_result *res)
{
    struct ipsw_extract *j;
    memset(res, 0, sizeof *res);
    if (ipsw_extract_start(o, &j, res->err, sizeof res->err) < 0) {
        res->status = IPSW_X_ENVIRONMENT;
        return res->status;
    }
    return ipsw_extract_finish(j, res);
}
