/* IPSW extraction off the caller's thread. A lead thread opens the archive
 * and has ipsw_extract_plan.c resolve patterns to entries, refusing the whole
 * job if any chosen entry is hostile (before anything is written); then
 * workers, each with its own libzip handle (libzip handles are not
 * thread-safe), take entries largest first. Output goes through a descriptor of the output folder: folders are
 * opened with O_NOFOLLOW one segment at a time, files are created O_EXCL under
 * a temporary name and renamed into place only after the size matched the
 * central directory and libzip verified the CRC at the end of the entry. */
#include "ipsw_archive.h"
#include "ipsw_extract.h"
#include "ipsw_extract_plan.h"
#include "ipsw_vet.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#define X_BUF (4u << 20)          /* per worker: few syscalls, few libzip calls */
#define X_MAX_THREADS 16
#define X_PROGRESS_NS 100000000L  /* at most ten progress calls a second */

struct x_worker {
    struct ipsw_extract *job;
    int id;
    zip_t *z;                         /* NULL: the worker opens its own */
    pthread_t thread;
    char dir[4096];                   /* folder of the last file, relative to the output */
    int dir_fd;                       /* its descriptor (kept: many files share a folder) */
};

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
                ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot create folder: %s", name, strerror(e));
                close(fd);
                return -1;
            }
            nfd = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (nfd < 0) {
            int e = errno;
            ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot open folder '%s' in the output (%s; a symlink or file is in the way?)",
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
        ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot create: %s", it->name, strerror(e));
        return -1;
    }
    int rc = -1;
    zip_file_t *zf = zip_fopen_index(w->z, it->index, 0);
    if (!zf) {
        zip_error_t *ze = zip_get_error(w->z);
        ipsw_x_fail(j, ipsw_x_read_status(j), "%s: %s (%s)", it->name, x_zip_reason(j, zip_error_code_zip(ze)), zip_error_strerror(ze));
        goto out;
    }
    long long got = 0;
    for (;;) {
        if (ipsw_x_stopped(j)) goto out;
        zip_int64_t n = zip_fread(zf, buf, X_BUF);
        if (n < 0) {
            zip_error_t *ze = zip_file_get_error(zf);
            ipsw_x_fail(j, ipsw_x_read_status(j), "%s: %s (%s)", it->name, x_zip_reason(j, zip_error_code_zip(ze)), zip_error_strerror(ze));
            goto out;
        }
        if (n == 0) break;
        if (got + n > it->size) {
            ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: lying size: more data than the %lld bytes the central directory states",
                   it->name, it->size);
            goto out;
        }
        if (x_write_all(fd, buf, (size_t)n) < 0) {
            int e = errno;
            if (e == ENOSPC || e == EDQUOT) ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: disk full (%s)", it->name, strerror(e));
            else ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot write: %s", it->name, strerror(e));
            goto out;
        }
        got += n;
        atomic_fetch_add(&j->done, n);
        x_progress(j, it->name, 0);
    }
    if (got != it->size) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: truncated: %lld of the %lld bytes the central directory states", it->name, got,
               it->size);
        goto out;
    }
    if (it->mtime > 0) {
        struct timespec ts[2] = {{it->mtime, 0}, {it->mtime, 0}};
        futimens(fd, ts);
    }
    if (ipsw_x_stopped(j)) goto out;
    if (anon) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, dfd, last, AT_SYMLINK_FOLLOW) == 0) goto placed;
        if (errno != EEXIST) {
            int e = errno;
            ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
            goto out;
        }
        /* Something is at that name: link under the temporary name, then
         * replace it (a symlink there is replaced, never followed). */
        snprintf(tmp, sizeof tmp, ".ibench-%ld-%d-%u.part", (long)getpid(), w->id, (*seq)++);
        if (linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW) < 0) {
            int e = errno;
            tmp[0] = 0;
            ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
            goto out;
        }
    }
    if (renameat(dfd, tmp, dfd, last) < 0) {
        int e = errno;
        ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot put into place: %s", it->name, strerror(e));
        goto out;
    }
placed:
    tmp[0] = 0;
    {
        int cfd = fd;
        fd = -1;
        if (close(cfd) < 0) {
            int e = errno;
            ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: %s%s", it->name, e == ENOSPC || e == EDQUOT ? "disk full: " : "cannot write: ",
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
            ipsw_x_fail(j, ipsw_x_read_status(j), "%s", err);
            return NULL;
        }
        w->z = own;
    }
    char *buf = malloc(X_BUF);
    if (!buf) ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "out of memory");
    unsigned seq = 0;
    while (buf && !ipsw_x_stopped(j)) {
        int i = atomic_fetch_add(&j->next, 1);
        if (i >= j->nitems) break;
        if (x_one(w, &j->items[i], buf, &seq) < 0) break;
    }
    free(buf);
    if (w->dir_fd >= 0) close(w->dir_fd);
    if (own) zip_discard(own);
    return NULL;
}

/* Whether what the plan will write fits on the output's file system, asked
 * of the output folder or, before it exists, of its nearest existing parent:
 * nothing is written when it cannot all fit. */
static int x_room(struct ipsw_extract *j)
{
    char dir[4096];
    struct statvfs vfs;
    snprintf(dir, sizeof dir, "%s", j->out_dir);
    while (statvfs(dir, &vfs) != 0) {
        if (!strcmp(dir, ".") || !strcmp(dir, "/")) return 0;   /* cannot tell: a full disk is still caught while writing */
        char *slash = strrchr(dir, '/');
        if (!slash) snprintf(dir, sizeof dir, ".");
        else if (slash == dir) dir[1] = 0;
        else *slash = 0;
    }
    double avail = (double)vfs.f_bavail * (double)vfs.f_frsize;
    if ((double)j->total <= avail) return 0;
    ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: not enough space: the entries to extract declare %.1f MB, %.1f MB are free; "
                "nothing was written", j->out_dir, j->total / 1e6, avail / 1e6);
    return -1;
}

static void *x_lead(void *arg)
{
    struct ipsw_extract *j = arg;
    char err[500];
    zip_t *z = NULL;
    if (ipsw_vet(j->archive, j->o.xfer, err, sizeof err) < 0 || !(z = ipsw_open(j->archive, 1, j->o.xfer, err, sizeof err))) {
        ipsw_x_fail(j, ipsw_x_read_status(j), "%s", err);
        return NULL;
    }
    if (ipsw_x_plan(j, z) < 0 || x_room(j) < 0) goto out;
    if (mkdir_p(j->out_dir) < 0 || (j->out_fd = open(j->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        int e = errno;
        ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "%s: cannot use as output folder: %s", j->out_dir, strerror(e));
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
