/* Configuration file: "key = value" lines, '#' comments, and a [slots]
 * section mapping USB port paths to bay labels ("1-1.3 = Bay 3"). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

static char *strip(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* Strips white space and one pair of surrounding quotes from a key or value. */
static char *trim(char *s)
{
    s = strip(s);
    char *e = s + strlen(s);
    if (e - s >= 2 && ((s[0] == '"' && e[-1] == '"') || (s[0] == '\'' && e[-1] == '\''))) {
        e[-1] = 0;
        s++;
    }
    return s;
}

void config_default_cache(char *out, size_t n)
{
    /* Beside a source checkout (the Makefile and firmware-cache/ in the cwd). */
    if (access("firmware-cache", W_OK) == 0 && access("Makefile", R_OK) == 0) {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd)) { snprintf(out, n, "%s/firmware-cache", cwd); return; }
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) snprintf(out, n, "%s/ibench/firmware-cache", xdg);
    else snprintf(out, n, "%s/.cache/ibench/firmware-cache", home ? home : "/tmp");
}

static void defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    copy(c->api_url, sizeof c->api_url, "https://api.ipsw.me");
    config_default_cache(c->cache_dir, sizeof c->cache_dir);
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) snprintf(c->state_dir, sizeof c->state_dir, "%s/ibench", xdg);
    else snprintf(c->state_dir, sizeof c->state_dir, "%s/.local/state/ibench", home ? home : "/tmp");
    c->max_downloads = 2;
    c->max_restores = 4;
    c->max_restores_per_hub = 2;
    c->restore_retries = 1;
    c->engine_stall_s = 1200;
    c->job_retention_days = 90;
    c->linger_ms = 15000;
    c->catalog_max_age_s = 6 * 3600;
    c->dfu_hold_ms[0] = 10000;
    c->dfu_hold_ms[1] = 5000;
    c->dfu_hold_ms[2] = 8000;
    /* A 6 GB IPSW at 1 KB/s would take 70 days: nothing slower is a usable
     * download, yet any working link, however congested, averages far more.
     * A minute rides out a server pause, a Wi-Fi roam or a buffering proxy,
     * and still notices a trickling or stalled server soon (a download then
     * resumes from its partial). */
    c->low_speed_bps = 1024;
    c->low_speed_s = 60;
}

static int loaded_bps = 1024, loaded_s = 60;

