/* `ibench ipsw info FILE|URL [--device X] [--verify] [--json]`: what an IPSW
 * holds, whether it is complete, how far it is known intact (its directory
 * always; every CRC with --verify, or `ibench ipsw verify FILE`), and which
 * of its identities fit a device.
 * `ibench ipsw extract FILE|URL [-o DIR] [--device X [--identity B]] [PATTERN...]`:
 * files out of it, on worker threads, with progress on a terminal.
 * A front end of ipsw_doc.h: it parses, calls the app and prints. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands.h"
#include "ipsw_doc.h"
#include "sanitize.h"
#include "models.h"

/* Verification progress: a line every 10%. */
static void v_progress(long long done, long long total, void *user)
{
    int *last = user, pct = total > 0 ? (int)(done * 100 / total) : 100;
    if (pct / 10 == *last) return;
    *last = pct / 10;
    fprintf(stderr, "verify: %d%% of %.1f MB\n", pct, total / 1e6);
}

static const char *integrity_words(const struct ipsw_doc *d)
{
    switch (d->check) {
    case IPSW_CHECK_INTACT: return d->by_catalog ? "intact: its checksum matched the catalog at download" : "intact: every CRC checked";
    case IPSW_CHECK_DAMAGED: return "DAMAGED";
    default: return "directory consistent; CRCs not checked (--verify reads every entry of a local file)";
    }
}

static int info(struct config *c, const char *file, const char *device, int verify)
{
    char why[400] = "";
    int fits[IPSW_MAX_IDENTITIES] = {0}, nfit = -1;
    const struct model *dev = NULL;
    if (device && !(dev = models_find(device))) {
        fprintf(stderr, "ibench: unknown device '%s' (product type or board; see `ibench models`)\n", device);
        return EXIT_USAGE;
    }
    struct ipsw_doc *doc = ipsw_doc_read(c, file);
    if (!doc) { fprintf(stderr, "ibench: out of memory\n"); return EXIT_FAIL; }
    int remote = doc->remote;
    if (doc->state != IPSW_DOC_READY) {
        fprintf(stderr, "ibench: %s\n", doc->network ? doc->net_err : doc->err);
        if (remote) fprintf(stderr, "Transferred: %lld bytes in %lld requests\n", doc->transferred, doc->requests);
        int rc = doc->network ? EXIT_NETWORK : EXIT_INTEGRITY;
        ipsw_doc_free(doc);
        return rc;
    }
    if (remote) fprintf(stderr, "Transferred: %lld bytes in %lld requests\n", doc->transferred, doc->requests);
    int last = -1;
    if (verify && !(doc->check == IPSW_CHECK_INTACT && !doc->by_catalog) && ipsw_doc_verify(doc, v_progress, &last) < 0 &&
        doc->check != IPSW_CHECK_DAMAGED) {
        fprintf(stderr, "ibench: cannot verify: %s\n", doc->check_err);
        ipsw_doc_free(doc);
        return remote ? EXIT_USAGE : EXIT_INTEGRITY;
    }
    if (doc->check == IPSW_CHECK_DAMAGED) fprintf(stderr, "ibench: %s\n", doc->check_err);
    const struct ipsw_manifest *mp = doc->m;
    int missing = doc->missing;
    if (dev) nfit = ipsw_match(mp, dev->product_type, dev->cpid, dev->bdid, fits, why, sizeof why);
    if (c->json) {
        json_t *o = json_pack("{s:s, s:s, s:b, s:i, s:s}", "version", mp->version, "build", mp->build, "complete", missing == 0,
                              "missing_components", missing, "integrity",
                              doc->check == IPSW_CHECK_INTACT ? "intact" : doc->check == IPSW_CHECK_DAMAGED ? "damaged" : "directory");
        if (doc->check == IPSW_CHECK_INTACT) json_object_set_new(o, "intact_by", json_string(doc->by_catalog ? "catalog" : "crc"));
        if (doc->check == IPSW_CHECK_DAMAGED) json_object_set_new(o, "integrity_error", json_string(doc->check_err));
        json_t *prods = json_array(), *ids = json_array();
        for (int i = 0; i < mp->nproducts; i++) json_array_append_new(prods, json_string(mp->products[i]));
        for (int i = 0; i < mp->nidentities; i++) {
            const struct ipsw_identity *id = &mp->identities[i];
            char chip[16], board[16];
            snprintf(chip, sizeof chip, "0x%04x", id->chip_id);
            snprintf(board, sizeof board, "0x%02x", id->board_id);
            json_t *comps = json_array();
            for (int k = 0; k < id->ncomponents; k++)
                json_array_append_new(comps, json_pack("{s:s, s:s, s:I}", "name", id->components[k].name, "path",
                                                       id->components[k].path, "size", (json_int_t)id->components[k].size));
            json_t *jo = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "board", id->board, "ap_chip_id", chip,
                                   "ap_board_id", board, "variant", id->variant, "behavior", id->behavior, "components", comps);
            if (dev) json_object_set_new(jo, "fits", json_boolean(fits[i]));
            json_array_append_new(ids, jo);
        }
        json_object_set_new(o, "supported_product_types", prods);
        json_object_set_new(o, "identities", ids);
        if (remote) {
            json_object_set_new(o, "transferred_bytes", json_integer((json_int_t)doc->transferred));
            json_object_set_new(o, "requests", json_integer((json_int_t)doc->requests));
        }
        if (dev) {
            json_object_set_new(o, "device", json_string(dev->product_type));
            json_object_set_new(o, "fits", json_boolean(nfit > 0));
            if (why[0]) json_object_set_new(o, "why_not", json_string(why));
        }
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
    } else {
        printf("iOS %s (%s)\nFor: ", mp->version, mp->build);
        for (int i = 0; i < mp->nproducts; i++) printf("%s%s", i ? ", " : "", mp->products[i]);
        printf("\nArchive: %s\n", missing ? "INCOMPLETE" : "complete (every manifest path present)");
        if (missing) printf("  %d component path(s) named by the manifest are missing\n", missing);
        printf("Integrity: %s%s%s\n", integrity_words(doc), doc->check == IPSW_CHECK_DAMAGED ? ": " : "",
               doc->check == IPSW_CHECK_DAMAGED ? doc->check_err : "");
        for (int i = 0; i < mp->nidentities; i++) {
            const struct ipsw_identity *id = &mp->identities[i];
            printf("\n%s%-7s %-8s ApChipID 0x%04x ApBoardID 0x%02x  %s\n", dev ? (fits[i] ? "* " : "  ") : "",
                   id->behavior, id->board, id->chip_id, id->board_id, id->variant);
            for (int k = 0; k < id->ncomponents; k++) {
                const struct ipsw_component *cp = &id->components[k];
                if (cp->size >= 0) printf("    %-24s %-52s %12" PRId64 "\n", cp->name, cp->path, cp->size);
                else printf("    %-24s %-52s %12s\n", cp->name, cp->path, "MISSING");
            }
        }
        if (dev && nfit > 0) printf("\n%d identit%s fit %s (%s); Update keeps data, Erase wipes it.\n", nfit,
                                    nfit == 1 ? "y" : "ies", dev->product_type, dev->name);
        else if (dev) printf("\nDoes not fit: %s\n", why);
    }
    int damaged = doc->check == IPSW_CHECK_DAMAGED;
    ipsw_doc_free(doc);
    if (damaged) return EXIT_INTEGRITY;
    if (dev && nfit == 0) return EXIT_NODEVICE;
    return missing ? EXIT_INTEGRITY : EXIT_OK;
}

