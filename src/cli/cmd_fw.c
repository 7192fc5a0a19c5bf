/* `ibench fw list|get|cache|verify|prune`: the builds a device can take, which
 * are signed, cached and newest; verified downloads; the cache's contents, its
 * integrity and its size. A front end of firmware.h (downloads, through the
 * runtime's download manager) and firmware_cache.h (catalogs, the cache). */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "sanitize.h"
#include "commands.h"
#include "firmware.h"
#include "firmware_cache.h"

static int list_catalog(const struct config *c, const struct catalog *cat, int only_signed)
{
    int newest = catalog_newest(cat);
    long age_h = (long)((time(NULL) - cat->fetched) / 3600);
    if (cat->from_cache)
        fprintf(stderr, "ibench: %s; using the catalog cached %ld h ago%s\n", cat->note, age_h,
                cat->stale ? " (signed flags are stale)" : "");
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < cat->n; i++) {
            const struct firmware *f = &cat->fw[i];
            if (only_signed && !f->is_signed) continue;
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:b}",
                "identifier", f->identifier, "version", f->version, "build", f->build, "size", (json_int_t)f->size,
                "sha1", f->sha1, "url", f->url, "released", f->released, "signed", f->is_signed,
                "signed_stale", cat->stale, "cached", firmware_is_cached(c, f), "newest", i == newest));
        }
        json_t *o = json_pack("{s:s, s:o, s:b, s:I}", "product_type", cat->product, "firmwares", arr,
                              "offline", cat->from_cache, "fetched", (json_int_t)cat->fetched);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
        return EXIT_OK;
    }
    printf("%-10s %-10s %-10s %9s  %-8s %s\n", "VERSION", "BUILD", "RELEASED", "SIZE", "SIGNED", "");
    for (int i = 0; i < cat->n; i++) {
        const struct firmware *f = &cat->fw[i];
        if (only_signed && !f->is_signed) continue;
        printf("%-10s %-10s %-10.10s %6.2f GB  %-8s %s%s\n", f->version, f->build, f->released, f->size / 1e9,
               f->is_signed ? (cat->stale ? "yes?" : "yes") : "no", firmware_is_cached(c, f) ? "cached " : "",
               i == newest ? "newest" : "");
    }
    if (cat->stale) printf("yes? = signed when the catalog was fetched %ld h ago; Apple may have stopped since.\n", age_h);
    return EXIT_OK;
}

static int fw_list(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"signed", no_argument, 0, 's'}, {0, 0, 0, 0}};
    int ch, only_signed = 0;
    while ((ch = getopt_long(argc, argv, "js", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 's') only_signed = 1;
        else return EXIT_USAGE;
    }
    if (argc - optind != 1) { fprintf(stderr, "usage: ibench fw list PRODUCT_TYPE [--signed] [--json]\n"); return EXIT_USAGE; }
    struct catalog *cat = calloc(1, sizeof *cat);   /* about 205 KB */
    char err[512];
    if (!cat) return EXIT_FAIL;
    int rc = EXIT_NETWORK;
    if (firmware_catalog_load(c, argv[optind], cat, err, sizeof err) < 0) fprintf(stderr, "ibench: %s\n", err);
    else rc = list_catalog(c, cat, only_signed);
    free(cat);
    return rc;
}


static int exit_code(int rc)
{
    switch (rc) {
    case DOWNLOAD_OK: return EXIT_OK;
    case DOWNLOAD_ERR_INTEGRITY: return EXIT_INTEGRITY;
    case DOWNLOAD_ERR_DISK: return EXIT_ENVIRONMENT;
    case DOWNLOAD_ERR_CANCELLED: return EXIT_CANCELLED;
    default: return EXIT_NETWORK;
    }
}

/* `fw get` runs every request through the runtime's download manager, so
 * the same build named twice is fetched once and max_downloads holds here
 * too. */
struct want {
    struct firmware fw;
    char path[PATH_MAX + 128];
    int request, rc, finished;
    int said_queued;               /* "queued" was printed */
};

struct get {
    struct app app;
    struct want *w;
    int n, left, tty, cap;
    int64_t last_print;
    struct fwq_job jobs[FWQ_MAX_JOBS];
};

