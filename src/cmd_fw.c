/* `ibench fw list PRODUCT_TYPE [--signed] [--json]`: the builds a device can
 * take, which are signed, which are already in the cache, which is newest. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "download.h"
#include <signal.h>
#include "commands.h"

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
    static struct catalog cat;
    char err[512];
    if (catalog_load(c, argv[optind], &cat, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        return EXIT_NETWORK;
    }
    int newest = catalog_newest(&cat);
    long age_h = (long)((time(NULL) - cat.fetched) / 3600);
    if (cat.from_cache)
        fprintf(stderr, "ibench: %s; using the catalog cached %ld h ago%s\n", cat.note, age_h,
                cat.stale ? " (signed flags are stale)" : "");
    if (c->json) {
        json_t *arr = json_array();
        for (int i = 0; i < cat.n; i++) {
            const struct firmware *f = &cat.fw[i];
            if (only_signed && !f->is_signed) continue;
            char path[PATH_MAX + 128];
            catalog_cache_path(c, f, path, sizeof path);
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:b}",
                "identifier", f->identifier, "version", f->version, "build", f->build, "size", (json_int_t)f->size,
                "sha1", f->sha1, "url", f->url, "released", f->released, "signed", f->is_signed,
                "signed_stale", cat.stale, "cached", access(path, R_OK) == 0, "newest", i == newest));
        }
        json_t *o = json_pack("{s:s, s:o, s:b, s:I}", "product_type", cat.product, "firmwares", arr,
                              "offline", cat.from_cache, "fetched", (json_int_t)cat.fetched);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
        return EXIT_OK;
    }
    printf("%-10s %-10s %-10s %9s  %-8s %s\n", "VERSION", "BUILD", "RELEASED", "SIZE", "SIGNED", "");
    for (int i = 0; i < cat.n; i++) {
        const struct firmware *f = &cat.fw[i];
        if (only_signed && !f->is_signed) continue;
        char path[PATH_MAX + 128];
        catalog_cache_path(c, f, path, sizeof path);
        printf("%-10s %-10s %-10.10s %6.2f GB  %-8s %s%s\n", f->version, f->build, f->released, f->size / 1e9,
               f->is_signed ? (cat.stale ? "yes?" : "yes") : "no", access(path, R_OK) == 0 ? "cached " : "",
               i == newest ? "newest" : "");
    }
    if (cat.stale) printf("yes? = signed when the catalog was fetched %ld h ago; Apple may have stopped since.\n", age_h);
    return EXIT_OK;
}

struct get { struct loop *loop; struct download *dl; int rc, tty; };

static void on_progress(void *ctx, const struct download_progress *p)
{
    struct get *g = ctx;
    char eta[32] = "?";
    if (p->eta_s >= 0) snprintf(eta, sizeof eta, "%lld:%02lld", (long long)(p->eta_s / 60), (long long)(p->eta_s % 60));
    fprintf(stderr, "%s%6.1f%%  %.1f of %.1f MB  %.1f MB/s  ETA %s%s", g->tty ? "\r" : "",
            p->total ? 100.0 * (double)p->done / (double)p->total : 0.0, p->done / 1e6, p->total / 1e6, p->rate / 1e6, eta,
            g->tty ? "   " : "\n");
}

static void on_done(void *ctx, int rc, const char *msg, const char *path)
{
    struct get *g = ctx;
    g->dl = NULL;
    if (g->tty) fputc('\n', stderr);
    if (rc == 0) { printf("%s\n", path); fprintf(stderr, "ibench: %s\n", msg); g->rc = EXIT_OK; }
    else {
        fprintf(stderr, "ibench: %s\n", msg);
        g->rc = strstr(msg, "mismatch") ? EXIT_INTEGRITY : strstr(msg, "cancelled") ? EXIT_CANCELLED
              : strstr(msg, "disk full") || strstr(msg, "cannot write") ? EXIT_ENVIRONMENT : EXIT_NETWORK;
    }
    loop_stop(g->loop, 0);
}

static void on_sig(void *ctx, int signo)
{
    struct get *g = ctx;
    if (g->dl) download_cancel(g->dl);
}

static int fw_get(struct config *c, int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: ibench fw get PRODUCT_TYPE VERSION|BUILD|latest\n"); return EXIT_USAGE; }
    static struct catalog cat;
    char err[512];
    if (catalog_load(c, argv[1], &cat, err, sizeof err) < 0) { fprintf(stderr, "ibench: %s\n", err); return EXIT_NETWORK; }
    int pick = -1;
    for (int i = 0; i < cat.n; i++) {
        const struct firmware *f = &cat.fw[i];
        if (strcmp(argv[2], "latest") == 0) {
            if (f->is_signed && (pick < 0 || strcmp(f->released, cat.fw[pick].released) > 0)) pick = i;
        } else if (strcmp(f->build, argv[2]) == 0 || (strcmp(f->version, argv[2]) == 0 && pick < 0)) {
            pick = i;
        }
    }
    if (pick < 0) { fprintf(stderr, "ibench: no build '%s' for %s in the catalog (see ibench fw list %s)\n", argv[2], argv[1], argv[1]); return EXIT_USAGE; }
    const struct firmware *f = &cat.fw[pick];
    char path[PATH_MAX + 128];
    catalog_cache_path(c, f, path, sizeof path);
    if (access(path, R_OK) == 0) { printf("%s\n", path); fprintf(stderr, "ibench: already in the cache\n"); return EXIT_OK; }
    if (!f->is_signed) fprintf(stderr, "ibench: note: %s (%s) is not signed; it cannot be restored now\n", f->version, f->build);
    static struct get g;
    g.loop = loop_new();
    g.tty = isatty(STDERR_FILENO);
    g.rc = EXIT_FAIL;
    loop_watch_signal(g.loop, SIGINT, on_sig, &g);
    loop_watch_signal(g.loop, SIGTERM, on_sig, &g);
    fprintf(stderr, "ibench: %s %s (%s), %.2f GB -> %s\n", f->identifier, f->version, f->build, f->size / 1e9, path);
    g.dl = download_start(g.loop, c, f, on_progress, on_done, &g, err, sizeof err);
    if (!g.dl) { fprintf(stderr, "ibench: %s\n", err); loop_free(g.loop); return EXIT_ENVIRONMENT; }
    loop_run(g.loop);
    loop_free(g.loop);
    return g.rc;
}

int cmd_fw(struct config *c, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "get") == 0) return fw_get(c, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        optind = 0;
        return fw_list(c, argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: ibench fw list PRODUCT_TYPE [--signed] [--json]\n"
                    "       ibench fw get PRODUCT_TYPE VERSION|BUILD|latest\n");
    return EXIT_USAGE;
}
