/* The console's Firmware tab: builds for the selected device's product type,
 * which are signed, cached or newest, and downloads through the bench's one
 * download manager (two devices asking for one build share one transfer).
 * The catalog on disk is shown at once; a fresh copy is fetched on a worker
 * thread so the screen never waits on the network. */
#include <curses.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fw_queue.h"
#include "tui.h"


struct fw_panel {
    char product[32];
    struct catalog *cat;            /* shown; NULL until loaded */
    int cursor;
    /* background fetch */
    pthread_mutex_t lock;
    struct catalog *fresh;          /* handed over by the worker */
    char fresh_err[200];
    int fetching, closing;
    /* requests: which device asked for what */
    struct { int id; uint64_t ecid; char label[40]; } req[32];
};

static struct fw_panel P = {.lock = PTHREAD_MUTEX_INITIALIZER};

struct fetch { struct app *con; char product[32]; };

static void fetch_main(void *arg)
{
    struct fetch *f = arg;
    struct catalog *cat = calloc(1, sizeof *cat);
    char err[200] = "";
    int ok = cat && catalog_load(f->con->cfg, f->product, cat, err, sizeof err) == 0;
    struct bench_ev ev = {.type = BEV_NOTE, .now_ms = now_ms()};
    snprintf(ev.text, sizeof ev.text, "firmware catalog for %s: %s", f->product, ok ? "updated" : err);
    pthread_mutex_lock(&P.lock);
    if (ok && !strcmp(P.product, f->product)) { free(P.fresh); P.fresh = cat; cat = NULL; }
    snprintf(P.fresh_err, sizeof P.fresh_err, "%s", ok ? "" : err);
    if (!P.closing) app_post(f->con, &ev);   /* also wakes the loop so the panel redraws */
    P.fetching = 0;
    pthread_mutex_unlock(&P.lock);
    free(cat);
    free(f);
    return;
}

static void start_fetch(struct tui *t)
{
    struct fetch *f = calloc(1, sizeof *f);
    if (!f) return;
    f->con = &t->con;
    snprintf(f->product, sizeof f->product, "%s", P.product);
    P.fetching = 1;
    if (app_background(&t->con, fetch_main, f) < 0) P.fetching = 0;
}

/* Follows the selected device's product type; takes a finished fetch. */
static void sync_product(struct tui *t, const struct device *d)
{
    const char *product = d && d->model ? d->model->product_type : d ? d->product_type : "";
    pthread_mutex_lock(&P.lock);
    if (strcmp(product, P.product)) {
        snprintf(P.product, sizeof P.product, "%s", product);
        free(P.cat);
        P.cat = NULL;
        P.cursor = 0;
        if (product[0]) {
            struct catalog *c = calloc(1, sizeof *c);
            char err[200];
            if (c && catalog_load_cached(t->cfg, product, c, err, sizeof err) == 0) P.cat = c;
            else free(c);
            if (!P.fetching && (!P.cat || P.cat->stale)) start_fetch(t);
        }
    }
    if (P.fresh) { free(P.cat); P.cat = P.fresh; P.fresh = NULL; }
    pthread_mutex_unlock(&P.lock);
}

static void changed(void *ctx)
{
    struct tui *t = ctx;
    /* Each asking device's row shows its download. */
    for (size_t i = 0; i < sizeof P.req / sizeof P.req[0]; i++) {
        struct fw_queue_status st;
        if (!P.req[i].id || fw_queue_status(t->fwq, P.req[i].id, &st) < 0) continue;
        struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now_ms(), .has_ecid = true, .ecid = P.req[i].ecid};
        if (st.state == FWQ_QUEUED) { ev.progress = -1; snprintf(ev.text, sizeof ev.text, "firmware queued (#%d)", st.position); }
        else {
            ev.progress = st.p.total > 0 ? (int)(st.p.done * 100 / st.p.total) : 0;
            snprintf(ev.text, sizeof ev.text, "firmware %d%% %.1f MB/s", ev.progress, st.p.rate / 1e6);
        }
        app_post(&t->con, &ev);
    }
    t->dirty = 1;
}

