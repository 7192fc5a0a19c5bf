/* `ibench models` and `ibench identify`: the model table and what a pasted
 * serial string says about a device. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "models.h"
#include "models_tables.h"
#include "serial.h"
#include "sanitize.h"

static int want_json(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "+j", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else return -1;
    }
    return 0;
}

static json_t *model_json(const struct model *m)
{
    char cpid[8], bdid[8];
    snprintf(cpid, sizeof cpid, "0x%04x", m->cpid);
    snprintf(bdid, sizeof bdid, "0x%02x", m->bdid);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "product_type", m->product_type,
                     "name", m->name, "short_name", m->short_name, "board", m->board, "cpid", cpid, "bdid", bdid,
                     "family", m->family, "scheme", scheme_key(m->scheme), "source", m->source);
}

int cmd_models(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {"refresh", no_argument, 0, 'r'}, {0, 0, 0, 0}};
    int ch, refresh = 0;
    while ((ch = getopt_long(argc, argv, "+jr", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else if (ch == 'r') refresh = 1;
        else optind = argc + 1;
    }
    if (optind != argc) {
        fprintf(stderr, "usage: ibench models [--refresh] [--json]\n");
        return EXIT_USAGE;
    }
    if (refresh) {
        char err[256];
        int rows = models_tables_refresh(c, stderr, err, sizeof err);
        if (rows < 0) { fprintf(stderr, "ibench: models --refresh: %s\n", err); return EXIT_NETWORK; }
        fprintf(stderr, "ibench: %d rows from the catalog's device list cached\n", rows);
    }
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < models_total(); i++) json_array_append_new(arr, model_json(models_at(i)));
        json_dumpf(arr, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(arr);
        return EXIT_OK;
    }
    printf("%-14s %-36s %-10s %-6s %-4s %-9s %s\n", "PRODUCT", "NAME", "BOARD", "CPID", "BDID", "SCHEME", "SOURCE");
    for (size_t i = 0; i < models_total(); i++) {
        const struct model *m = models_at(i);
        printf("%-14s %-36s %-10s %04x   %02x   %-9s %s\n", m->product_type, m->name, m->board, m->cpid,
               m->bdid, scheme_key(m->scheme), m->source);
    }
    return EXIT_OK;
}

int cmd_identify(struct config *c, int argc, char **argv)
{
    if (want_json(c, argc, argv) < 0 || argc - optind < 1 || argc - optind > 2) {
        fprintf(stderr, "usage: ibench identify \"<serial string>\" [\"<nonce string>\"] [--json]\n");
        return EXIT_USAGE;
    }
    const char *s = argv[optind];
    struct serial_info si;
    struct nonce_info ni;
    char err[160];
    if (serial_parse(s, strlen(s), &si, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: not a valid serial string: %s\n", err);
        return EXIT_USAGE;
    }
    int have_nonce = 0;
    if (argc - optind == 2) {
        if (nonce_parse(argv[optind + 1], strlen(argv[optind + 1]), &ni, err, sizeof err) < 0) {
            fprintf(stderr, "ibench: not a valid nonce string: %s\n", err);
            return EXIT_USAGE;
        }
        have_nonce = 1;
    }
    const struct model *m = (si.present & SF_CPID) && (si.present & SF_BDID) ? models_by_chip(si.cpid, si.bdid) : NULL;
    char ecid[20] = "", nonc[2 * NONCE_MAX + 1] = "", snon[2 * NONCE_MAX + 1] = "";
    if (si.present & SF_ECID) snprintf(ecid, sizeof ecid, "%016" PRIX64, si.ecid);
    if (have_nonce) { hex_encode(nonc, sizeof nonc, ni.nonc, ni.nonc_len); hex_encode(snon, sizeof snon, ni.snon, ni.snon_len); }
    const char *fuse = !(si.present & SF_CPFM) ? "unknown" : serial_is_production(&si) ? "production" : "development";

    if (c->json) {
        json_t *o = json_object();
        char buf[16];
        if (si.present & SF_CPID) { snprintf(buf, sizeof buf, "0x%04x", si.cpid); json_object_set_new(o, "cpid", json_string(buf)); }
        if (si.present & SF_BDID) { snprintf(buf, sizeof buf, "0x%02x", si.bdid); json_object_set_new(o, "bdid", json_string(buf)); }
        if (si.present & SF_ECID) {
            json_object_set_new(o, "ecid", json_string(ecid));
            snprintf(err, sizeof err, "%" PRIu64, si.ecid);
            json_object_set_new(o, "ecid_decimal", json_string(err));
        }
        json_object_set_new(o, "model", m ? model_json(m) : json_null());
        json_object_set_new(o, "fused", json_string(fuse));
        json_object_set_new(o, "secure", json_boolean(serial_is_secure(&si)));
        json_object_set_new(o, "image4", json_boolean(serial_is_image4(&si)));
        json_object_set_new(o, "pwned", (si.present & SF_PWND) ? json_string(si.pwnd) : json_null());
        if (si.present & SF_SRTG) json_object_set_new(o, "srtg", json_string(si.srtg));
        if (si.present & SF_SRNM) json_object_set_new(o, "serial", json_string(si.srnm));
        if (si.present & SF_IMEI) json_object_set_new(o, "imei", json_string(si.imei));
        if (have_nonce) {
            json_object_set_new(o, "ap_nonce", json_string(nonc));
            json_object_set_new(o, "sep_nonce", json_string(snon));
        }
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
        return EXIT_OK;
    }
    if (m) printf("Model:      %s (%s, %s), button scheme %s\n", m->name, m->product_type, m->board, scheme_key(m->scheme));
    else printf("Model:      unknown model for this CPID/BDID\n");
    if (si.present & SF_CPID) printf("CPID:       0x%04x\n", si.cpid);
    if (si.present & SF_BDID) printf("BDID:       0x%02x\n", si.bdid);
    if (si.present & SF_ECID) printf("ECID:       %s (%" PRIu64 ")\n", ecid, si.ecid);
    printf("Fused:      %s%s%s\n", fuse, serial_is_secure(&si) ? ", secure" : "", serial_is_image4(&si) ? ", Image4" : "");
    if (si.present & SF_PWND) printf("PWND:       %s (a boot ROM exploit is active)\n", si.pwnd);
    if (si.present & SF_SRTG) printf("SecureROM:  %s (DFU)\n", si.srtg);
    if (si.present & SF_SRNM) printf("Serial:     %s\n", si.srnm[0] ? si.srnm : "(empty)");
    if (si.present & SF_IMEI) printf("IMEI:       %s\n", si.imei);
    if (have_nonce) printf("ApNonce:    %s\nSepNonce:   %s\n", nonc, snon);
    return EXIT_OK;
}
