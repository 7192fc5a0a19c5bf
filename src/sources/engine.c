/* Finding and sizing up the restore engine (see engine.h). */
#include "engine.h"
#include "sanitize.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int find_on_path(const char *name, char *out, size_t n)
{
    if (strchr(name, '/')) { snprintf(out, n, "%s", name); return access(out, X_OK); }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, n, "%s/%s", dir, name);
        if (access(out, X_OK) == 0) return 0;
    }
    return -1;
}

/* "idevicerestore 1.0.0" -> 1, 0, 0; also "1.0.0-git-abc". */
static void parse_version(struct engine_info *e)
{
    e->major = e->minor = e->patch = -1;
    const char *num = strpbrk(e->version, "0123456789");
    if (num && sscanf(num, "%d.%d.%d", &e->major, &e->minor, &e->patch) < 2) e->major = e->minor = e->patch = -1;
    if (e->patch < 0 && e->minor >= 0) e->patch = 0;
    /* 1.0.0 (2020) predates Cryptex support (iOS 16, 2022) and links
     * libirecovery 1.0.0, which crashes with two Recovery/DFU devices. */
    int old = e->major == 1 && e->minor == 0 && e->patch == 0;
    e->max_ios_major = old ? 15 : 0;
    e->old_irecovery = old;
}

int engine_detect(const struct config *c, struct engine_info *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    const char *name = c->engine[0] ? c->engine : "idevicerestore";
    if (find_on_path(name, e->path, sizeof e->path) < 0) {
        snprintf(err, errlen, "no restore engine: %s not found (install idevicerestore, or set --engine / IBENCH_ENGINE)", name);
        return -1;
    }
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "'%s' -v 2>&1", e->path);
    FILE *p = strchr(e->path, '\'') ? NULL : popen(cmd, "r");
    if (p) {
        if (!fgets(e->version, sizeof e->version, p)) e->version[0] = 0;
        pclose(p);
    }
    e->version[strcspn(e->version, "\r\n")] = 0;
    sanitize_inplace(e->version, sizeof e->version);
    parse_version(e);
    return 0;
}

int engine_can_restore(const struct engine_info *e, const char *version, char *why, size_t n)
{
    int major = atoi(version);
    if (e->max_ios_major && major > e->max_ios_major) {
        snprintf(why, n, "%s (%s) cannot restore iOS %s: it supports up to iOS %d; install a newer idevicerestore "
                 "(built with libirecovery >= 1.3, libimobiledevice >= 1.4) and point --engine at it",
                 e->path, e->version[0] ? e->version : "unknown version", version, e->max_ios_major);
        return -1;
    }
    return 0;
}

int engine_argv(const struct engine_info *e, uint64_t ecid, int erase, const char *cache_dir, const char *ipsw,
                char ecid_buf[24], const char *argv[12])
{
    int n = 0;
    snprintf(ecid_buf, 24, "0x%" PRIx64, ecid);
    argv[n++] = e->path;
    argv[n++] = "-i";
    argv[n++] = ecid_buf;
    argv[n++] = "-y";
    argv[n++] = "-P";
    if (erase) argv[n++] = "-e";
    argv[n++] = "-C";
    argv[n++] = cache_dir;
    argv[n++] = ipsw;
    argv[n] = NULL;
    return n;
}