static void done(void *ctx, int request, int rc, const char *message, const char *path)
{
    struct tui *t = ctx;
    for (size_t i = 0; i < sizeof P.req / sizeof P.req[0]; i++) {
        if (P.req[i].id != request) continue;
        struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now_ms(), .has_ecid = true, .ecid = P.req[i].ecid, .progress = -1};
        app_post(&t->con, &ev);
        ev.type = BEV_NOTE;
        snprintf(ev.text, sizeof ev.text, "firmware %s: %.120s", rc == DOWNLOAD_OK ? "in the cache" : "failed", message);
        app_post(&t->con, &ev);
        snprintf(t->message, sizeof t->message, " %s: firmware %s", P.req[i].label, rc == DOWNLOAD_OK ? "downloaded and verified" : message);
        P.req[i].id = 0;
    }
    t->dirty = 1;
}

static void fetch_build(struct tui *t, const struct device *d)
{
    if (!P.cat || P.cursor >= P.cat->n) { snprintf(t->message, sizeof t->message, " No build selected (the catalog is not loaded yet)."); return; }
    if (!t->fwq) {
        t->fwq = fw_queue_new(t->con.loop, t->cfg);
        if (!t->fwq) { snprintf(t->message, sizeof t->message, " Cannot start the download manager."); return; }
        fw_queue_set_notify(t->fwq, changed, t);
    }
    size_t slot = sizeof P.req / sizeof P.req[0];
    for (size_t i = 0; i < slot; i++) if (!P.req[i].id) { slot = i; break; }
    if (slot == sizeof P.req / sizeof P.req[0]) { snprintf(t->message, sizeof t->message, " Too many downloads requested."); return; }
    char err[300];
    const struct firmware *f = &P.cat->fw[P.cursor];
    int id = fw_queue_get(t->fwq, f, done, t, err, sizeof err);
    if (id < 0) { snprintf(t->message, sizeof t->message, " %s", err); return; }
    P.req[slot].id = id;
    P.req[slot].ecid = d->ecid;
    snprintf(P.req[slot].label, sizeof P.req[slot].label, "%s", device_label(d));
    snprintf(t->message, sizeof t->message, " %s: fetching %s (%s) into the cache.", device_label(d), f->version, f->build);
}

int tui_firmware_key(struct tui *t, int ch)
{
    if (t->ask.active) return 0;
    struct device *d = tui_selected(t);
    if (ch == 'f' && t->tab != TAB_FIRMWARE) { t->tab = TAB_FIRMWARE; return 1; }
    if (t->tab != TAB_FIRMWARE) return 0;
    sync_product(t, d);
    int n = P.cat ? P.cat->n : 0;
    switch (ch) {
    case '[': if (P.cursor > 0) P.cursor--; return 1;
    case ']': if (P.cursor + 1 < n) P.cursor++; return 1;
    case 'f':
        if (!d || !d->has_ecid) { snprintf(t->message, sizeof t->message, " Select an identified device first."); return 1; }
        fetch_build(t, d);
        return 1;
    case 'F':
        pthread_mutex_lock(&P.lock);
        if (!P.fetching && P.product[0]) start_fetch(t);
        pthread_mutex_unlock(&P.lock);
        snprintf(t->message, sizeof t->message, " Refreshing the firmware catalog...");
        return 1;
    default:
        return 0;
    }
}