static _Atomic int x_cancel;

static void x_on_signal(int sig)
{
    atomic_store(&x_cancel, 1);
}

struct x_view {
    int tty;
    int shown;
};

static void x_on_progress(const struct ipsw_progress *p, void *user)
{
    struct x_view *v = user;
    if (!v->tty) return;
    /* One line that fits 80 columns, so \r redraws it in place. */
    char name[40];
    size_t n = strlen(p->entry);
    snprintf(name, sizeof name, "%s%s", n > 30 ? "..." : "", n > 30 ? p->entry + n - 27 : p->entry);
    int pct = p->total > 0 ? (int)(p->done * 100 / p->total) : 100;
    fprintf(stderr, "\r%3d%% %7.0f/%.0f MB %d/%d files %-30s", pct, p->done / 1e6, p->total / 1e6, p->files_done,
            p->files_total, name);
    fflush(stderr);
    v->shown = 1;
}

static const char *const x_usage =
    "usage: ibench ipsw extract FILE|URL [-o DIR] [--device PRODUCT_TYPE|BOARD [--identity Erase|Update]]\n"
    "                           [--threads N] [--json] [PATTERN...]\n";

static int extract(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'},        {"device", required_argument, 0, 'd'},
                                         {"output", required_argument, 0, 'o'}, {"identity", required_argument, 0, 'i'},
                                         {"threads", required_argument, 0, 't'}, {0, 0, 0, 0}};
    struct ipsw_extract_opts o = {0};
    const char *device = NULL;
    o.out_dir = ".";
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "jd:o:i:t:", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 'd') device = optarg;
        else if (ch == 'o') o.out_dir = optarg;
        else if (ch == 'i') o.behavior = optarg;
        else if (ch == 't') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 16) {
                fprintf(stderr, "ibench: --threads takes 1 to 16\n");
                return EXIT_USAGE;
            }
            o.threads = (int)n;
        } else {
            fputs(x_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind < 1) {
        fputs(x_usage, stderr);
        return EXIT_USAGE;
    }
    if (o.behavior && strcasecmp(o.behavior, "Erase") && strcasecmp(o.behavior, "Update")) {
        fprintf(stderr, "ibench: --identity takes Erase or Update\n");
        return EXIT_USAGE;
    }
    if (device) {
        const struct model *dev = models_find(device);
        if (!dev) {
            fprintf(stderr, "ibench: unknown device '%s' (product type or board; see `ibench models`)\n", device);
            return EXIT_USAGE;
        }
        o.have_device = 1;
        snprintf(o.product_type, sizeof o.product_type, "%s", dev->product_type);
        o.cpid = dev->cpid;
        o.bdid = dev->bdid;
    }
    o.archive = argv[optind];
    o.patterns = (const char *const *)&argv[optind + 1];
    o.npatterns = argc - optind - 1;
    struct x_view view = {isatty(2) && !c->json, 0};
    o.progress = x_on_progress;
    o.user = &view;
    o.cancel = &x_cancel;
    struct ipsw_transfer *xfer = calloc(1, sizeof *xfer);
    if (!xfer) return EXIT_FAIL;
    o.xfer = xfer;
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = x_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct ipsw_extract_result r;
    int st = ipsw_doc_extract(&o, &r);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (view.shown) fputc('\n', stderr);
    sanitize_inplace(r.err, sizeof r.err);   /* names from the archive, cut anywhere: valid UTF-8 for --json */
    int remote = ipsw_is_url(o.archive);
    if (st != IPSW_X_OK) fprintf(stderr, "ibench: %s\n", r.err);
    if (c->json) {
        json_t *j = json_pack("{s:b, s:i, s:I, s:s}", "ok", st == IPSW_X_OK, "files", r.files, "bytes", (json_int_t)r.bytes,
                              "output", o.out_dir);
        if (st != IPSW_X_OK) json_object_set_new(j, "error", json_string(r.err));
        if (remote) {
            json_object_set_new(j, "transferred_bytes", json_integer((json_int_t)xfer->bytes));
            json_object_set_new(j, "requests", json_integer((json_int_t)xfer->requests));
        }
        json_dumpf(j, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(j);
    } else if (st == IPSW_X_OK) {
        printf("Extracted %d file%s (%lld bytes) into %s\n", r.files, r.files == 1 ? "" : "s", r.bytes, o.out_dir);
    } else if (r.files) {
        fprintf(stderr, "ibench: %d complete file%s kept; no partial file left\n", r.files, r.files == 1 ? "" : "s");
    }
    if (remote) fprintf(stderr, "Transferred: %lld bytes in %lld requests\n", (long long)xfer->bytes, (long long)xfer->requests);
    free(xfer);
    switch (st) {
    case IPSW_X_OK: return EXIT_OK;
    case IPSW_X_NOMATCH: return EXIT_FAIL;
    case IPSW_X_NOFIT: return EXIT_NODEVICE;
    case IPSW_X_INTEGRITY: return EXIT_INTEGRITY;
    case IPSW_X_CANCELLED: return EXIT_CANCELLED;
    case IPSW_X_NETWORK: return EXIT_NETWORK;
    default: return EXIT_ENVIRONMENT;
    }
}

static const char *const i_usage =
    "usage: ibench ipsw info FILE|URL [--device PRODUCT_TYPE|BOARD] [--verify] [--json]\n"
    "       ibench ipsw verify FILE [--device PRODUCT_TYPE|BOARD] [--json]\n";

int cmd_ipsw(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"device", required_argument, 0, 'd'},
                                         {"verify", no_argument, 0, 'v'}, {0, 0, 0, 0}};
    const char *device = NULL;
    if (argc >= 2 && strcmp(argv[1], "extract") == 0) return extract(c, argc - 1, argv + 1);
    if (argc < 2 || (strcmp(argv[1], "info") != 0 && strcmp(argv[1], "verify") != 0)) {
        fprintf(stderr, "%s%s", i_usage, x_usage);
        return EXIT_USAGE;
    }
    int verify = strcmp(argv[1], "verify") == 0;
    argc--;
    argv++;
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "jd:", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 'd') device = optarg;
        else if (ch == 'v') verify = 1;
        else return EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fputs(i_usage, stderr);
        return EXIT_USAGE;
    }
    return info(c, argv[optind], device, verify);
}
