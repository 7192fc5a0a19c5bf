/* Restore-engine capability from its version line and its --help text (see
 * engine_version.h). Pure and bounded: the text comes from a program ibench
 * runs, so it is outside input. */
#include "engine_version.h"

#include "sanitize.h"

#include <stdio.h>
#include <string.h>

const char *engine_kind_name(enum engine_kind k)
{
    switch (k) {
    case ENGINE_2020: return "the 2020 release";
    case ENGINE_2022: return "a 2022-2024 snapshot";
    case ENGINE_2024: return "a 2024 snapshot (1.0.1)";
    case ENGINE_CURRENT: return "a current build";
    default: return "an unknown version";
    }
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* A small decimal (at most 6 digits) at *p; -1 when none. Advances *p. */
static int number(const char **p)
{
    int v = 0, n = 0;
    while (is_digit(**p) && n < 6) { v = v * 10 + (**p - '0'); (*p)++; n++; }
    if (!n || is_digit(**p)) return -1;
    return v;
}

static void suffix_of(struct engine_info *e, const char *s)
{
    const char *p = s;
    /* git describe: -<commits>-g<hash>[-dirty] */
    if (*p == '-' && is_digit(p[1])) {
        const char *q = p + 1;
        int commits = number(&q);
        if (commits > 0 && q[0] == '-' && q[1] == 'g' && is_hex(q[2])) {
            size_t k = 0;
            q += 2;
            while (is_hex(q[k]) && k < sizeof e->git_hash - 1) { e->git_hash[k] = q[k]; k++; }
            e->git_hash[k] = 0;
            if (k >= 4) { e->commits = commits; return; }
            e->git_hash[0] = 0;
        }
    }
    /* a dated snapshot: [+~.-]git[-.]?YYYYMMDD */
    const char *g = strstr(p, "git");
    if (g && g > p && (g[-1] == '+' || g[-1] == '~' || g[-1] == '.' || g[-1] == '-')) {
        const char *q = g + 3;
        if (*q == '-' || *q == '.') q++;
        int k = 0, date = 0;
        while (k < 8 && is_digit(q[k])) { date = date * 10 + (q[k] - '0'); k++; }
        if (k == 8 && !is_digit(q[8]) && date > 20000101 && date < 21000101) e->snapshot_date = date;
    }
    /* what remains is a distribution's: "-3+b1", "+dfsg-1" */
    if (*p == '-' || *p == '+' || *p == '~') {
        size_t k = 0;
        while (p[k] && p[k] != ' ' && k < sizeof e->suffix - 1) { e->suffix[k] = p[k]; k++; }
        e->suffix[k] = 0;
    }
}

int engine_version_parse(struct engine_info *e, const char *text, size_t len)
{
    size_t k = 0;
    e->major = e->minor = e->patch = -1;
    e->commits = 0;
    e->snapshot_date = 0;
    e->git_hash[0] = e->suffix[0] = 0;
    /* first non-empty line, then the one sanitizer: escape sequences go
     * whole, other controls, bidi overrides and broken UTF-8 too (doctor
     * and the preflight print it) */
    size_t i = 0;
    while (i < len && (text[i] == '\n' || text[i] == '\r')) i++;
    for (; i < len && text[i] != '\n' && text[i] != '\r' && text[i] && k < sizeof e->version - 1; i++)
        e->version[k++] = text[i];
    e->version[k] = 0;
    sanitize_inplace(e->version, sizeof e->version);
    int found = -1;
    for (const char *p = e->version; *p; p++) {
        if (!is_digit(*p) || (p > e->version && (is_alnum(p[-1]) && p[-1] != 'v'))) continue;
        const char *q = p;
        int ma = number(&q);
        if (ma < 0 || *q != '.' || !is_digit(q[1])) continue;
        q++;
        int mi = number(&q), pa = 0;
        if (mi < 0) continue;
        if (*q == '.' && is_digit(q[1])) { q++; pa = number(&q); if (pa < 0) continue; }
        e->major = ma;
        e->minor = mi;
        e->patch = pa;
        suffix_of(e, q);
        found = 0;
        break;
    }
    engine_judge(e);
    return found;
}

unsigned engine_help_parse(const char *text, size_t len)
{
    static const struct { const char *opt; unsigned flag; } known[] = {
        {"--server", ENGINE_OPT_SERVER}, {"--logfile", ENGINE_OPT_LOGFILE}, {"--variant", ENGINE_OPT_VARIANT},
        {"--ignore-errors", ENGINE_OPT_IGNORE_ERRORS}, {"--plain-progress", ENGINE_OPT_PLAIN_PROGRESS},
        {"--cache-path", ENGINE_OPT_CACHE_PATH},
    };
    unsigned flags = 0;
    /* Each option must appear as a whole word: "--server" not "--serverless". */
    for (size_t i = 0; i + 2 < len; i++) {
        if (text[i] != '-' || text[i + 1] != '-' || (i && text[i - 1] != ' ' && text[i - 1] != '\t' &&
                                                   text[i - 1] != ',' && text[i - 1] != '\n' && text[i - 1] != '['))
            continue;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
            size_t n = strlen(known[k].opt);
            if (i + n > len || memcmp(text + i, known[k].opt, n)) continue;
            char after = i + n < len ? text[i + n] : ' ';
            if (is_alnum(after) || after == '-') continue;
            flags |= known[k].flag;
        }
    }
    return flags;
}