static void fmt_progress(const struct fwq_job *j, int position, int many, char *out, size_t n)
{
    const struct download_progress *p = &j->p;
    char eta[32] = "?";
    if (p->eta_s >= 0) snprintf(eta, sizeof eta, "%lld:%02lld", (long long)(p->eta_s / 60), (long long)(p->eta_s % 60));
    double pct = p->total ? 100.0 * (double)p->done / (double)p->total : 0.0;
    if (j->state == FWQ_QUEUED)
        snprintf(out, n, many ? "%s queued #%d" : "%squeued (#%d in line)", many ? j->fw.build : "", position);
    else if (p->waiting)
        snprintf(out, n, many ? "%s waiting %.0f%%" : "%swaiting: another ibench is downloading this build (%.1f%%)",
                 many ? j->fw.build : "", pct);
    else if (many)
        snprintf(out, n, "%s %.0f%% %.1f MB/s", j->fw.build, pct, p->rate / 1e6);
    else
        snprintf(out, n, "%6.1f%%  %.1f of %.1f MB  %.1f MB/s  ETA %s", pct, p->done / 1e6, p->total / 1e6, p->rate / 1e6, eta);
}

/* Says once, at once, that a build waits for a free transfer slot: while
 * others download, a queued build shows no progress of its own. */
static void say_queued(struct get *g, int n)
{
    int active = 0;
    for (int i = 0; i < n; i++) active += g->jobs[i].state == FWQ_ACTIVE;
    if (!active) return;   /* nothing started yet: the queue has not been served */
    for (int i = 0; i < n; i++) {
        const struct fwq_job *j = &g->jobs[i];
        if (j->state != FWQ_QUEUED) continue;
        for (int k = 0; k < g->n; k++) {
            struct want *w = &g->w[k];
            if (w->said_queued || strcmp(w->fw.identifier, j->fw.identifier) || strcmp(w->fw.build, j->fw.build)) continue;
            w->said_queued = 1;
            fprintf(stderr, "%sibench: %s %s: queued (#%d in line; at most %d download%s at once, max_downloads)\n",
                    g->tty ? "\n" : "", w->fw.identifier, w->fw.build, firmware_position(&g->app, j->id), g->cap,
                    g->cap == 1 ? "" : "s");
        }
    }
}

static void on_changed(void *ctx, const char *message)
{
    struct get *g = ctx;
    int n = firmware_jobs(&g->app, g->jobs, FWQ_MAX_JOBS), shown = 0;
    say_queued(g, n);
    int64_t now = now_ms();
    if (now - g->last_print < (g->tty ? 250 : 1000)) return;
    g->last_print = now;
    char line[1024] = "", part[256];
    for (int i = 0; i < n; i++) {
        if (g->jobs[i].state == FWQ_DONE) continue;
        fmt_progress(&g->jobs[i], firmware_position(&g->app, g->jobs[i].id), n > 1, part, sizeof part);
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%s%s", shown++ ? "  " : "", part);
    }
    if (shown) fprintf(stderr, "%s%s%s", g->tty ? "\r" : "", line, g->tty ? "   " : "\n");
}

static void on_got(void *ctx, int request, int rc, const char *msg, const char *path)
{
    struct get *g = ctx;
    for (int i = 0; i < g->n; i++) {
        struct want *w = &g->w[i];
        if (w->request != request) continue;
        w->finished = 1;
        w->rc = exit_code(rc);
        if (g->tty) fputc('\n', stderr);
        if (rc == DOWNLOAD_OK) printf("%s\n", path);
        char clean[1024];   /* server text (curl's error, URLs) passes the sanitizer */
        sanitize_text(clean, sizeof clean, msg, msg ? strlen(msg) : 0);
        if (g->n > 1) fprintf(stderr, "ibench: %s %s: %s\n", w->fw.identifier, w->fw.build, clean);
        else fprintf(stderr, "ibench: %s\n", clean);
        fflush(stdout);
        g->last_print = 0;
        if (--g->left == 0) loop_stop(g->app.loop, 0);
    }
}

