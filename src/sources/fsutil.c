/* File-system helpers (see fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

int write_file_atomic(const char *path, const void *data, size_t len)
{
    char tmp[PATH_MAX + 24];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) { errno = ENAMETOOLONG; return -1; }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
