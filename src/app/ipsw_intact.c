/* What is known about an IPSW's integrity (see ipsw_intact.h): a small
 * table of files whose CRCs were checked in this process, keyed by path,
 * size and mtime, so that a second device restoring the same file does not
 * read it all again; and the firmware cache's checksum record. */
#include "ipsw_intact.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fw_cache.h"

#define KNOWN_MAX 16

struct known { char path[PATH_MAX]; long long size; struct timespec mtime; };

static struct known known[KNOWN_MAX];
static int nknown, next_slot;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int same_time(struct timespec a, struct timespec b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

/* The firmware cache's word that path matched the catalog's checksum (a
 * size-only check does not count), and the file not modified since. */
static int catalog_checked(const struct config *c, const char *path, const struct stat *st)
{
    struct fw_cache_verified v;
    if (!c || !fw_cache_holds(c, path)) return 0;
    fw_cache_checked(path, &v);
    return v.how == FW_CHECK_CATALOG && st->st_mtim.tv_sec <= v.when;
}

static int crc_checked(const char *path, const struct stat *st)
{
    int hit = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nknown && !hit; i++)
        hit = !strcmp(known[i].path, path) && known[i].size == (long long)st->st_size && same_time(known[i].mtime, st->st_mtim);
    pthread_mutex_unlock(&lock);
    return hit;
}

enum ipsw_intact_how ipsw_intact_known(const struct config *c, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return IPSW_INTACT_UNKNOWN;
    if (crc_checked(path, &st)) return IPSW_INTACT_CRC;
    return catalog_checked(c, path, &st) ? IPSW_INTACT_CATALOG : IPSW_INTACT_UNKNOWN;
}

const char *ipsw_intact_words(enum ipsw_intact_how how)
{
    switch (how) {
    case IPSW_INTACT_CRC: return "every CRC checked";
    case IPSW_INTACT_CATALOG: return "checksum matched the catalog at download";
    default: return "not verified yet";
    }
}

int ipsw_intact_verify(const char *path, ipsw_verify_progress_fn progress, ipsw_verify_stop_fn stop, void *user,
                       char *err, size_t errlen)
{
    struct stat before, after;
    if (stat(path, &before) != 0 || strlen(path) >= PATH_MAX) {
        snprintf(err, errlen, "%s: cannot read", path);
        return IPSW_VERIFY_UNREADABLE;
    }
    if (crc_checked(path, &before)) {    /* another device's restore read it meanwhile */
        if (progress) progress(before.st_size, before.st_size, user);
        return IPSW_VERIFY_INTACT;
    }
    int rc = ipsw_verify(path, progress, stop, user, err, errlen);
    /* Remembered only if the file did not change while it was read. */
    if (rc != IPSW_VERIFY_INTACT || stat(path, &after) != 0 || after.st_size != before.st_size ||
        !same_time(after.st_mtim, before.st_mtim))
        return rc;
    pthread_mutex_lock(&lock);
    struct known *k = &known[next_slot];
    next_slot = (next_slot + 1) % KNOWN_MAX;
    if (nknown < KNOWN_MAX) nknown++;
    snprintf(k->path, sizeof k->path, "%s", path);
    k->size = (long long)before.st_size;
    k->mtime = before.st_mtim;
    pthread_mutex_unlock(&lock);
    return rc;
}