static void on_sig(void *ctx, int signo)
{
    struct get *g = ctx;
    for (int i = 0; i < g->n; i++) {
        struct want *w = &g->w[i];
        if (w->finished || w->request <= 0) continue;
        firmware_cancel(&g->app, w->request);
        w->finished = 1;
        w->rc = EXIT_CANCELLED;
        fprintf(stderr, "%sibench: %s %s: cancelled; what was downloaded is kept and resumes next time\n", g->tty ? "\n" : "",
                w->fw.identifier, w->fw.build);
    }
    loop_stop(g->app.loop, 0);
}

/* Resolves every PRODUCT_TYPE BUILD pair into g->w; EXIT_OK or why not. */
static int resolve(struct config *c, struct get *g, char **argv)
{
    struct catalog *cat = calloc(1, sizeof *cat);   /* about 205 KB */
    char err[512];
    int rc = cat ? EXIT_OK : EXIT_FAIL;
    for (int i = 0; i < g->n && rc == EXIT_OK; i++) {
        const char *product = argv[1 + 2 * i], *want = argv[2 + 2 * i];
        if (strcmp(cat->product, product) != 0 || cat->n == 0) {
            if (firmware_catalog_load(c, product, cat, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); rc = EXIT_NETWORK; break; }
            if (cat->from_cache) fprintf(stderr, "ibench: %s; using the catalog of %s cached earlier\n", cat->note, product);
        }
        int pick = catalog_pick(cat, want);
        if (pick < 0) {
            fprintf(stderr, "ibench: no build '%s' for %s in the catalog (see ibench fw list %s)\n", want, product, product);
            rc = EXIT_USAGE;
            break;
        }
        g->w[i].fw = cat->fw[pick];
        catalog_cache_path(c, &g->w[i].fw, g->w[i].path, sizeof g->w[i].path);
    }
    free(cat);
    return rc;
}

static int fw_get(struct config *c, int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: ibench fw get PRODUCT_TYPE VERSION|BUILD|latest [PRODUCT_TYPE VERSION|BUILD|latest...]\n");
        return EXIT_USAGE;
    }
    struct get *g = calloc(1, sizeof *g);
    if (!g) return EXIT_FAIL;
    g->n = (argc - 1) / 2;
    g->w = calloc((size_t)g->n, sizeof *g->w);
    int rc = g->w ? resolve(c, g, argv) : EXIT_FAIL;
    if (rc == EXIT_OK && app_open(&g->app, c, APP_NO_DEVICES) < 0) rc = EXIT_FAIL;
    if (rc != EXIT_OK) { free(g->w); free(g); return rc; }
    g->tty = isatty(STDERR_FILENO);
    g->cap = c->max_downloads;
    g->left = g->n;
    g->last_print = now_ms(); /* the first line once something has happened */
    firmware_listen(&g->app, on_changed, g);
    loop_watch_signal(g->app.loop, SIGINT, on_sig, g);
    loop_watch_signal(g->app.loop, SIGTERM, on_sig, g);
    char err[512];
    for (int i = 0; i < g->n; i++) {
        const struct firmware *f = &g->w[i].fw;
        if (!f->is_signed) fprintf(stderr, "ibench: note: %s (%s) is not signed; it cannot be restored now\n", f->version, f->build);
        if (!firmware_is_cached(c, f))
            fprintf(stderr, "ibench: %s %s (%s), %.2f GB -> %s\n", f->identifier, f->version, f->build, f->size / 1e9, g->w[i].path);
        g->w[i].request = firmware_get(&g->app, f, on_got, g, err, sizeof err);
        if (g->w[i].request < 0) {
            fprintf(stderr, "ibench: %s\n", err);
            g->w[i].finished = 1;
            g->w[i].rc = EXIT_FAIL;
            g->left--;
        }
    }
    if (g->left > 0) loop_run(g->app.loop);
    app_close(&g->app);   /* stops what is left (partials kept) */
    for (int i = 0; i < g->n && rc == EXIT_OK; i++) rc = g->w[i].finished ? g->w[i].rc : EXIT_FAIL;
    free(g->w);
    free(g);
    return rc;
}

/* ---- the cache ---- */

