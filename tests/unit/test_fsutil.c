/* mkdir_p and write_file_atomic: parents made, existing folders fine, a file
 * in the way refused; a replaced file is whole, a failed write leaves nothing. */
#include <dirent.h>
#include <errno.h>
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

int main(void)
{
    snprintf(top, sizeof top, "/tmp/ibench-fsutil.XXXXXX");
    if (tap_scratch_make(top) < 0) return 1;
    RUN(mkdir_p_makes_parents_and_accepts_existing);
    RUN(mkdir_p_refuses_a_file_in_the_way);
    RUN(write_file_atomic_replaces_whole_and_leaves_no_temp);
    RUN(write_file_atomic_fails_cleanly);
    tap_scratch_remove(top);
    return TAP_DONE();
}
