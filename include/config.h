/* Settings: defaults, then the configuration file, then environment, then
 * command-line options (main.c applies those last). */
#ifndef IBENCH_CONFIG_H
#define IBENCH_CONFIG_H
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stddef.h>

#define CONFIG_MAX_SLOTS 64

struct config {
    char path[PATH_MAX];          /* file read, "" if none */
    char api_url[512];            /* firmware catalog base (ipsw.me API v4) */
    char cache_dir[PATH_MAX];     /* firmware cache */
    char state_dir[PATH_MAX];     /* jobs, logs, history, catalog cache */
    char engine[PATH_MAX];        /* restore engine, "" = idevicerestore on PATH */
    int max_downloads;            /* concurrent downloads */
    int max_restores;             /* concurrent restores, whole bench */
    int max_restores_per_hub;     /* concurrent restores behind one hub */
    int restore_retries;          /* automatic retries of a retryable failure */
    int engine_stall_s;           /* an engine silent this long is stopped; 0 never */
    int job_retention_days;       /* finished jobs' folders go after this; 0 keeps them */
    int64_t linger_ms;            /* how long a disconnected row stays */
    int64_t catalog_max_age_s;    /* older catalog answers are stale */
    int dfu_hold_ms[3];           /* DFU steps: first hold, both held, last hold (ms) */
    int low_speed_bps;            /* a transfer slower than this (bytes/s) ... */
    int low_speed_s;              /* ... on average over this many seconds is given up */
    bool json, yes, ascii, no_color, demo;
    struct { char port[32]; char label[32]; } slots[CONFIG_MAX_SLOTS];
    int nslots;
};

/* Fills defaults, reads `path` (or $XDG_CONFIG_HOME/ibench/config when NULL; a
 * missing default file is fine), then IBENCH_* environment. -1 with err on a bad file. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* Parses one "key = value" line into c (also used for [slots] lines). */
int config_set(struct config *c, const char *section, const char *key, const char *value,
               char *err, size_t errlen);
/* The low-speed limit of the configuration loaded last (the defaults before
 * any): for remote IPSW reads, which run inside libzip callbacks that are
 * handed no configuration. */
void config_low_speed(int *bps, int *seconds);
/* The directory the default firmware cache lives in: firmware-cache/ beside a
 * source checkout when run from one, else $XDG_CACHE_HOME/ibench/firmware-cache. */
void config_default_cache(char *out, size_t n);

#endif
