/* The catalog's device list (/v4/devices: an array of {identifier, name,
 * boardconfig, cpid, bdid, boards: [{boardconfig, platform, cpid, bdid}]})
 * as model table rows, and rows as table lines. What the catalog does not
 * say (button scheme, short name) comes from the known row of the same
 * product type, else from the product type's family. */
#include "model_catalog.h"
#include "sanitize.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "iPhone" of "iPhone19,1". */
static void family_of(const char *product, char *out, size_t n)
{
    size_t k = 0;
    while (product[k] && isalpha((unsigned char)product[k]) && k + 1 < n) { out[k] = product[k]; k++; }
    out[k] = 0;
}

/* A new model's buttons: every iPhone from iPhone10,x on has no Home button
 * (the iPhone SE rows, which do, are in the table already); so does every
 * iPad from iPad13,x on. Anything else gets no guide rather than a wrong one. */
static enum button_scheme scheme_guess(const char *product)
{
    int major = 0;
    if (sscanf(product, "iPhone%d,", &major) == 1 && major >= 10) return SCHEME_FACEID;
    if (sscanf(product, "iPad%d,", &major) == 1 && major >= 13) return SCHEME_IPAD_TOP;
    return SCHEME_NONE;
}

static int text_field(json_t *o, const char *key, char *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || !*s || strlen(s) >= n) return -1;
    sanitize_text(out, n, s, strlen(s));
    return out[0] ? 0 : -1;
}

static int one_board(const char *product, const char *name, json_t *b, struct model_row *r)
{
    json_t *cpid = json_object_get(b, "cpid"), *bdid = json_object_get(b, "bdid");
    char board[sizeof r->board], line[256], err[128];
    if (!json_is_integer(cpid) || !json_is_integer(bdid) || text_field(b, "boardconfig", board, sizeof board) < 0) return -1;
    json_int_t c = json_integer_value(cpid), d = json_integer_value(bdid);
    if (c < 0 || c > 0xffff || d < 0 || d > 0xff) return -1;
    for (char *p = board; *p; p++) *p = (char)tolower((unsigned char)*p);
    char family[24];
    family_of(product, family, sizeof family);
    const struct model *known = models_by_product(product);
    /* Through the row parser, so a catalog row passes the same checks as a hand-written one. */
    snprintf(line, sizeof line, "%s\t%s\t%s\t0x%04x\t0x%02x\t%s\t%s\t%s", product, name, board, (unsigned)c, (unsigned)d,
             family, scheme_key(known ? known->scheme : scheme_guess(product)), known ? known->short_name : "");
    return model_row_parse(line, strlen(line), r, err, sizeof err) == 1 ? 0 : -1;
}

int model_catalog_parse(const char *json, size_t len, model_catalog_emit emit, void *ctx, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, 0, &je);
    if (!json_is_array(root)) {
        snprintf(err, errlen, "the device list is not a JSON array");
        json_decref(root);
        return -1;
    }
    int rows = 0;
    size_t i;
    json_t *dev;
    json_array_foreach(root, i, dev) {
        char product[32], name[64];
        if (text_field(dev, "identifier", product, sizeof product) < 0 || text_field(dev, "name", name, sizeof name) < 0) continue;
        json_t *boards = json_object_get(dev, "boards");
        struct model_row r;
        size_t k;
        json_t *b;
        if (json_is_array(boards) && json_array_size(boards) > 0) {
            json_array_foreach(boards, k, b)
                if (one_board(product, name, b, &r) == 0 && emit(ctx, &r) == 0) rows++;
        } else if (one_board(product, name, dev, &r) == 0 && emit(ctx, &r) == 0) {
            rows++;
        }
    }
    json_decref(root);
    return rows;
}

int model_row_format(const struct model_row *r, char *out, size_t n)
{
    return snprintf(out, n, "%s\t%s\t%s\t0x%04x\t0x%02x\t%s\t%s\t%s\n", r->product_type, r->name, r->board, r->cpid, r->bdid,
                    r->family, scheme_key(r->scheme), r->short_name);
}