void config_low_speed(int *bps, int *seconds)
{
    *bps = loaded_bps;
    *seconds = loaded_s;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

/* A USB port path as the kernel names it: bus-port[.port]..., e.g. 1-1.3. */
static bool is_port_path(const char *k)
{
    const char *p = k;
    if (!isdigit((unsigned char)*p)) return false;
    while (isdigit((unsigned char)*p)) p++;
    if (*p++ != '-') return false;
    for (;;) {
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
        if (!*p) return true;
        if (*p++ != '.') return false;
    }
}

int config_set(struct config *c, const char *section, const char *key, const char *value,
               char *err, size_t errlen)
{
    long x;
    if (section && strcmp(section, "slots") == 0) {
        if (c->nslots >= CONFIG_MAX_SLOTS) { snprintf(err, errlen, "too many slots (max %d)", CONFIG_MAX_SLOTS); return -1; }
        if (strlen(key) >= sizeof c->slots[0].port || strlen(value) >= sizeof c->slots[0].label) {
            snprintf(err, errlen, "slot '%s': port or label too long", key);
            return -1;
        }
        if (!is_port_path(key)) {
            /* A setting written below [slots] would otherwise become a bay
             * label and silently not apply. */
            snprintf(err, errlen, "[slots] expects a USB port such as 1-1.3, not '%s' (settings go above [slots])", key);
            return -1;
        }
        copy(c->slots[c->nslots].port, sizeof c->slots[0].port, key);
        copy(c->slots[c->nslots].label, sizeof c->slots[0].label, value);
        c->nslots++;
        return 0;
    }
    struct { const char *k; char *dst; size_t n; } strs[] = {
        {"api", c->api_url, sizeof c->api_url}, {"cache", c->cache_dir, sizeof c->cache_dir},
        {"state", c->state_dir, sizeof c->state_dir}, {"engine", c->engine, sizeof c->engine},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strcmp(key, strs[i].k) == 0) {
            if (strlen(value) >= strs[i].n) { snprintf(err, errlen, "%s: value too long", key); return -1; }
            copy(strs[i].dst, strs[i].n, value);
            return 0;
        }
    }
    struct { const char *k; long lo, hi; int *dst; } ints[] = {
        {"max_downloads", 1, 16, &c->max_downloads}, {"max_restores", 1, 64, &c->max_restores},
        {"max_restores_per_hub", 1, 64, &c->max_restores_per_hub},
        {"restore_retries", 0, 5, &c->restore_retries},
        {"engine_stall_seconds", 0, 86400, &c->engine_stall_s},
        {"job_retention_days", 0, 3650, &c->job_retention_days},
        {"dfu_first_hold_ms", 1000, 60000, &c->dfu_hold_ms[0]},
        {"dfu_both_hold_ms", 1000, 60000, &c->dfu_hold_ms[1]},
        {"dfu_last_hold_ms", 1000, 60000, &c->dfu_hold_ms[2]},
        {"low_speed_limit", 1, 100000000, &c->low_speed_bps},
        {"low_speed_seconds", 1, 3600, &c->low_speed_s},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (strcmp(key, ints[i].k) == 0) {
            if (parse_int(value, ints[i].lo, ints[i].hi, &x) < 0) {
                snprintf(err, errlen, "%s: expected a number from %ld to %ld", key, ints[i].lo, ints[i].hi);
                return -1;
            }
            *ints[i].dst = (int)x;
            return 0;
        }
    }
    if (strcmp(key, "linger_seconds") == 0 || strcmp(key, "catalog_max_age_hours") == 0) {
        if (parse_int(value, 0, 24 * 365, &x) < 0) { snprintf(err, errlen, "%s: expected a number", key); return -1; }
        if (key[0] == 'l') c->linger_ms = x * 1000;
        else c->catalog_max_age_s = x * 3600;
        return 0;
    }
    if (strcmp(key, "ascii") == 0 || strcmp(key, "no_color") == 0) {
        bool b = strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 || strcmp(value, "1") == 0;
        if (key[0] == 'a') c->ascii = b; else c->no_color = b;
        return 0;
    }
    snprintf(err, errlen, "unknown setting '%s'", key);
    return -1;
}

static int read_file(struct config *c, const char *path, int must_exist, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot read configuration %s: %s", path, strerror(errno));
        return -1;
    }
    copy(c->path, sizeof c->path, path);
    char line[1024], section[32] = "";
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *s = strip(line);
        if (!*s) continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || (size_t)(e - s - 1) >= sizeof section) { rc = -1; snprintf(err, errlen, "%s:%d: bad section", path, lineno); break; }
            *e = 0;
            copy(section, sizeof section, strip(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) { rc = -1; snprintf(err, errlen, "%s:%d: expected key = value", path, lineno); break; }
        *eq = 0;
        char sub[200];
        if (config_set(c, section, trim(s), trim(eq + 1), sub, sizeof sub) < 0) {
            rc = -1;
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            break;
        }
    }
    fclose(f);
    return rc;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
    defaults(c);
    if (path) {
        if (read_file(c, path, 1, err, errlen) < 0) return -1;
    } else {
        char def[PATH_MAX];
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        if (xdg && *xdg) snprintf(def, sizeof def, "%s/ibench/config", xdg);
        else snprintf(def, sizeof def, "%s/.config/ibench/config", home ? home : "/nonexistent");
        if (read_file(c, def, 0, err, errlen) < 0) return -1;
    }
    const char *v;
    if ((v = getenv("IBENCH_API_URL")) && *v) copy(c->api_url, sizeof c->api_url, v);
    if ((v = getenv("IBENCH_CACHE")) && *v) copy(c->cache_dir, sizeof c->cache_dir, v);
    if ((v = getenv("IBENCH_STATE")) && *v) copy(c->state_dir, sizeof c->state_dir, v);
    if ((v = getenv("IBENCH_ENGINE")) && *v) copy(c->engine, sizeof c->engine, v);
    if ((v = getenv("NO_COLOR")) && *v) c->no_color = true;
    loaded_bps = c->low_speed_bps;
    loaded_s = c->low_speed_s;
    return 0;
}