static int version_cmp(const struct engine_info *e, int ma, int mi, int pa)
{
    if (e->major != ma) return e->major < ma ? -1 : 1;
    if (e->minor != mi) return e->minor < mi ? -1 : 1;
    if (e->patch != pa) return e->patch < pa ? -1 : 1;
    return 0;
}

void engine_judge(struct engine_info *e)
{
    e->kind = ENGINE_UNKNOWN;
    e->old_irecovery = 0;
    if (e->major >= 0) {
        if (e->commits > 0) e->kind = ENGINE_CURRENT;            /* a source build past its tag */
        else if (e->snapshot_date)
            e->kind = e->snapshot_date < 20220601 ? ENGINE_2020 : e->snapshot_date < 20240601 ? ENGINE_2022
                    : e->snapshot_date < 20241001 ? ENGINE_2024 : ENGINE_CURRENT;
        else if (version_cmp(e, 1, 0, 0) <= 0) {
            e->kind = ENGINE_2020;
            /* only the 1.0.0 release itself is known to link libirecovery 1.0.0 */
            e->old_irecovery = version_cmp(e, 1, 0, 0) == 0;
        }
        else if (version_cmp(e, 1, 0, 1) == 0) e->kind = ENGINE_2024;
        else e->kind = ENGINE_CURRENT;
    }
    /* Options the 2020 release never had prove a newer engine. */
    if (e->kind == ENGINE_2020 && (e->opts & ENGINE_OPT_LOGFILE)) e->kind = ENGINE_CURRENT;
    else if ((e->kind == ENGINE_2020 || e->kind == ENGINE_UNKNOWN) && (e->opts & (ENGINE_OPT_SERVER | ENGINE_OPT_VARIANT)))
        e->kind = ENGINE_2024;
    if (e->kind != ENGINE_2020) e->old_irecovery = 0;
    e->max_ios_major = 0;
    e->max_ios_minor = -1;
    e->max_iphone[0] = 0;
    if (e->kind == ENGINE_2020) { e->max_ios_major = 15; snprintf(e->max_iphone, sizeof e->max_iphone, "iPhone12,8"); }
    else if (e->kind == ENGINE_2022) e->max_ios_major = 17;
    else if (e->kind == ENGINE_2024) {
        e->max_ios_major = 18;
        e->max_ios_minor = 0;
        snprintf(e->max_iphone, sizeof e->max_iphone, "iPhone17,*");
    }
}