static void fmt_age(time_t now, time_t t, char *out, size_t n)
{
    long s = (long)(now - t);
    if (t <= 0) snprintf(out, n, "never");
    else if (s < 3600) snprintf(out, n, "%ld min ago", s < 0 ? 0 : s / 60);
    else if (s < 2 * 86400) snprintf(out, n, "%ld h ago", s / 3600);
    else snprintf(out, n, "%ld d ago", s / 86400);
}

static int fw_cache_cmd(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else return EXIT_USAGE;
    }
    if (optind != argc) { fprintf(stderr, "usage: ibench fw cache [--json]\n"); return EXIT_USAGE; }
    struct fw_cache_list l;
    char err[512];
    if (firmware_cache_list(c, &l, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_ENVIRONMENT; }
    time_t now = time(NULL);
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < l.n; i++) {
            const struct fw_cache_entry *e = &l.e[i];
            static const char *const how[] = {[FW_CHECK_NONE] = "none", [FW_CHECK_SIZE] = "size", [FW_CHECK_CATALOG] = "catalog"};
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:I, s:s, s:s, s:b}", "name", e->name,
                "product_type", e->product, "version", e->version, "build", e->build,
                "state", e->partial ? "partial" : "complete", "size", (json_int_t)e->size, "total", (json_int_t)e->total,
                "locked", e->locked, "used", (json_int_t)e->used, "sha1", e->sha1, "sha256", e->sha256,
                "checksum_recorded", !e->partial && e->check.how == FW_CHECK_CATALOG);
            if (!e->partial) json_object_set_new(o, "checked", json_string(how[e->check.how]));
            if (e->check.how == FW_CHECK_CATALOG) json_object_set_new(o, "verified", json_integer(e->check.when));
            if (e->check.how == FW_CHECK_SIZE) {
                json_object_set_new(o, "size_checked", json_integer(e->check.when));
                json_object_set_new(o, "sha1_local", json_string(e->check.local_sha1));
            }
            if (e->partial && e->total > 0) json_object_set_new(o, "progress", json_real((double)e->size / (double)e->total));
            json_array_append_new(arr, o);
        }
        json_t *o = json_pack("{s:s, s:o, s:I, s:I}", "dir", c->cache_dir, "files", arr, "bytes", (json_int_t)l.bytes,
                              "free_bytes", (json_int_t)l.free_bytes);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
        fw_cache_list_free(&l);
        return EXIT_OK;
    }
    if (l.n) printf("%-12s %-9s %-9s %10s  %-12s %s\n", "PRODUCT", "VERSION", "BUILD", "SIZE", "LAST USED", "STATE");
    int partials = 0;
    for (int i = 0; i < l.n; i++) {
        const struct fw_cache_entry *e = &l.e[i];
        char used[32], state[128], ver[32];
        fmt_age(now, e->used, used, sizeof used);
        if (e->partial) {
            partials++;
            if (e->total > 0)
                snprintf(state, sizeof state, "partial %.0f%% of %.2f GB%s", 100.0 * (double)e->size / (double)e->total,
                         e->total / 1e9, e->locked ? ", downloading now" : "");
            else snprintf(state, sizeof state, "partial%s", e->locked ? ", downloading now" : "");
        } else if (e->check.how == FW_CHECK_CATALOG) {
            fmt_age(now, e->check.when, ver, sizeof ver);
            snprintf(state, sizeof state, "verified %s%s%s", ver,
                     e->check.sha1[0] ? (e->check.sha256[0] ? " (SHA-1, SHA-256)" : " (SHA-1)") : " (SHA-256)",
                     e->locked ? ", in use" : "");
        } else if (e->check.how == FW_CHECK_SIZE) {
            fmt_age(now, e->check.when, ver, sizeof ver);
            snprintf(state, sizeof state, "size only %s (no catalog checksum)%s", ver, e->locked ? ", in use" : "");
        } else {
            snprintf(state, sizeof state, "not verified: no checksum recorded%s", e->locked ? ", in use" : "");
        }
        printf("%-12s %-9s %-9s %7.2f GB  %-12s %s\n", e->product, e->version, e->build, e->size / 1e9, used, state);
    }
    printf("%d file%s (%d partial), %.2f GB in %s; %.1f GB free\n", l.n, l.n == 1 ? "" : "s", partials, l.bytes / 1e9,
           c->cache_dir, l.free_bytes >= 0 ? l.free_bytes / 1e9 : 0.0);
    fw_cache_list_free(&l);
    return EXIT_OK;
}

