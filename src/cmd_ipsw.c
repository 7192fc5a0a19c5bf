/* `ibench ipsw info FILE [--device X] [--json]`: what an IPSW holds, whether
 * it is complete, and which of its identities fit a device. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ipsw.h"
#include "models.h"

static int info(struct config *c, const char *file, const char *device)
{
    static struct ipsw_manifest m;
    char err[400], why[400] = "";
    int missing = 0, fits[IPSW_MAX_IDENTITIES] = {0}, nfit = -1;
    const struct model *dev = NULL;
    if (device && !(dev = models_find(device))) {
        fprintf(stderr, "ibench: unknown device '%s' (product type or board; see `ibench models`)\n", device);
        return EXIT_USAGE;
    }
    if (ipsw_read(file, &m, &missing, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        return EXIT_INTEGRITY;
    }
    if (dev) nfit = ipsw_match(&m, dev->product_type, dev->cpid, dev->bdid, fits, why, sizeof why);
    if (c->json) {
        json_t *o = json_pack("{s:s, s:s, s:b, s:i}", "version", m.version, "build", m.build, "complete", missing == 0,
                              "missing_components", missing);
        json_t *prods = json_array(), *ids = json_array();
        for (int i = 0; i < m.nproducts; i++) json_array_append_new(prods, json_string(m.products[i]));
        for (int i = 0; i < m.nidentities; i++) {
            const struct ipsw_identity *id = &m.identities[i];
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
        if (dev) {
            json_object_set_new(o, "device", json_string(dev->product_type));
            json_object_set_new(o, "fits", json_boolean(nfit > 0));
            if (why[0]) json_object_set_new(o, "why_not", json_string(why));
        }
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
    } else {
        printf("iOS %s (%s)\nFor: ", m.version, m.build);
        for (int i = 0; i < m.nproducts; i++) printf("%s%s", i ? ", " : "", m.products[i]);
        printf("\nArchive: %s\n", missing ? "INCOMPLETE" : "complete (every manifest path present)");
        if (missing) printf("  %d component path(s) named by the manifest are missing\n", missing);
        for (int i = 0; i < m.nidentities; i++) {
            const struct ipsw_identity *id = &m.identities[i];
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
    if (dev && nfit == 0) return EXIT_NODEVICE;
    return missing ? EXIT_INTEGRITY : EXIT_OK;
}

int cmd_ipsw(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"device", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    const char *device = NULL;
    if (argc < 2 || strcmp(argv[1], "info") != 0) {
        fprintf(stderr, "usage: ibench ipsw info FILE [--device PRODUCT_TYPE|BOARD] [--json]\n");
        return EXIT_USAGE;
    }
    argc--;
    argv++;
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "jd:", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 'd') device = optarg;
        else return EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: ibench ipsw info FILE [--device PRODUCT_TYPE|BOARD] [--json]\n");
        return EXIT_USAGE;
    }
    return info(c, argv[optind], device);
}
