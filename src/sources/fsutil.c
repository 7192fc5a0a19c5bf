/* File-system helpers (see fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) { errno = ENAMETOOLONG; return -1; }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int fsutil_open_regular(const char *path, int flags, int mode)
{
    /* O_NONBLOCK: opening a FIFO planted at the name must not hang. */
    int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode);
    if (fd < 0) return -1;
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) < 0) e = errno;
    else if (!S_ISREG(st.st_mode)) e = ELOOP;
    else if (st.st_nlink > 1 && (flags & O_ACCMODE) != O_RDONLY) e = EMLINK; /* reading one harms nothing */
    if (!e && !(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) e = errno;
    if (e) { close(fd); errno = e; return -1; }
    return fd;
}

int fsutil_open_lock(const char *path)
{
    return fsutil_open_regular(path, O_RDWR | O_CREAT | O_NONBLOCK, 0644);
}

int fsutil_unlink_same(const char *path, int fd)
{
    struct stat a, b;
    if (fstat(fd, &a) < 0 || lstat(path, &b) < 0) return -1;
    if (a.st_ino != b.st_ino || a.st_dev != b.st_dev) { errno = ESTALE; return -1; }
    return unlink(path);
}

const char *fsutil_strerror(int e)
{
    if (e == ELOOP) return "a symbolic link or not a regular file (not followed; remove it)";
    if (e == EMLINK) return "a file with more than one hard link (not written; remove it)";
    return strerror(e);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
    char tmp[PATH_MAX + 48];
    int fd = -1;
    /* A new file that no one else can have prepared: created exclusively,
     * never through a link; a name already taken (a leftover, or a link
     * planted in a shared folder) is left alone and the next name tried. */
    static unsigned seq;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    for (int tries = 0; fd < 0 && tries < 16; tries++) {
        unsigned salt = (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)&tmp ^ (__atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED) * 2654435761u);
        if (snprintf(tmp, sizeof tmp, "%s.tmp.%d.%08x", path, (int)getpid(), salt) >= (int)sizeof tmp) { errno = ENAMETOOLONG; return -1; }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) return -1;
    }
    if (fd < 0) return -1;
    const char *p = data;
    size_t left = len;
    int ok = 1;
    while (ok && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { ok = 0; if (w == 0) errno = EIO; break; }
        p += w;
        left -= (size_t)w;
    }
    if (ok && fsync(fd) < 0) ok = 0;
    int saved = errno;
    if (close(fd) < 0 && ok) { ok = 0; saved = errno; }
    if (ok && rename(tmp, path) < 0) { ok = 0; saved = errno; }
    if (!ok) { unlink(tmp); errno = saved; return -1; }
    return 0;
}
