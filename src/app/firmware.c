/* Firmware in the runtime (see firmware.h): the download manager, the
 * followed catalog and the cache listing, kept in struct app. The catalog on
 * disk is read from a loop timer; fresh catalogs and cache listings are read
 * on the pool and handed back with app_post_call(), so nothing here blocks
 * the loop and draws read memory only. */
#include "firmware.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "fw_cache.h"
#include "fw_queue.h"

#define RESCAN_MS 5000          /* the cache listing while someone looks at it */
#define FOLLOW_IDLE_MS 15000    /* ... which stops this long after the last look */
#define MAX_DEVICE_REQUESTS 32

struct fw_req { int id; uint64_t ecid; int64_t size; char label[40]; };

struct firmware_rt {
    struct fw_queue *q;             /* NULL until the first download */
    char product[32];               /* followed product type, "" none */
    struct catalog *cat;            /* its catalog, NULL until loaded */
    int fetching;                   /* a fresh catalog is being fetched on the pool */
    char fetch_err[200];
    struct loop_timer *load;        /* reads the followed product's cached catalog */
    struct loop_timer *rescan;      /* lists the cache folder again */
    struct fw_cache_list cache;     /* the cache folder as last listed */
    int listed, listing;            /* a listing arrived / one is out on the pool */
    unsigned marks;                 /* downloads marked in the listing by hand (mark_cached) */
    int64_t listed_ms, followed_ms;
    struct fw_req req[MAX_DEVICE_REQUESTS];   /* which device asked for what */
    firmware_listener listener;
    void *listener_ctx;
};

static void tell(struct firmware_rt *rt, const char *message)
{
    if (rt->listener) rt->listener(rt->listener_ctx, message);
}

static void fw_close(struct app *a)
{
    struct firmware_rt *rt = a->firmware;
    if (!rt) return;
    fw_queue_free(rt->q);           /* transfers stop, partials kept, no callbacks */
    loop_timer_free(rt->load);
    loop_timer_free(rt->rescan);
    free(rt->cat);
    fw_cache_list_free(&rt->cache);
    free(rt);
    a->firmware = NULL;
}

static void on_load(void *ctx);
static void on_rescan(void *ctx);

static struct firmware_rt *rt_of(struct app *a)
{
    if (a->firmware) return a->firmware;
    struct firmware_rt *rt = calloc(1, sizeof *rt);
    if (!rt) return NULL;
    rt->load = loop_timer_new(a->loop, on_load, a);
    rt->rescan = loop_timer_new(a->loop, on_rescan, a);
    if (!rt->load || !rt->rescan || app_on_close(a, fw_close) < 0) {
        loop_timer_free(rt->load);
        loop_timer_free(rt->rescan);
        free(rt);
        return NULL;
    }
    rt->cache.free_bytes = -1;
    a->firmware = rt;
    return rt;
}

void firmware_listen(struct app *a, firmware_listener fn, void *ctx)
{
    struct firmware_rt *rt = rt_of(a);
    if (!rt) return;
    rt->listener = fn;
    rt->listener_ctx = ctx;
}

/* --- catalogs ------------------------------------------------------------------ */

struct fetch { struct app *a; char product[32]; struct catalog *cat; int ok; char err[200]; struct bench_ev note; };

static void start_fetch(struct app *a, struct firmware_rt *rt);

/* On the loop: a fresh catalog (or why not) from the pool, with its note in
 * the event log. */
static void fetch_done(struct app *a, void *arg)
{
    struct fetch *f = arg;
    struct firmware_rt *rt = a->firmware;
    bench_apply(&a->bench, &f->note);
    if (rt) {
        rt->fetching = 0;
        if (!strcmp(rt->product, f->product)) {
            if (f->ok) { free(rt->cat); rt->cat = f->cat; f->cat = NULL; }
            snprintf(rt->fetch_err, sizeof rt->fetch_err, "%s", f->ok ? "" : f->err);
        } else if (rt->product[0] && (!rt->cat || rt->cat->stale)) {
            start_fetch(a, rt);     /* the followed product changed while this one was out */
        }
        tell(rt, NULL);
    }
    free(f->cat);
    free(f);
}

/* On the pool. */
static void fetch_main(void *arg)
{
    struct fetch *f = arg;
    struct app *a = f->a;
    f->cat = calloc(1, sizeof *f->cat);
    snprintf(f->err, sizeof f->err, "out of memory");
    f->ok = f->cat && catalog_load(a->cfg, f->product, f->cat, f->err, sizeof f->err) == 0;
    f->note = (struct bench_ev){.type = BEV_NOTE, .now_ms = now_ms()};
    snprintf(f->note.text, sizeof f->note.text, "firmware catalog for %s: %s", f->product, f->ok ? "updated" : f->err);
    if (app_post_call(a, fetch_done, f) < 0) { free(f->cat); free(f); }
}

