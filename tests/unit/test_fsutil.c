/* mkdir_p, write_file_atomic and the openers for shared folders: parents
 * made, existing folders fine, a file in the way refused; a replaced file is
 * whole, a failed write leaves nothing; planted links are never followed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "tap.h"

static char top[64];

static int is_dir(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISDIR(st.st_mode); }

static int entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
    if (d) closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = 0;
    return buf;
}

TEST(mkdir_p_makes_parents_and_accepts_existing)
{
    char p[128];
    snprintf(p, sizeof p, "%s/a/b/c", top);
    CHECK_INT(mkdir_p(p), 0);
    CHECK(is_dir(p));
    CHECK_INT(mkdir_p(p), 0);            /* already there: fine */
    snprintf(p, sizeof p, "%s/a/b/c/", top);
    CHECK_INT(mkdir_p(p), 0);            /* a trailing slash too */
}

TEST(mkdir_p_refuses_a_file_in_the_way)
{
    char f[128], p[160];
    snprintf(f, sizeof f, "%s/plain", top);
    FILE *fp = fopen(f, "w");
    if (fp) fclose(fp);
    snprintf(p, sizeof p, "%s/sub", f);
    errno = 0;
    CHECK_INT(mkdir_p(p), -1);
    CHECK_INT(errno, ENOTDIR);
}

TEST(write_file_atomic_replaces_whole_and_leaves_no_temp)
{
    char d[128], p[160];
    snprintf(d, sizeof d, "%s/w", top);
    CHECK_INT(mkdir_p(d), 0);
    snprintf(p, sizeof p, "%s/file", d);
    CHECK_INT(write_file_atomic(p, "first version\n", 14), 0);
    CHECK_STR(slurp(p), "first version\n");
    CHECK_INT(write_file_atomic(p, "2nd", 3), 0);
    CHECK_STR(slurp(p), "2nd");
    CHECK_INT(entries(d), 1);
    CHECK_INT(write_file_atomic(p, "", 0), 0);   /* empty is a valid content */
    CHECK_STR(slurp(p), "");
}

TEST(write_file_atomic_fails_cleanly)
{
    char p[160], d[128];
    snprintf(p, sizeof p, "%s/missing/file", top);
    errno = 0;
    CHECK_INT(write_file_atomic(p, "x", 1), -1);
    CHECK_INT(errno, ENOENT);
    /* The target is a folder: rename fails, the temp file is removed. */
    snprintf(d, sizeof d, "%s/dir", top);
    CHECK_INT(mkdir_p(d), 0);
    CHECK_INT(write_file_atomic(d, "x", 1), -1);
    CHECK(is_dir(d));
    CHECK_INT(entries(top), 4);                  /* a, plain, w, dir: no temp file */
}

/* A link planted in a shared folder at the temp name write_file_atomic
 * used before (<file>.tmp.<pid>, opened with O_TRUNC) was followed: the
 * target outside was truncated and overwritten. Now every temp file is
 * created exclusively without following links; the link and its target
 * stay as they were, and a link at the destination is replaced, not followed. */
TEST(write_file_atomic_never_follows_a_planted_link)
{
    char d[128], p[160], link[200], outside[160], dest_out[160];
    snprintf(d, sizeof d, "%s/shared", top);
    CHECK_INT(mkdir_p(d), 0);
    snprintf(outside, sizeof outside, "%s/outside", top);
    FILE *f = fopen(outside, "w");
    fputs("precious", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/catalog.json", d);
    snprintf(link, sizeof link, "%s.tmp.%d", p, (int)getpid());
    CHECK(symlink(outside, link) == 0);
    CHECK_INT(write_file_atomic(p, "new text", 8), 0);
    CHECK_STR(slurp(outside), "precious");
    CHECK_STR(slurp(p), "new text");
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));       /* left alone */
    CHECK_INT(entries(d), 2);                                    /* the file and the planted link: no temp */
    snprintf(dest_out, sizeof dest_out, "%s/outside2", top);
    f = fopen(dest_out, "w");
    fputs("precious too", f);
    fclose(f);
    char p2[200];
    snprintf(p2, sizeof p2, "%s/job.json", d);
    CHECK(symlink(dest_out, p2) == 0);
    CHECK_INT(write_file_atomic(p2, "{}", 2), 0);
    CHECK(lstat(p2, &st) == 0 && S_ISREG(st.st_mode));
    CHECK_STR(slurp(dest_out), "precious too");
}

