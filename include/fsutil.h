/* Small file-system helpers shared by every writer of state: the catalog
 * cache, checksum sidecars, job records. */
#ifndef IBENCH_FSUTIL_H
#define IBENCH_FSUTIL_H
#include <stddef.h>

/* Creates path and its missing parents (0755). 0, or -1 with errno. */
int mkdir_p(const char *path);

/* Replaces path with data so that readers (and a crash) see either the old
 * file or the whole new one: a temp file beside it (<path>.tmp.<pid>.<salt>,
 * created with O_EXCL|O_NOFOLLOW: a link or file planted at that name is
 * never followed, truncated or removed; another name is tried), fsync, then
 * rename (which replaces a link at path, never follows it).
 * 0, or -1 with errno, and nothing left behind. */
int write_file_atomic(const char *path, const void *data, size_t len);

/* Opens (creating, 0644) a lock file without following a link: a link or
 * anything but a regular file at path is refused (-1, errno ELOOP), so a
 * link planted in a shared cache or state folder cannot make ibench create
 * or lock a file elsewhere. The descriptor is O_CLOEXEC. */
int fsutil_open_lock(const char *path);
/* Opens (creating with mode when flags has O_CREAT) a file in a shared
 * folder the way fsutil_open_lock does: never through a link, never a FIFO
 * or device (-1, errno ELOOP), and, to write, never a file with a second
 * hard link (-1, errno EMLINK: it may be someone else's file linked in).
 * O_CLOEXEC. */
int fsutil_open_regular(const char *path, int flags, int mode);
/* Removes path only when it is still the file open as fd (same inode): a
 * name replaced in between by someone else is left alone. 0, or -1 (errno). */
int fsutil_unlink_same(const char *path, int fd);
/* strerror(e), with ELOOP and EMLINK said plainly (what fsutil_open_regular refuses). */
const char *fsutil_strerror(int e);

#endif