static void start_fetch(struct app *a, struct firmware_rt *rt)
{
    if (rt->fetching || !rt->product[0]) return;
    struct fetch *f = calloc(1, sizeof *f);
    if (!f) return;
    f->a = a;
    snprintf(f->product, sizeof f->product, "%s", rt->product);
    rt->fetching = 1;
    if (app_background(a, fetch_main, f) < 0) rt->fetching = 0;
}

/* The followed product's catalog on disk: small, read on the loop (never in
 * a draw); a fresh copy is fetched when there is none or it is stale. */
static void on_load(void *ctx)
{
    struct app *a = ctx;
    struct firmware_rt *rt = a->firmware;
    if (!rt->product[0] || rt->cat) return;
    struct catalog *c = calloc(1, sizeof *c);
    char err[200];
    if (c && catalog_load_cached(a->cfg, rt->product, c, err, sizeof err) == 0) rt->cat = c;
    else free(c);
    if (!rt->cat || rt->cat->stale) start_fetch(a, rt);
    tell(rt, NULL);
}

/* --- the cache listing ---------------------------------------------------------- */

struct listing { struct app *a; struct fw_cache_list l; int ok; unsigned marks; };

static void start_listing(struct app *a, struct firmware_rt *rt);

static void listing_done(struct app *a, void *arg)
{
    struct listing *r = arg;
    struct firmware_rt *rt = a->firmware;
    if (rt && r->marks != rt->marks) {
        rt->listing = 0;            /* read before a download ended: it would hide it */
        start_listing(a, rt);
    } else if (rt) {
        rt->listing = 0;
        if (r->ok) {
            fw_cache_list_free(&rt->cache);
            rt->cache = r->l;
            r->l = (struct fw_cache_list){0};
            rt->listed = 1;
            rt->listed_ms = now_ms();
        }
        tell(rt, NULL);
    }
    fw_cache_list_free(&r->l);
    free(r);
}

static void listing_main(void *arg)
{
    struct listing *r = arg;
    char err[300];
    r->ok = fw_cache_scan(r->a->cfg, &r->l, err, sizeof err) == 0;
    if (app_post_call(r->a, listing_done, r) < 0) { fw_cache_list_free(&r->l); free(r); }
}

static void start_listing(struct app *a, struct firmware_rt *rt)
{
    if (rt->listing) return;
    struct listing *r = calloc(1, sizeof *r);
    if (!r) return;
    r->a = a;
    r->marks = rt->marks;
    rt->listing = 1;
    if (app_background(a, listing_main, r) < 0) rt->listing = 0;
}