struct verify_progress { const char *name; int tty, shown; };

static void on_hash_progress(void *ctx, int64_t done, int64_t total)
{
    struct verify_progress *v = ctx;
    v->shown = 1;
    fprintf(stderr, "%sverifying %s: %.0f%% of %.2f GB%s", v->tty ? "\r" : "", v->name,
            total ? 100.0 * (double)done / (double)total : 100.0, total / 1e9, v->tty ? "   " : "\n");
}

/* Re-hashes one complete cache entry and says what came of it. */
static enum firmware_verify verify_one(const struct config *c, const struct fw_cache_entry *e)
{
    struct verify_progress vp = {e->name, isatty(STDERR_FILENO), 0};
    char detail[PATH_MAX + 200];
    enum firmware_verify r = firmware_cache_verify(c, e, on_hash_progress, &vp, detail, sizeof detail);
    if (vp.tty && vp.shown) fputc('\n', stderr);
    if (r == FIRMWARE_VERIFY_SKIPPED) printf("SKIPPED %s: %s\n", e->name, detail);
    else if (r == FIRMWARE_VERIFY_SIZE_ONLY) printf("SIZE-ONLY %s: %s\n", e->name, detail);
    else if (r == FIRMWARE_VERIFY_CORRUPT)
        printf("CORRUPT %s: %s; deleted (ibench fw get %s %s fetches it again)\n", e->name, detail, e->product, e->build);
    else printf("OK %s (%s)\n", e->name, detail);
    return r;
}