static void cache_state(const struct tui *t, const struct firmware *f, char *out, size_t n)
{
    char path[PATH_MAX], part[PATH_MAX + 8];
    struct stat st;
    catalog_cache_path(t->cfg, f, path, sizeof path);
    if (t->fwq) {
        struct fwq_job jobs[FWQ_MAX_JOBS];
        int k = fw_queue_jobs(t->fwq, jobs, FWQ_MAX_JOBS);
        for (int i = 0; i < k; i++) {
            if (strcmp(jobs[i].fw.identifier, f->identifier) || strcmp(jobs[i].fw.build, f->build)) continue;
            if (jobs[i].state == FWQ_QUEUED) { snprintf(out, n, "queued"); return; }
            if (jobs[i].state == FWQ_ACTIVE) {
                int pct = jobs[i].p.total > 0 ? (int)(jobs[i].p.done * 100 / jobs[i].p.total) : 0;
                char eta[16] = "";
                if (jobs[i].p.eta_s >= 0) snprintf(eta, sizeof eta, " %lldm%02llds", (long long)jobs[i].p.eta_s / 60,
                                                   (long long)jobs[i].p.eta_s % 60);
                snprintf(out, n, "%d%% %.1f MB/s%s%s", pct, jobs[i].p.rate / 1e6, eta, jobs[i].requests > 1 ? " shared" : "");
                return;
            }
        }
    }
    if (stat(path, &st) == 0) { snprintf(out, n, "cached"); return; }
    snprintf(part, sizeof part, "%s.part", path);
    if (stat(part, &st) == 0 && f->size > 0) { snprintf(out, n, "partial %d%%", (int)(st.st_size * 100 / f->size)); return; }
    snprintf(out, n, "-");
}

void tui_draw_firmware(struct tui *t, const struct device *d, int y, int rows)
{
    sync_product(t, d);
    char l[300];
    if (!P.product[0]) { tui_put(y, 1, COLS - 1, "Select an identified device to see its firmware."); return; }
    if (!P.cat) {
        snprintf(l, sizeof l, "Firmware for %s: %s", P.product, P.fetching ? "fetching the catalog..." :
                 P.fresh_err[0] ? P.fresh_err : "no catalog yet (F fetches it)");
        tui_put(y, 1, COLS - 1, l);
        return;
    }
    int64_t age = (int64_t)(time(NULL) - P.cat->fetched) / 3600;
    snprintf(l, sizeof l, "Firmware for %s: %d builds, catalog %" PRId64 " h old%s%s   [ ] choose  f fetch  r restore", P.product,
             P.cat->n, age, P.cat->stale ? " (STALE: signed may be wrong)" : "", P.fetching ? ", refreshing" : "");
    tui_role_on(t, P.cat->stale ? R_WARN : R_TITLE);
    tui_put(y++, 1, COLS - 1, l);
    tui_role_off();
    tui_role_on(t, R_DIM);
    if (rows > 1) tui_put(y++, 1, COLS - 1, "  VERSION   BUILD     SIZE      RELEASED    SIGNED  NEWEST  CACHE");
    tui_role_off();
    int newest = catalog_newest(P.cat), view = rows - 2;
    int start = P.cursor >= view ? P.cursor - view + 1 : 0;
    for (int i = start; i < P.cat->n && i - start < view; i++) {
        const struct firmware *f = &P.cat->fw[i];
        char cache[64];
        cache_state(t, f, cache, sizeof cache);
        snprintf(l, sizeof l, "%c %-9.9s %-9.9s %5.1f GB  %-10.10s  %-6s  %-6s  %s", i == P.cursor ? '>' : ' ', f->version, f->build,
                 (double)f->size / 1e9, f->released, f->is_signed ? (P.cat->stale ? "stale" : "signed") : "-",
                 i == newest ? "newest" : "", cache);
        if (i == P.cursor) tui_role_on(t, R_SELECTED);
        tui_put(y++, 1, COLS - 1, l);
        if (i == P.cursor) tui_role_off();
    }
}

void tui_firmware_done(struct tui *t)
{
    if (t->fwq) fw_queue_free(t->fwq);
    t->fwq = NULL;
    pthread_mutex_lock(&P.lock);
    P.closing = 1;
    for (int i = 0; i < 50 && P.fetching; i++) {   /* a catalog fetch still out: give it a moment */
        pthread_mutex_unlock(&P.lock);
        usleep(100000);
        pthread_mutex_lock(&P.lock);
    }
    free(P.cat);
    free(P.fresh);
    P.cat = P.fresh = NULL;
    P.product[0] = 0;
    pthread_mutex_unlock(&P.lock);
}