TEST(lock_files_are_never_links)
{
    char lk[160], outside[160];
    snprintf(outside, sizeof outside, "%s/not-there", top);
    snprintf(lk, sizeof lk, "%s/build.ipsw.lock", top);
    CHECK(symlink(outside, lk) == 0);
    errno = 0;
    CHECK_INT(fsutil_open_lock(lk), -1);
    CHECK_INT(errno, ELOOP);
    CHECK(strstr(fsutil_strerror(ELOOP), "symbolic link") != NULL);
    struct stat st;
    CHECK(lstat(outside, &st) < 0);                              /* nothing created through the link */
    snprintf(lk, sizeof lk, "%s/fifo.lock", top);
    CHECK(mkfifo(lk, 0644) == 0);
    CHECK_INT(fsutil_open_lock(lk), -1);                         /* not a regular file */
    snprintf(lk, sizeof lk, "%s/plain.lock", top);
    int fd = fsutil_open_lock(lk);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
}

/* A partial download or sidecar in a shared cache: a link or FIFO is never
 * opened, a hard-linked file is never written (it may be someone else's
 * file linked in); and a name is removed only while it is still ours. */
TEST(open_regular_and_unlink_same)
{
    char out[160], p[160], q[160];
    snprintf(out, sizeof out, "%s/elsewhere", top);
    FILE *f = fopen(out, "w");
    fputs("precious", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/x.ipsw.part", top);
    CHECK(symlink(out, p) == 0);
    errno = 0;
    CHECK_INT(fsutil_open_regular(p, O_RDWR | O_CREAT, 0644), -1);
    CHECK_INT(errno, ELOOP);
    unlink(p);
    CHECK(link(out, p) == 0);
    errno = 0;
    CHECK_INT(fsutil_open_regular(p, O_RDWR | O_CREAT, 0644), -1);
    CHECK_INT(errno, EMLINK);
    CHECK(strstr(fsutil_strerror(EMLINK), "hard link") != NULL);
    int rd = fsutil_open_regular(p, O_RDONLY, 0);   /* reading a hard-linked file harms nothing */
    CHECK(rd >= 0);
    if (rd >= 0) close(rd);
    CHECK_STR(slurp(out), "precious");
    unlink(p);
    snprintf(q, sizeof q, "%s/y.fifo", top);
    CHECK(mkfifo(q, 0644) == 0);
    CHECK_INT(fsutil_open_regular(q, O_RDONLY, 0), -1);   /* and it does not hang */
    int fd = fsutil_open_regular(p, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK(rename(out, p) == 0);                            /* someone swapped the name */
    errno = 0;
    CHECK_INT(fsutil_unlink_same(p, fd), -1);
    CHECK_STR(slurp(p), "precious");                        /* theirs stays */
    unlink(p);
    close(fd);
    fd = fsutil_open_regular(p, O_RDWR | O_CREAT, 0644);
    CHECK_INT(fsutil_unlink_same(p, fd), 0);
    CHECK(access(p, F_OK) < 0);
    if (fd >= 0) close(fd);
}

int main(void)
{
    snprintf(top, sizeof top, "/tmp/ibench-fsutil.XXXXXX");
    if (tap_scratch_make(top) < 0) return 1;
    RUN(mkdir_p_makes_parents_and_accepts_existing);
    RUN(mkdir_p_refuses_a_file_in_the_way);
    RUN(write_file_atomic_replaces_whole_and_leaves_no_temp);
    RUN(write_file_atomic_fails_cleanly);
    RUN(write_file_atomic_never_follows_a_planted_link);
    RUN(lock_files_are_never_links);
    RUN(open_regular_and_unlink_same);
    tap_scratch_remove(top);
    return TAP_DONE();
}