static int fw_verify(struct config *c, int argc, char **argv)
{
    if (argc > 3) { fprintf(stderr, "usage: ibench fw verify [FILE | PRODUCT_TYPE BUILD]\n"); return EXIT_USAGE; }
    struct fw_cache_list l;
    char err[512];
    if (firmware_cache_list(c, &l, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_ENVIRONMENT; }
    const char *file = argc == 2 ? argv[1] : NULL;
    const char *base = file ? (strrchr(file, '/') ? strrchr(file, '/') + 1 : file) : NULL;
    if (file && strchr(file, '/')) {
        /* A path must be the cache's own file, not a look-alike elsewhere. */
        if (!firmware_cache_owns(c, file)) {
            fprintf(stderr, "ibench: %s is not a file in the firmware cache %s\n", file, c->cache_dir);
            fw_cache_list_free(&l);
            return EXIT_USAGE;
        }
    }
    int ok = 0, size_only = 0, corrupt = 0, skipped = 0, matched = 0;
    for (int i = 0; i < l.n; i++) {
        const struct fw_cache_entry *e = &l.e[i];
        if (e->partial) continue;
        if (base && strcmp(e->name, base) != 0) continue;
        if (argc == 3 && (strcmp(e->product, argv[1]) != 0 || strcmp(e->build, argv[2]) != 0)) continue;
        matched++;
        switch (verify_one(c, e)) {
        case FIRMWARE_VERIFY_OK: ok++; break;
        case FIRMWARE_VERIFY_CORRUPT: corrupt++; break;
        case FIRMWARE_VERIFY_SKIPPED: skipped++; break;
        case FIRMWARE_VERIFY_SIZE_ONLY: size_only++; break;
        }
    }
    fw_cache_list_free(&l);
    if (argc > 1 && !matched) {
        fprintf(stderr, "ibench: no complete file %s%s%s in the cache %s (see ibench fw cache)\n", argv[1],
                argc == 3 ? " " : "", argc == 3 ? argv[2] : "", c->cache_dir);
        return EXIT_FAIL;
    }
    if (size_only)
        fprintf(stderr, "ibench: %d OK, %d size only (no catalog checksum), %d corrupt, %d skipped\n", ok, size_only, corrupt, skipped);
    else fprintf(stderr, "ibench: %d OK, %d corrupt, %d skipped\n", ok, corrupt, skipped);
    return corrupt ? EXIT_INTEGRITY : skipped ? EXIT_FAIL : EXIT_OK;
}

#define STALE_PARTIAL_DAYS 7

static int fw_prune(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"older-than", required_argument, 0, 'o'}, {"max-size", required_argument, 0, 'm'},
                                         {"dry-run", no_argument, 0, 'n'}, {0, 0, 0, 0}};
    int ch, dry = 0;
    int64_t older = -1, max = -1;
    while ((ch = getopt_long(argc, argv, "o:m:n", opts, NULL)) != -1) {
        if (ch == 'o') {
            char *end;
            long d = strtol(optarg, &end, 10);
            if (end == optarg || *end || d < 0 || d > 100000) { fprintf(stderr, "ibench: --older-than takes a number of days\n"); return EXIT_USAGE; }
            older = (int64_t)d * 86400;
        } else if (ch == 'm') {
            if ((max = fw_cache_parse_size(optarg)) < 0) { fprintf(stderr, "ibench: --max-size takes a size such as 20G or 500MiB\n"); return EXIT_USAGE; }
        } else if (ch == 'n') dry = 1;
        else return EXIT_USAGE;
    }
    if (optind != argc) { fprintf(stderr, "usage: ibench fw prune [--older-than DAYS] [--max-size SIZE] [--dry-run]\n"); return EXIT_USAGE; }
    struct fw_cache_list l;
    char err[512];
    if (firmware_cache_list(c, &l, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_ENVIRONMENT; }
    time_t now = time(NULL);
    int64_t stale = older >= 0 ? older : STALE_PARTIAL_DAYS * 86400;
    fw_cache_plan_prune(&l, now, older, max, stale, NULL);
    int rc = EXIT_OK, removed = 0;
    int64_t gone = 0, left = 0;
    for (int i = 0; i < l.n; i++) {
        const struct fw_cache_entry *e = &l.e[i];
        char used[32];
        fmt_age(now, e->used, used, sizeof used);
        if (!e->prune) {
            left += e->size;
            if (e->locked) printf("kept %s%s: in use by another ibench\n", e->name, e->partial ? ".part" : "");
            continue;
        }
        if (dry) {
            printf("would remove %s%s (%.2f GB, %s %s)\n", e->name, e->partial ? ".part" : "", e->size / 1e9,
                   e->partial ? "last written" : "last used", used);
            removed++;
            gone += e->size;
            continue;
        }
        if (firmware_cache_remove(c, e, err, sizeof err) < 0) {
            printf("kept %s%s: %s\n", e->name, e->partial ? ".part" : "", err);
            left += e->size;
            if (!strstr(err, "in use")) rc = EXIT_ENVIRONMENT;
            continue;
        }
        printf("removed %s%s (%.2f GB, %s %s)\n", e->name, e->partial ? ".part" : "", e->size / 1e9,
               e->partial ? "last written" : "last used", used);
        removed++;
        gone += e->size;
    }
    fw_cache_list_free(&l);
    fprintf(stderr, "ibench: %s %d file%s, %.2f GB; %.2f GB %s in the cache\n", dry ? "would remove" : "removed", removed,
            removed == 1 ? "" : "s", gone / 1e9, left / 1e9, dry ? "would be left" : "left");
    if (max >= 0 && left > max) fprintf(stderr, "ibench: still above --max-size: what is left is in use or partial\n");
    return rc;
}

int cmd_fw(struct config *c, int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(struct config *, int, char **); } subs[] = {
        {"list", fw_list}, {"get", fw_get}, {"cache", fw_cache_cmd}, {"verify", fw_verify}, {"prune", fw_prune},
    };
    for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) == 0) {
            optind = 0;
            return subs[i].fn(c, argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "usage: ibench fw list PRODUCT_TYPE [--signed] [--json]\n"
                    "       ibench fw get PRODUCT_TYPE VERSION|BUILD|latest [PRODUCT_TYPE VERSION|BUILD|latest...]\n"
                    "       ibench fw cache [--json]\n"
                    "       ibench fw verify [FILE | PRODUCT_TYPE BUILD]\n"
                    "       ibench fw prune [--older-than DAYS] [--max-size SIZE] [--dry-run]\n");
    return EXIT_USAGE;
}
