/* The restore engine (idevicerestore or a compatible program): where it is,
 * which version, what that version can do, and the command line ibench gives
 * it. The engine is always run non-interactive and ECID-targeted. */
#ifndef IBENCH_ENGINE_H
#define IBENCH_ENGINE_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "engine_version.h"

#define ENGINE_PROBE_MS 5000     /* `-v` and `--help` each: an engine that hangs is killed */
#define ENGINE_ARGV_MAX 14

/* Finds the engine (configured path, else idevicerestore on PATH), reads its
 * version (`-v`) and its options (`--help`), each probe killed after
 * ENGINE_PROBE_MS, and judges what it can restore. 0, or -1 with a reason
 * (only when there is no engine; an unreadable one is ENGINE_UNKNOWN, a slow
 * one has timed_out set). Safe from any thread; blocks up to 2 x
 * ENGINE_PROBE_MS, so never call it on the loop thread where a front end waits. */
int engine_detect(const struct config *c, struct engine_info *e, char *err, size_t errlen);

/* One restore's command line: ECID-targeted, non-interactive, plain progress,
 * a private cache folder and, where the engine has --logfile, its own log. */
struct engine_run {
    uint64_t ecid;
    int erase;
    const char *ipsw;
    const char *cache_dir;     /* -C; NULL: none */
    const char *logfile;       /* --logfile= when the engine lists it; NULL: none */
};
/* argv for one restore; returns argc. Strings point into the buffers. */
int engine_argv(const struct engine_info *e, const struct engine_run *r, char ecid_buf[24], char log_buf[PATH_MAX + 16],
                const char *argv[ENGINE_ARGV_MAX]);
int find_on_path(const char *name, char *out, size_t n);

#endif
