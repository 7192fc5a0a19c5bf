/* The console's Firmware tab: builds for the selected device's product type,
 * which are signed, cached or newest, and downloads through the runtime's one
 * download manager (two devices asking for one build share one transfer).
 * The runtime keeps the catalog and a listing of the cache (firmware.h): the
 * copy on disk is shown at once, a fresh copy is fetched on the pool, and
 * drawing reads memory only. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "firmware.h"
#include "tui.h"

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

static void fetch_chosen(struct tui *t, struct device *d, const char *input)
{
    const struct catalog *cat = firmware_catalog(&t->con);
    if (!cat || t->fw_cursor >= cat->n) { snprintf(t->message, sizeof t->message, " No build selected (the catalog is not loaded yet)."); return; }
    char err[300];
    const struct firmware *f = &cat->fw[t->fw_cursor];
    if (firmware_fetch_for(&t->con, d, f, err, sizeof err) < 0) { snprintf(t->message, sizeof t->message, " %s", err); return; }
    snprintf(t->message, sizeof t->message, " %s: fetching %s (%s) into the cache.", device_label(d), f->version, f->build);
}

/* A build Apple no longer signs cannot be restored now: gigabytes fetched
 * for nothing unless the technician means it, so the console asks. */
static void fetch_build(struct tui *t, struct device *d)
{
    const struct catalog *cat = firmware_catalog(&t->con);
    const struct firmware *f = cat && t->fw_cursor < cat->n ? &cat->fw[t->fw_cursor] : NULL;
    if (!f || f->is_signed) { fetch_chosen(t, d, ""); return; }
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
    const struct catalog *cat = firmware_catalog(&t->con);
    int n = cat ? cat->n : 0;
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

void tui_draw_firmware(struct tui *t, const struct device *d, int y, int rows)
{
    follow(t, d);   /* memory only: the runtime reads what this asks for from the loop */
    const char *product = firmware_product(&t->con);
    const struct catalog *cat = firmware_catalog(&t->con);
    int fetching = firmware_fetching(&t->con);
    char l[300];
    if (!product[0]) { tui_put(y, 1, COLS - 1, "Select an identified device to see its firmware."); return; }
    if (!cat) {
        const char *err = firmware_fetch_error(&t->con);
        snprintf(l, sizeof l, "Firmware for %s: %s", product, fetching ? "fetching the catalog..." :
                 err[0] ? err : "no catalog yet (F fetches it)");
        tui_put(y, 1, COLS - 1, l);
        return;
    }
    int64_t age = (int64_t)(time(NULL) - cat->fetched) / 3600;
    snprintf(l, sizeof l, "Firmware for %s: %d builds, catalog %" PRId64 " h old%s%s   [ ] choose  f fetch  r restore", product,
             cat->n, age, cat->stale ? " (STALE: signed may be wrong)" : "", fetching ? ", refreshing" : "");
    tui_role_on(t, cat->stale ? R_WARN : R_TITLE);
    tui_put(y++, 1, COLS - 1, l);
    tui_role_off();
    tui_role_on(t, R_DIM);
    if (rows > 1) tui_put(y++, 1, COLS - 1, "  VERSION   BUILD     SIZE      RELEASED    SIGNED  NEWEST  CACHE");
    tui_role_off();
    int newest = catalog_newest(cat), view = rows - 2;
    int start = t->fw_cursor >= view ? t->fw_cursor - view + 1 : 0;
    for (int i = start; i < cat->n && i - start < view; i++) {
        const struct firmware *f = &cat->fw[i];
        char cache[64];
        firmware_build_state(&t->con, f, cache, sizeof cache);
        snprintf(l, sizeof l, "%c %-9.9s %-9.9s %5.1f GB  %-10.10s  %-6s  %-6s  %s", i == t->fw_cursor ? '>' : ' ', f->version, f->build,
                 (double)f->size / 1e9, f->released, f->is_signed ? (cat->stale ? "stale" : "signed") : "-",
                 i == newest ? "newest" : "", cache);
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
