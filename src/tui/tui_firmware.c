/* The console's Firmware tab: builds for the selected device's product type,
 * which are signed, cached or newest, and downloads through the runtime's one
 * download manager (two devices asking for one build share one transfer).
 * The runtime keeps the catalog and a listing of the cache (firmware.h): the
 * copy on disk is shown at once, a fresh copy is fetched on the pool, and
 * drawing reads memory only. Offline the cache still lists what it holds:
 * builds no catalog lists are shown as cached with signing unknown, and r
 * restores the selected cached build. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "firmware.h"
#include "tui.h"

#define CACHED_MAX 64

/* One line of the list: a catalog build, or a cached one no catalog lists. */
struct fw_row { const struct firmware *f; const struct fw_cache_entry *e; };

static const char *product_of(const struct device *d)
{
    return d && d->model ? d->model->product_type : d ? d->product_type : "";
}

/* The runtime says firmware state moved: redraw, and tell a finished download. */
static void on_firmware(void *ctx, const char *message)
{
    struct tui *t = ctx;
    if (message) snprintf(t->message, sizeof t->message, " %s", message);
    t->dirty = 1;
}

static void follow(struct tui *t, const struct device *d)
{
    const char *product = product_of(d);
    firmware_listen(&t->con, on_firmware, t);
    firmware_follow(&t->con, product);
    if (strcmp(t->fw_product, product)) {   /* the cursor is per product type shown */
        snprintf(t->fw_product, sizeof t->fw_product, "%s", product);
        t->fw_cursor = 0;
    }
}

/* The catalog's builds, then the cached builds it does not list. */
static int rows_of(struct tui *t, const char *product, struct fw_row *rows)
{
    const struct catalog *cat = firmware_catalog(&t->con);
    const struct fw_cache_entry *cached[CACHED_MAX];
    int n = 0, k = firmware_cached_builds(&t->con, product, cached, CACHED_MAX);
    for (int i = 0; cat && i < cat->n; i++) rows[n++] = (struct fw_row){&cat->fw[i], NULL};
    for (int j = 0; j < k; j++) {
        int listed = 0;
        for (int i = 0; cat && i < cat->n && !listed; i++) listed = !strcmp(cat->fw[i].build, cached[j]->build);
        if (!listed) rows[n++] = (struct fw_row){NULL, cached[j]};
    }
    return n;
}

/* Why there is nothing to choose, in words for the message line. */
static const char *why_empty(struct tui *t)
{
    const char *err = firmware_fetch_error(&t->con);
    if (firmware_fetching(&t->con)) return "the catalog is still loading";
    return err[0] ? err : "no catalog and nothing cached for this model";
}

static void fetch_chosen(struct tui *t, struct device *d, const char *input)
{
    (void)input;
    struct fw_row rows[CATALOG_MAX + CACHED_MAX];
    int n = rows_of(t, product_of(d), rows);
    if (t->fw_cursor >= n) { tui_say(t, "No build to fetch: %s.", why_empty(t)); return; }
    const struct fw_row *r = &rows[t->fw_cursor];
    if (!r->f) { tui_say(t, "%s (%s) is already in the cache; r restores from it.", r->e->version, r->e->build); return; }
    char err[300];
    if (firmware_fetch_for(&t->con, d, r->f, err, sizeof err) < 0) { snprintf(t->message, sizeof t->message, " %s", err); return; }
    snprintf(t->message, sizeof t->message, " %s: fetching %s (%s) into the cache.", device_label(d), r->f->version, r->f->build);
}

int tui_firmware_selected_ipsw(struct tui *t, const struct device *d, char *out, size_t n)
{
    if (t->tab != TAB_FIRMWARE || !d || strcmp(product_of(d), t->fw_product)) return 0;
    struct fw_row rows[CATALOG_MAX + CACHED_MAX];
    int k = rows_of(t, t->fw_product, rows);
    if (t->fw_cursor >= k) return 0;
    const char *build = rows[t->fw_cursor].f ? rows[t->fw_cursor].f->build : rows[t->fw_cursor].e->build;
    return firmware_cached_path(&t->con, t->fw_product, build, out, n) == 0;
}

