/* BuildManifest.plist reader. The manifest comes from an untrusted archive:
 * every node's type is checked before use and every string is bounded. */
#include "ipsw_manifest.h"
#include "sanitize.h"

#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Printable UTF-8 only: these strings reach terminals, JSON and file names. */
static int text_ok(const char *s)
{
    char buf[1024];
    size_t n = strlen(s);
    return n < sizeof buf && sanitize_text(buf, sizeof buf, s, n) == n && memcmp(buf, s, n) == 0;
}

static int get_str(plist_t dict, const char *key, char *out, size_t n)
{
    plist_t v = dict ? plist_dict_get_item(dict, key) : NULL;
    out[0] = 0;
    if (!v || plist_get_node_type(v) != PLIST_STRING) return -1;
    char *s = NULL;
    plist_get_string_val(v, &s);
    if (!s) return -1;
    int ok = strlen(s) < n && text_ok(s);
    if (ok) snprintf(out, n, "%s", s);
    free(s);
    return ok ? 0 : -1;
}

/* ApChipID/ApBoardID are hex strings ("0x8015"); accept integers too. */
static int get_hex(plist_t dict, const char *key, uint32_t *out)
{
    plist_t v = plist_dict_get_item(dict, key);
    if (!v) return -1;
    if (plist_get_node_type(v) == PLIST_UINT) {
        uint64_t x;
        plist_get_uint_val(v, &x);
        if (x > UINT32_MAX) return -1;
        *out = (uint32_t)x;
        return 0;
    }
    char s[24], *end;
    if (get_str(dict, key, s, sizeof s) < 0) return -1;
    unsigned long x = strtoul(s, &end, 16);
    if (end == s || *end || x > UINT32_MAX) return -1;
    *out = (uint32_t)x;
    return 0;
}

static int fail(char *err, size_t n, const char *msg, int index)
{
    if (index >= 0) snprintf(err, n, "BuildManifest: identity %d: %s", index, msg);
    else snprintf(err, n, "BuildManifest: %s", msg);
    return -1;
}

static int parse_identity(plist_t id, struct ipsw_identity *o, int index, char *err, size_t errlen)
{
    if (plist_get_node_type(id) != PLIST_DICT) return fail(err, errlen, "not a dictionary", index);
    if (get_hex(id, "ApChipID", &o->chip_id) < 0) return fail(err, errlen, "ApChipID missing or not hex", index);
    if (get_hex(id, "ApBoardID", &o->board_id) < 0) return fail(err, errlen, "ApBoardID missing or not hex", index);
    plist_t info = plist_dict_get_item(id, "Info");
    if (!info || plist_get_node_type(info) != PLIST_DICT) return fail(err, errlen, "Info missing", index);
    if (get_str(info, "DeviceClass", o->board, sizeof o->board) < 0) return fail(err, errlen, "Info.DeviceClass missing", index);
    get_str(info, "Variant", o->variant, sizeof o->variant);
    if (get_str(info, "RestoreBehavior", o->behavior, sizeof o->behavior) < 0 ||
        (strcmp(o->behavior, "Erase") && strcmp(o->behavior, "Update")))
        return fail(err, errlen, "Info.RestoreBehavior is neither Erase nor Update", index);
    plist_t man = plist_dict_get_item(id, "Manifest");
    if (!man || plist_get_node_type(man) != PLIST_DICT) return fail(err, errlen, "Manifest missing", index);
    plist_dict_iter it = NULL;
    plist_dict_new_iter(man, &it);
    char *key = NULL;
    plist_t comp = NULL;
    for (plist_dict_next_item(man, it, &key, &comp); comp; plist_dict_next_item(man, it, &key, &comp)) {
        if (o->ncomponents < IPSW_MAX_COMPONENTS && plist_get_node_type(comp) == PLIST_DICT) {
            struct ipsw_component *c = &o->components[o->ncomponents];
            plist_t cinfo = plist_dict_get_item(comp, "Info");
            if (cinfo && plist_get_node_type(cinfo) == PLIST_DICT &&
                get_str(cinfo, "Path", c->path, sizeof c->path) == 0 && key && strlen(key) < sizeof c->name && text_ok(key)) {
                snprintf(c->name, sizeof c->name, "%s", key);
                c->size = -1;
                o->ncomponents++;
            }
        }
        free(key);
        key = NULL;
    }
    free(key);
    free(it);
    return 0;
}

/* Deepest element nesting in XML bytes, counted without parsing them (libplist
 * recurses once per level and overflows the stack on 200,000 nested arrays).
 * Comments, CDATA, <?...?> and <!...> declarations do not nest; quoted
 * attribute values may hold '>'. Stops counting once past limit. */
static int xml_depth_exceeds(const char *x, size_t n, int limit)
{
    int depth = 0;
    size_t i = 0;
    while (i < n) {
        if (x[i] != '<') { i++; continue; }
        const char *rest = x + i, *end;
        size_t left = n - i;
        if (left >= 4 && memcmp(rest, "<!--", 4) == 0) {
            end = memmem(rest + 4, left - 4, "-->", 3);
            if (!end) return 0;                            /* unterminated: libplist refuses it */
            i = (size_t)(end - x) + 3;
            continue;
        }
        if (left >= 9 && memcmp(rest, "<![CDATA[", 9) == 0) {
            end = memmem(rest + 9, left - 9, "]]>", 3);
            if (!end) return 0;
            i = (size_t)(end - x) + 3;
            continue;
        }
        int closing = left > 1 && x[i + 1] == '/';
        int decl = left > 1 && (x[i + 1] == '?' || x[i + 1] == '!');
        char quote = 0;
        size_t j = i + 1;
        for (; j < n; j++) {
            if (quote) { if (x[j] == quote) quote = 0; }
            else if (x[j] == '"' || x[j] == '\'') quote = x[j];
            else if (x[j] == '>') break;
        }
        if (j >= n) return 0;
        if (!decl) {
            if (closing) { if (depth > 0) depth--; }
            else if (x[j - 1] != '/' && ++depth > limit) return 1;
        }
        i = j + 1;
    }
    return 0;
}

