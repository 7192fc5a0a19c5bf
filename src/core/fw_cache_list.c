/* The cache listing as data (see fw_cache_list.h): the name shape, sizes
 * typed by a technician, and the prune plan. Pure: no file system. */
#include "fw_cache_list.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUFFIX "_Restore.ipsw"

static int token_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == ',' || ch == '.' || ch == '-';
}

/* Copies one '_'-terminated safe token; returns the char after it or NULL. */
static const char *take_token(const char *s, char out[32])
{
    size_t n = 0;
    while (s[n] && s[n] != '_') {
        if (!token_char(s[n]) || n >= 31) return NULL;
        out[n] = s[n];
        n++;
    }
    out[n] = 0;
    return n && s[n] == '_' ? s + n + 1 : NULL;
}

int fw_cache_parse_name(const char *name, char product[32], char version[32], char build[32])
{
    size_t len = strlen(name), sl = strlen(SUFFIX);
    if (len <= sl || len >= 256 || strcmp(name + len - sl, SUFFIX) != 0) return -1;
    const char *p = take_token(name, product);
    if (p) p = take_token(p, version);
    if (p) p = take_token(p, build);
    /* after the build only "Restore.ipsw" may remain */
    return p && strcmp(p, &SUFFIX[1]) == 0 ? 0 : -1;
}

int64_t fw_cache_parse_size(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v >= 0) || s[0] == '-' || s[0] == '+' || strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)
        return -1;
    static const struct { const char *suffix; double mul; } units[] = {
        {"", 1}, {"B", 1}, {"K", 1e3}, {"KB", 1e3}, {"M", 1e6}, {"MB", 1e6}, {"G", 1e9}, {"GB", 1e9}, {"T", 1e12}, {"TB", 1e12},
        {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(end, units[i].suffix) != 0) continue;
        double b = v * units[i].mul;
        return b < 9e18 ? (int64_t)b : -1;
    }
    return -1;
}

void fw_cache_list_free(struct fw_cache_list *l)
{
    free(l->e);
    memset(l, 0, sizeof *l);
}

int fw_cache_plan_prune(struct fw_cache_list *l, time_t now, int64_t older_than_s, int64_t max_bytes,
                        int64_t stale_partial_s, int64_t *freed)
{
    int marked = 0;
    int64_t total = 0, gain = 0;
    for (int i = 0; i < l->n; i++) {
        struct fw_cache_entry *e = &l->e[i];
        e->prune = false;
        total += e->size;
        if (e->locked) continue;
        int64_t age = (int64_t)(now - e->used);
        if ((e->partial && stale_partial_s >= 0 && age > stale_partial_s) ||
            (!e->partial && older_than_s >= 0 && age > older_than_s)) {
            e->prune = true;
            gain += e->size;
            marked++;
        }
    }
    /* Then the least recently used complete files until the total fits. */
    while (max_bytes >= 0 && total - gain > max_bytes) {
        struct fw_cache_entry *lru = NULL;
        for (int i = 0; i < l->n; i++) {
            struct fw_cache_entry *e = &l->e[i];
            if (e->prune || e->locked || e->partial) continue;
            if (!lru || e->used < lru->used || (e->used == lru->used && strcmp(e->name, lru->name) < 0)) lru = e;
        }
        if (!lru) break;
        lru->prune = true;
        gain += lru->size;
        marked++;
    }
    if (freed) *freed = gain;
    return marked;
}