/* A build Apple no longer signs cannot be restored now: gigabytes fetched
 * for nothing unless the technician means it, so the console asks. */
static void fetch_build(struct tui *t, struct device *d)
{
    struct fw_row rows[CATALOG_MAX + CACHED_MAX];
    int n = rows_of(t, product_of(d), rows);
    const struct firmware *f = t->fw_cursor < n ? rows[t->fw_cursor].f : NULL;
    char cached[PATH_MAX];
    if (!f || f->is_signed || firmware_cached_path(&t->con, product_of(d), f->build, cached, sizeof cached) == 0) {
        fetch_chosen(t, d, "");
        return;
    }
    int gb = f->size >= 1000000000;
    tui_ask_yes(t, d, fetch_chosen, "Fetch %s (%s), %.1f %s? Not signed: it cannot be restored now.", f->version, f->build,
                (double)f->size / (gb ? 1e9 : 1e6), gb ? "GB" : "MB");
}

int tui_firmware_key(struct tui *t, int ch)
{
    if (t->ask.active) return 0;
    struct device *d = tui_selected(t);
    if (ch == 'f' && t->tab != TAB_FIRMWARE) { t->tab = TAB_FIRMWARE; follow(t, d); return 1; }
    if (t->tab != TAB_FIRMWARE) return 0;
    follow(t, d);
    struct fw_row rows[CATALOG_MAX + CACHED_MAX];
    int n = rows_of(t, product_of(d), rows);
    switch (ch) {
    case '[': if (t->fw_cursor > 0) t->fw_cursor--; return 1;
    case ']': if (t->fw_cursor + 1 < n) t->fw_cursor++; return 1;
    case 'f':
        if (!d || !d->has_ecid) { snprintf(t->message, sizeof t->message, " Select an identified device first."); return 1; }
        fetch_build(t, d);
        return 1;
    case 'F':
        firmware_refresh(&t->con);
        snprintf(t->message, sizeof t->message, " Refreshing the firmware catalog...");
        return 1;
    default:
        return 0;
    }
}

/* The catalog's state in one line: loading, its age when fresh, the copy's
 * date when stale or when the fetch failed (and why), or unavailable (why). */
static enum role catalog_line(struct tui *t, const struct catalog *cat, int fetching, char *l, size_t n)
{
    if (!cat) {
        const char *err = firmware_fetch_error(&t->con);
        if (fetching || !err[0]) { snprintf(l, n, "Catalog: %s", fetching ? "loading..." : "none yet (F fetches it)"); return R_DIM; }
        const char *why = strncmp(err, "catalog unavailable: ", 21) ? err : err + 21;
        snprintf(l, n, "Catalog unavailable: %s; signing unknown", why);
        return R_WARN;
    }
    long long age_h = (long long)(time(NULL) - cat->fetched) / 3600;
    if (!cat->stale && !cat->note[0]) {
        snprintf(l, n, "Catalog %lld h old%s", age_h, fetching ? ", refreshing..." : "");
        return R_DIM;
    }
    char day[32];
    struct tm tm;
    localtime_r(&cat->fetched, &tm);
    strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
    snprintf(l, n, "Catalog copy from %s (%lld h old%s)%s%s%s", day, age_h, cat->stale ? ", STALE: signed may be wrong" : "",
             cat->note[0] ? "; fetch failed: " : "", cat->note[0] ? cat->note + (strncmp(cat->note, "offline: ", 9) ? 0 : 9) : "",
             fetching ? "; refreshing..." : "");
    return R_WARN;
}

