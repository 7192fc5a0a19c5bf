/* What a restore engine (idevicerestore) can do, read from what it prints:
 * its version line (`-v`) and its option list (`--help`). Pure: no process,
 * no file; the probe that runs the engine is engine.c (sources).
 *
 * Versions in the field:
 *   "idevicerestore 1.0.0"              Debian 12's 2020 release
 *   "idevicerestore 1.0.0-3+b1"         the same with a distribution suffix
 *   "idevicerestore 1.0.1"              Debian 13's 2024-07 snapshot
 *   "idevicerestore 1.0.0-213-g405fcd1" an upstream source build (git
 *                                       describe): current, NOT the 2020 1.0.0
 *   "idevicerestore 1.0.0+git20240705"  a dated snapshot: judged by its date
 * Options its --help lists (--server, --logfile, --variant, ...) tell a newer
 * engine from the 2020 release even when the version line is ambiguous. */
#ifndef IBENCH_ENGINE_VERSION_H
#define IBENCH_ENGINE_VERSION_H
#include <limits.h>
#include <stddef.h>

enum engine_kind {
    ENGINE_UNKNOWN = 0,     /* version unreadable: no known limit, but said so */
    ENGINE_2020,            /* the 1.0.0 release (2020): iOS 15 at most, models to iPhone12,8, libirecovery 1.0.0 */
    ENGINE_2024,            /* 1.0.1 / a 2024 snapshot: iOS 17 and 18.0, models to iPhone17,x */
    ENGINE_2022,            /* a 2022-06..2024-05 snapshot: iOS 16 and 17 */
    ENGINE_CURRENT,         /* an upstream source build or a newer release: no known limit */
};

enum engine_opt {
    ENGINE_OPT_SERVER = 1 << 0,          /* -s/--server URL (signing server) */
    ENGINE_OPT_LOGFILE = 1 << 1,         /* --logfile=PATH */
    ENGINE_OPT_VARIANT = 1 << 2,         /* --variant */
    ENGINE_OPT_IGNORE_ERRORS = 1 << 3,   /* --ignore-errors */
    ENGINE_OPT_PLAIN_PROGRESS = 1 << 4,  /* -P/--plain-progress */
    ENGINE_OPT_CACHE_PATH = 1 << 5,      /* -C/--cache-path */
    ENGINE_OPT_PORT_DFU = 1 << 6,        /* --pwn / port DFU era options are not relied on */
};

struct engine_info {
    char path[PATH_MAX];
    char version[96];          /* as printed, sanitized; "" if unreadable */
    int major, minor, patch;   /* -1 when unknown */
    int commits;               /* git describe: commits past the tag (213), 0 for a release */
    char git_hash[16];         /* "405fcd1", "" if none */
    char suffix[32];           /* distribution suffix ("-3+b1"), "" if none */
    int snapshot_date;         /* YYYYMMDD of a "+gitYYYYMMDD" snapshot, 0 if none */
    unsigned opts;             /* enum engine_opt, from --help (0 when not probed) */
    int help_read;             /* --help answered */
    enum engine_kind kind;
    int max_ios_major;         /* newest iOS it can restore; 0 = no known limit */
    int max_ios_minor;         /* with max_ios_major: 18.0 -> 0; -1 = any minor */
    char max_iphone[16];       /* newest iPhone its libirecovery knows ("iPhone12,8", "iPhone17,*"); "" no limit */
    int old_irecovery;         /* links libirecovery 1.0.0: crashes with two Recovery/DFU devices */
    int timed_out;             /* a probe was killed after its time limit */
};

/* Reads a version line ("idevicerestore 1.0.0-213-g405fcd1") into e->version,
 * the numbers and suffixes, then judges e (engine_judge). 0 when a version
 * was found, -1 when not (e then says ENGINE_UNKNOWN). Bounded, any bytes. */
int engine_version_parse(struct engine_info *e, const char *text, size_t len);
/* Which options an engine's --help text lists (enum engine_opt). */
unsigned engine_help_parse(const char *text, size_t len);
/* Sets kind and limits from the version and e->opts. */
void engine_judge(struct engine_info *e);

/* 0 if e can restore iOS `ios` ("17.5.1") on product type `product`
 * ("iPhone10,3"; NULL or "" skips the model check), else -1 and why, in
 * words a technician can act on. */
int engine_can_restore(const struct engine_info *e, const char *ios, const char *product, char *why, size_t n);
/* One line: what this engine restores and why ("iOS 15 at most and no model
 * after iPhone12,8: the 2020 release ..."). */
void engine_limits(const struct engine_info *e, char *out, size_t n);
const char *engine_kind_name(enum engine_kind k);

#endif