/* "iPhone12,8" -> 12, 8 (minor -1 for "*"). */
static int iphone_of(const char *s, int *ma, int *mi)
{
    if (strncmp(s, "iPhone", 6)) return -1;
    const char *p = s + 6;
    *ma = number(&p);
    if (*ma < 0 || *p != ',') return -1;
    p++;
    if (*p == '*') { *mi = -1; return 0; }
    *mi = number(&p);
    return *mi < 0 ? -1 : 0;
}

static void what(const struct engine_info *e, char *out, size_t n)
{
    const char *base = strrchr(e->path, '/');
    snprintf(out, n, "%s (%s)", base ? base + 1 : e->path[0] ? e->path : "the engine", e->version[0] ? e->version : "version unknown");
}

static const char *const upgrade =
    "point --engine at a newer idevicerestore (1.0.1: iOS 17-18.0; an upstream build: current iOS)";

int engine_can_restore(const struct engine_info *e, const char *ios, const char *product, char *why, size_t n)
{
    char who[PATH_MAX + 200];
    what(e, who, sizeof who);
    const char *p = ios ? ios : "";
    int ma = number(&p), mi = 0;
    if (ma >= 0 && *p == '.') { p++; mi = number(&p); if (mi < 0) mi = 0; }
    if (e->max_ios_major && ma > 0 &&
        (ma > e->max_ios_major || (ma == e->max_ios_major && e->max_ios_minor >= 0 && mi > e->max_ios_minor))) {
        char limit[16];
        if (e->max_ios_minor >= 0) snprintf(limit, sizeof limit, "%d.%d", e->max_ios_major, e->max_ios_minor);
        else snprintf(limit, sizeof limit, "%d", e->max_ios_major);
        snprintf(why, n, "%s cannot restore iOS %s: it restores up to iOS %s%s; %s", who, ios, limit,
                 e->kind == ENGINE_2020 ? " (no Cryptex support, which iOS 16 brought)" :
                 e->kind == ENGINE_2024 ? " (it lacks the later iOS 18 message types and fixes)" : "", upgrade);
        return -1;
    }
    int pa, pi, la, li;
    if (product && product[0] && e->max_iphone[0] && iphone_of(product, &pa, &pi) == 0 && iphone_of(e->max_iphone, &la, &li) == 0 &&
        (pa > la || (pa == la && li >= 0 && pi > li))) {
        snprintf(why, n, "%s cannot restore %s: its libirecovery knows no iPhone after %s (\"Unable to discover device type\"); %s",
                 who, product, e->max_iphone, upgrade);
        return -1;
    }
    return 0;
}

void engine_limits(const struct engine_info *e, char *out, size_t n)
{
    switch (e->kind) {
    case ENGINE_2020:
        snprintf(out, n, "it cannot restore iOS 16 or later (the 2020 release has no Cryptex support) nor any iPhone after "
                 "iPhone12,8 (its libirecovery table ends there)%s",
                 e->old_irecovery ? "; its libirecovery 1.0.0 crashes when two Recovery/DFU devices are attached" : "");
        break;
    case ENGINE_2022:
        snprintf(out, n, "it restores up to iOS 17 (a snapshot from before iOS 18 support, 2024-06)");
        break;
    case ENGINE_2024:
        snprintf(out, n, "it restores iOS 17 and 18.0 and iPhones up to iPhone17,x (a 2024-07 snapshot: without the "
                 "later iOS 18 fixes, iOS 26 or the iPhone 17 series)");
        break;
    case ENGINE_CURRENT:
        if (e->commits > 0)
            snprintf(out, n, "an upstream source build (%d commits past %d.%d.%d, %s): current iOS and models", e->commits,
                     e->major, e->minor, e->patch, e->git_hash);
        else snprintf(out, n, "a release newer than 1.0.1: no known iOS or model limit");
        break;
    default:
        snprintf(out, n, "its version could not be read: ibench cannot tell which iOS versions it restores");
        break;
    }
}
