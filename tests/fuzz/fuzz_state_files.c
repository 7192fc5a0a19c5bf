/* Fuzz target: the files ibench reads back from its state and cache
 * folders, which another process (or a crash, or a hostile member of a
 * shared cache's group) may have left in any shape: a job's job.json, its
 * exit file and engine log, history.jsonl, and a cached build's .sha1,
 * .sha256 and .sha1-local sidecars (one text for all three). The input is
 * split at "\n--\n" into those five parts. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fw_cache.h"
#include "job.h"

static char top[64];
static struct config cfg;

static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fwrite(p, 1, n, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!top[0]) {
        snprintf(top, sizeof top, "/tmp/fuzz-state.%d", (int)getpid());
        snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s/state", top);
        snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", top);
        cfg.restore_retries = 1;
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s/state/jobs/1 %s/state/locks %s/cache", top, top, top);
        if (system(cmd) != 0) abort();
    }
    const uint8_t *part[5] = {0};
    size_t plen[5] = {0};
    const uint8_t *p = data, *end = data + size;
    for (int i = 0; i < 5; i++) {
        const uint8_t *sep = p < end ? memmem(p, (size_t)(end - p), "\n--\n", 4) : NULL;
        part[i] = p;
        plen[i] = sep ? (size_t)(sep - p) : (size_t)(end - p);
        p = sep ? sep + 4 : end;
    }
    char job_dir[400];
    snprintf(job_dir, sizeof job_dir, "%s/jobs/1", cfg.state_dir);
    put(job_dir, "job.json", part[0], plen[0]);
    put(job_dir, "exit", part[1], plen[1]);
    put(job_dir, "engine.log", part[2], plen[2]);
    put(cfg.state_dir, "history.jsonl", part[3], plen[3]);
    put(cfg.cache_dir, "iPhone10,3_17.5.1_21F90_Restore.ipsw", (const uint8_t *)"x", 1);
    put(cfg.cache_dir, "iPhone10,3_17.5.1_21F90_Restore.ipsw.sha1", part[4], plen[4]);
    put(cfg.cache_dir, "iPhone10,3_17.5.1_21F90_Restore.ipsw.sha256", part[4], plen[4]);
    put(cfg.cache_dir, "iPhone10,3_17.5.1_21F90_Restore.ipsw.sha1-local", part[4], plen[4]);

    static struct job j;
    if (job_find(&cfg, 1, &j)) {
        j.pid = 0;                  /* never wait on or signal a pid from the input */
        job_poll(&cfg, &j);
        job_settle(&cfg, &j);
    }
    int n = 0;
    struct job *all = job_list(&cfg, &n);
    free(all);
    json_t *rows = history_read(&cfg);
    json_decref(rows);
    struct fw_cache_list l;
    char err[300];
    if (fw_cache_scan(&cfg, &l, err, sizeof err) == 0) fw_cache_list_free(&l);
    return 0;
}
