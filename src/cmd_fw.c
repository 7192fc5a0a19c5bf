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

int cmd_fw(struct config *c, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        optind = 0;
        return fw_list(c, argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: ibench fw list PRODUCT_TYPE [--signed] [--json]\n");
    return EXIT_USAGE;
}