int ipsw_manifest_parse(const void *data, size_t len, struct ipsw_manifest *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    if (!data || len < 8 || len > IPSW_MANIFEST_MAX) return fail(err, errlen, "empty or too large", -1);
    plist_t root = NULL;
    /* IPSW manifests are XML. Binary plists are refused: libplist 2.2.0 aborts
     * on a binary dictionary key with an embedded NUL (found by fuzzing). */
    if (memcmp(data, "bplist", 6) == 0) return fail(err, errlen, "binary property list (IPSW manifests are XML)", -1);
    /* Nor can XML hold a NUL byte; libplist 2.2.0 would abort on one in a string. */
    if (memchr(data, 0, len)) return fail(err, errlen, "NUL byte in XML", -1);
    if (xml_depth_exceeds(data, len, IPSW_MANIFEST_DEPTH_MAX))
        return fail(err, errlen, "nested more than " IPSW_STR(IPSW_MANIFEST_DEPTH_MAX) " levels deep", -1);
    plist_from_xml(data, (uint32_t)len, &root);
    if (!root) return fail(err, errlen, "not a property list", -1);
    int rc = -1;
    if (plist_get_node_type(root) != PLIST_DICT) { fail(err, errlen, "top level is not a dictionary", -1); goto out; }
    if (get_str(root, "ProductVersion", m->version, sizeof m->version) < 0) { fail(err, errlen, "ProductVersion missing", -1); goto out; }
    if (get_str(root, "ProductBuildVersion", m->build, sizeof m->build) < 0) { fail(err, errlen, "ProductBuildVersion missing", -1); goto out; }
    plist_t prods = plist_dict_get_item(root, "SupportedProductTypes");
    if (prods && plist_get_node_type(prods) == PLIST_ARRAY) {
        for (uint32_t i = 0; i < plist_array_get_size(prods) && m->nproducts < IPSW_MAX_PRODUCTS; i++) {
            plist_t p = plist_array_get_item(prods, i);
            char *s = NULL;
            if (plist_get_node_type(p) != PLIST_STRING) continue;
            plist_get_string_val(p, &s);
            if (s && strlen(s) < sizeof m->products[0] && text_ok(s)) snprintf(m->products[m->nproducts++], sizeof m->products[0], "%s", s);
            free(s);
        }
    }
    plist_t ids = plist_dict_get_item(root, "BuildIdentities");
    if (!ids || plist_get_node_type(ids) != PLIST_ARRAY || plist_array_get_size(ids) == 0) {
        fail(err, errlen, "BuildIdentities missing or empty", -1);
        goto out;
    }
    uint32_t n = plist_array_get_size(ids);
    if (n > IPSW_MAX_IDENTITIES) { fail(err, errlen, "too many build identities", -1); goto out; }
    for (uint32_t i = 0; i < n; i++) {
        if (parse_identity(plist_array_get_item(ids, i), &m->identities[i], (int)i, err, errlen) < 0) goto out;
        m->nidentities++;
    }
    rc = 0;
out:
    plist_free(root);
    return rc;
}

int ipsw_match(const struct ipsw_manifest *m, const char *product_type, uint32_t cpid, uint32_t bdid,
               int fits[IPSW_MAX_IDENTITIES], char *why, size_t whylen)
{
    int n = 0, chip_seen = 0;
    for (int i = 0; i < m->nidentities; i++) {
        const struct ipsw_identity *id = &m->identities[i];
        fits[i] = id->chip_id == cpid && id->board_id == bdid;
        chip_seen |= id->chip_id == cpid;
        n += fits[i];
    }
    if (n) { why[0] = 0; return n; }
    char list[256] = "";
    size_t o = 0;
    for (int i = 0; i < m->nproducts && o < sizeof list - 40; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", m->products[i]);
    snprintf(why, whylen, "this IPSW (iOS %s, %s) is for %s, not %s (CPID %04X BDID %02X)%s", m->version, m->build,
             list[0] ? list : "other devices", product_type && *product_type ? product_type : "this device", cpid, bdid,
             chip_seen ? ": same chip, other board" : "");
    return 0;
}

int ipsw_name_is_safe(const char *name)
{
    if (!name || !*name || name[0] == '/' || strchr(name, '\\') || strlen(name) >= 1024 || !text_ok(name)) return 0;
    if (strlen(name) > 1 && name[1] == ':') return 0; /* drive letter */
    const char *p = name;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t seg = slash ? (size_t)(slash - p) : strlen(p);
        if ((seg == 2 && p[0] == '.' && p[1] == '.') || (seg == 1 && p[0] == '.')) return 0;
        for (size_t i = 0; i < seg; i++) if ((unsigned char)p[i] < 0x20) return 0;
        if (!slash) break;
        p = slash + 1;
    }
    return 1;
}

int ipsw_is_url(const char *s)
{
    return s && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0);
}