static void on_rescan(void *ctx)
{
    struct app *a = ctx;
    struct firmware_rt *rt = a->firmware;
    if (now_ms() - rt->followed_ms > FOLLOW_IDLE_MS) return;   /* nobody looks: sleep until firmware_follow */
    start_listing(a, rt);
    loop_timer_arm(rt->rescan, RESCAN_MS);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static const struct fw_cache_entry *listed(const struct firmware_rt *rt, const char *name)
{
    for (int i = 0; i < rt->cache.n; i++)
        if (!strcmp(rt->cache.e[i].name, name)) return &rt->cache.e[i];
    return NULL;
}

/* A download ended well: the listing says so at once, before the next scan. */
static void mark_cached(struct firmware_rt *rt, const char *path, int64_t size)
{
    const char *name = base_name(path);
    struct fw_cache_entry *e = (struct fw_cache_entry *)listed(rt, name);
    if (!e) {
        struct fw_cache_entry x = {0};
        if (fw_cache_parse_name(name, x.product, x.version, x.build) < 0) return;
        if (rt->cache.n == rt->cache.cap) {
            int cap = rt->cache.cap ? rt->cache.cap * 2 : 16;
            struct fw_cache_entry *p = realloc(rt->cache.e, (size_t)cap * sizeof *p);
            if (!p) return;
            rt->cache.e = p;
            rt->cache.cap = cap;
        }
        snprintf(x.name, sizeof x.name, "%s", name);
        e = &rt->cache.e[rt->cache.n++];
        *e = x;
    }
    e->partial = false;
    e->size = e->total = size;
    e->used = time(NULL);
    rt->marks++;
}

void firmware_follow(struct app *a, const char *product)
{
    struct firmware_rt *rt = rt_of(a);
    if (!rt) return;
    rt->followed_ms = now_ms();
    if (!loop_timer_armed(rt->rescan)) loop_timer_arm(rt->rescan, rt->listed ? RESCAN_MS : 0);
    if (!product || !strcmp(product, rt->product)) return;
    snprintf(rt->product, sizeof rt->product, "%s", product);
    free(rt->cat);
    rt->cat = NULL;
    rt->fetch_err[0] = 0;
    if (product[0]) loop_timer_arm(rt->load, 0);
}

void firmware_refresh(struct app *a)
{
    struct firmware_rt *rt = rt_of(a);
    if (rt) start_fetch(a, rt);
}

const char *firmware_product(const struct app *a) { return a->firmware ? a->firmware->product : ""; }
const struct catalog *firmware_catalog(const struct app *a) { return a->firmware ? a->firmware->cat : NULL; }
int firmware_fetching(const struct app *a)
{
    return a->firmware && (a->firmware->fetching || loop_timer_armed(a->firmware->load));
}
const char *firmware_fetch_error(const struct app *a) { return a->firmware ? a->firmware->fetch_err : ""; }

void firmware_build_state(const struct app *a, const struct firmware *f, char *out, size_t n)
{
    const struct firmware_rt *rt = a->firmware;
    if (!rt) { snprintf(out, n, "-"); return; }
    if (rt->q) {
        struct fwq_job jobs[FWQ_MAX_JOBS];
        int k = fw_queue_jobs(rt->q, jobs, FWQ_MAX_JOBS);
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
    char name[256];
    snprintf(name, sizeof name, "%s_%s_%s_Restore.ipsw", f->identifier, f->version, f->build);
    const struct fw_cache_entry *e = listed(rt, name);
    if (e && !e->partial) snprintf(out, n, "cached");
    else if (e && f->size > 0) snprintf(out, n, "partial %d%%", (int)(e->size * 100 / f->size));
    else snprintf(out, n, "-");
}

int firmware_cached_builds(const struct app *a, const char *product, const struct fw_cache_entry **out, int max)
{
    const struct firmware_rt *rt = a->firmware;
    int k = 0;
    for (int i = 0; rt && i < rt->cache.n && k < max; i++)
        if (!rt->cache.e[i].partial && !strcmp(rt->cache.e[i].product, product)) out[k++] = &rt->cache.e[i];
    return k;
}

int firmware_cached_path(const struct app *a, const char *product, const char *build, char *out, size_t n)
{
    const struct firmware_rt *rt = a->firmware;
    for (int i = 0; rt && i < rt->cache.n; i++) {
        const struct fw_cache_entry *e = &rt->cache.e[i];
        if (e->partial || strcmp(e->product, product) || strcmp(e->build, build)) continue;
        snprintf(out, n, "%s/%s", a->cfg->cache_dir, e->name);
        return 0;
    }
    return -1;
}

void firmware_newest_cached(struct app *a, const char *product, char *out, size_t n)
{
    struct firmware_rt *rt = rt_of(a);
    out[0] = 0;
    if (!rt) return;
    if (!rt->listed) {
        /* Nothing has listed the cache yet: once, here (a folder read). */
        char err[300];
        struct fw_cache_list l;
        if (fw_cache_scan(a->cfg, &l, err, sizeof err) == 0) {
            fw_cache_list_free(&rt->cache);
            rt->cache = l;
            rt->listed = 1;
            rt->listed_ms = now_ms();
        }
    } else if (now_ms() - rt->listed_ms > RESCAN_MS) {
        start_listing(a, rt);       /* fresher next time */
    }
    const struct fw_cache_entry *best = NULL;
    for (int i = 0; i < rt->cache.n; i++) {
        const struct fw_cache_entry *e = &rt->cache.e[i];
        if (!e->partial && !strcmp(e->product, product) && (!best || e->used >= best->used)) best = e;
    }
    if (best) snprintf(out, n, "%s/%s", a->cfg->cache_dir, best->name);
}

/* --- downloads -------------------------------------------------------------------- */

/* The manager says something moved: each asking device's row shows its download. */
static void on_queue_changed(void *ctx)
{
    struct app *a = ctx;
    struct firmware_rt *rt = a->firmware;
    for (int i = 0; i < MAX_DEVICE_REQUESTS; i++) {
        struct fw_queue_status st;
        if (!rt->req[i].id || fw_queue_status(rt->q, rt->req[i].id, &st) < 0) continue;
        struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now_ms(), .has_ecid = true, .ecid = rt->req[i].ecid};
        if (st.state == FWQ_QUEUED) { ev.progress = -1; snprintf(ev.text, sizeof ev.text, "firmware queued (#%d)", st.position); }
        else {
            ev.progress = st.p.total > 0 ? (int)(st.p.done * 100 / st.p.total) : 0;
            snprintf(ev.text, sizeof ev.text, "firmware %d%% %.1f MB/s", ev.progress, st.p.rate / 1e6);
        }
        app_post(a, &ev);
    }
    tell(rt, NULL);
}

static struct fw_queue *queue_of(struct app *a, struct firmware_rt *rt)
{
    if (!rt->q && (rt->q = fw_queue_new(a->loop, a->cfg))) fw_queue_set_notify(rt->q, on_queue_changed, a);
    return rt->q;
}

static void device_done(void *ctx, int request, int rc, const char *message, const char *path)
{
    struct app *a = ctx;
    struct firmware_rt *rt = a->firmware;
    for (int i = 0; i < MAX_DEVICE_REQUESTS; i++) {
        if (rt->req[i].id != request) continue;
        struct bench_ev ev = {.type = BEV_STATUS, .now_ms = now_ms(), .has_ecid = true, .ecid = rt->req[i].ecid, .progress = -1};
        app_post(a, &ev);
        ev.type = BEV_NOTE;
        snprintf(ev.text, sizeof ev.text, "firmware %s: %.120s", rc == DOWNLOAD_OK ? "in the cache" : "failed", message);
        app_post(a, &ev);
        char line[200];
        snprintf(line, sizeof line, "%s: firmware %s", rt->req[i].label, message);   /* the download's own words: verified, or size only */
        rt->req[i].id = 0;
        if (rc == DOWNLOAD_OK) mark_cached(rt, path, rt->req[i].size);
        start_listing(a, rt);
        tell(rt, line);
    }
}

int firmware_fetch_for(struct app *a, const struct device *d, const struct firmware *f, char *err, size_t n)
{
    struct firmware_rt *rt = rt_of(a);
    if (!rt || !queue_of(a, rt)) { snprintf(err, n, "Cannot start the download manager."); return -1; }
    int slot = -1;
    for (int i = 0; i < MAX_DEVICE_REQUESTS && slot < 0; i++) if (!rt->req[i].id) slot = i;
    if (slot < 0) { snprintf(err, n, "Too many downloads requested."); return -1; }
    int id = fw_queue_get(rt->q, f, device_done, a, err, n);
    if (id < 0) return -1;
    rt->req[slot].id = id;
    rt->req[slot].ecid = d->ecid;
    rt->req[slot].size = f->size;
    snprintf(rt->req[slot].label, sizeof rt->req[slot].label, "%s", device_label(d));
    return 0;
}

int firmware_get(struct app *a, const struct firmware *f, firmware_done_fn done, void *ctx, char *err, size_t n)
{
    struct firmware_rt *rt = rt_of(a);
    if (!rt || !queue_of(a, rt)) { snprintf(err, n, "cannot start the download manager"); return -1; }
    return fw_queue_get(rt->q, f, done, ctx, err, n);
}

void firmware_cancel(struct app *a, int request)
{
    if (a->firmware && a->firmware->q) fw_queue_cancel(a->firmware->q, request);
}

int firmware_jobs(const struct app *a, struct fwq_job *out, int max)
{
    return a->firmware && a->firmware->q ? fw_queue_jobs(a->firmware->q, out, max) : 0;
}

int firmware_position(const struct app *a, int job)
{
    return a->firmware && a->firmware->q ? fwq_position(fw_queue_book(a->firmware->q), job) : 0;
}

int firmware_verb_fetch(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    const char *product = d->model ? d->model->product_type : d->product_type;
    const char *want = arg && arg[0] ? arg : "latest";
    struct firmware_rt *rt = rt_of(a);
    struct catalog *own = NULL;
    const struct catalog *cat = rt && !strcmp(rt->product, product) ? rt->cat : NULL;
    if (!cat) {
        char why[200];
        own = calloc(1, sizeof *own);
        if (!own || catalog_load_cached(a->cfg, product, own, why, sizeof why) < 0) {
            snprintf(err, n, "no catalog for %s yet (ibench fw list %s fetches it)", product, product);
            free(own);
            return -1;
        }
        cat = own;
    }
    int pick = catalog_pick(cat, want);
    int rc = -1;
    if (pick < 0) snprintf(err, n, "no build '%s' for %s in the catalog (see ibench fw list %s)", want, product, product);
    else if (firmware_fetch_for(a, d, &cat->fw[pick], err, n) == 0) rc = 0;
    free(own);
    return rc;
}
