/* Small file-system helpers shared by every writer of state: the catalog
 * cache, checksum sidecars, job records. */
#ifndef IBENCH_FSUTIL_H
#define IBENCH_FSUTIL_H
#include <stddef.h>

/* Creates path and its missing parents (0755). 0, or -1 with errno. */
int mkdir_p(const char *path);

/* Replaces path with data so that readers (and a crash) see either the old
 * file or the whole new one: a temp file beside it, fsync, then rename.
 * 0, or -1 with errno, and nothing left behind. */
int write_file_atomic(const char *path, const void *data, size_t len);

#endif