/* Puts s on up to max lines of width w from y, broken at spaces; the lines used. */
static int put_wrapped(int y, int w, int max, const char *s)
{
    char line[400];
    int used = 0;
    while (*s && used < max) {
        size_t len = strlen(s), cut = len;
        if ((int)len > w && used + 1 < max) {
            cut = (size_t)w;
            while (cut > 0 && s[cut] != ' ') cut--;
            if (!cut) cut = (size_t)w;
        }
        snprintf(line, sizeof line, "%.*s", (int)cut, s);
        tui_put(y + used++, 1, w, line);
        s += cut;
        while (*s == ' ') s++;
    }
    return used;
}

void tui_draw_firmware(struct tui *t, const struct device *d, int y, int rows)
{
    follow(t, d);   /* memory only: the runtime reads what this asks for from the loop */
    const char *product = firmware_product(&t->con);
    const struct catalog *cat = firmware_catalog(&t->con);
    int fetching = firmware_fetching(&t->con);
    char l[400];
    if (!product[0]) { tui_put(y, 1, COLS - 1, "Select an identified device to see its firmware."); return; }
    struct fw_row row[CATALOG_MAX + CACHED_MAX];
    int n = rows_of(t, product, row);
    static const char keys[] = "   [ ] choose  f fetch  r restore";
    int len = snprintf(l, sizeof l, "Firmware for %s: %d build%s", product, n, n == 1 ? "" : "s");
    if (len + (int)sizeof keys - 1 <= COLS - 1) snprintf(l + len, sizeof l - (size_t)len, "%s", keys);  /* else the key bar has them */
    tui_role_on(t, R_TITLE);
    tui_put(y++, 1, COLS - 1, l);
    tui_role_off();
    int state_lines = rows - 4 < 1 ? 1 : rows - 4 > 3 ? 3 : rows - 4;  /* leaves the list two lines */
    if (rows > 1) {
        enum role r = catalog_line(t, cat, fetching, l, sizeof l);
        tui_role_on(t, r);
        state_lines = put_wrapped(y, COLS - 1, state_lines, l);
        y += state_lines;
        tui_role_off();
    }
    int wide = COLS >= 72;      /* narrower, the release date gives way to the cache state */
    tui_role_on(t, R_DIM);
    if (rows > 2 && n)
        tui_put(y++, 1, COLS - 1, wide ? "  VERSION   BUILD     SIZE      RELEASED    SIGNED   NEWEST  CACHE"
                                       : "  VERSION   BUILD     SIZE      SIGNED   NEWEST  CACHE");
    tui_role_off();
    int newest = cat ? catalog_newest(cat) : -1, view = rows - 2 - state_lines;
    int start = t->fw_cursor >= view ? t->fw_cursor - view + 1 : 0;
    for (int i = start; i < n && i - start < view; i++) {
        const struct firmware *f = row[i].f;
        const struct fw_cache_entry *e = row[i].e;
        char cache[64] = "cached", released[16] = "";
        if (f) firmware_build_state(&t->con, f, cache, sizeof cache);
        if (wide) snprintf(released, sizeof released, "%-10.10s  ", f ? f->released : "-");
        snprintf(l, sizeof l, "%c %-9.9s %-9.9s %5.1f GB  %s%-7s  %-6s  %s", i == t->fw_cursor ? '>' : ' ',
                 f ? f->version : e->version, f ? f->build : e->build, (double)(f ? f->size : e->size) / 1e9, released,
                 !f ? "unknown" : f->is_signed ? (cat->stale ? "stale" : "signed") : "-", i == newest ? "newest" : "", cache);
        if (i == t->fw_cursor) tui_role_on(t, R_SELECTED);
        tui_put(y++, 1, COLS - 1, l);
        if (i == t->fw_cursor) tui_role_off();
    }
}

/* The runtime stops the downloads (partials kept) in app_close. */
void tui_firmware_done(struct tui *t)
{
    t->fw_cursor = 0;
    t->fw_product[0] = 0;
}
