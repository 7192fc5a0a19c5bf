/* The restore engine (idevicerestore or a compatible program): where it is,
 * which version, what that version can do, and the command line ibench gives
 * it. The engine is always run non-interactive and ECID-targeted. */
#ifndef IBENCH_ENGINE_H
#define IBENCH_ENGINE_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct engine_info {
    char path[PATH_MAX];
    char version[96];          /* as printed, sanitized; "" if unreadable */
    int major, minor, patch;   /* -1 when unknown */
    int max_ios_major;         /* newest iOS it can restore; 0 = no known limit */
    int old_irecovery;         /* links a libirecovery that crashes with two Recovery/DFU devices */
};

/* Finds the engine (configured path, else idevicerestore on PATH) and reads
 * its version. 0, or -1 with a reason. */
int engine_detect(const struct config *c, struct engine_info *e, char *err, size_t errlen);
/* 0 if this engine can restore iOS `version` ("17.5.1"), else -1 and why. */
int engine_can_restore(const struct engine_info *e, const char *version, char *why, size_t n);
/* argv for one restore; returns argc. Strings point into bufs (>= 2 x 24 bytes). */
int engine_argv(const struct engine_info *e, uint64_t ecid, int erase, const char *cache_dir, const char *ipsw,
                char ecid_buf[24], const char *argv[12]);
int find_on_path(const char *name, char *out, size_t n);

#endif
