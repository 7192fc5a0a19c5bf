/* The catalog's pure half (see catalog_parse.h): the server's JSON is
 * untrusted, so types are checked, strings bounded, identifiers and builds
 * restricted to safe characters (they become file names). */
#include "catalog_parse.h"

#include "sanitize.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int catalog_is_token(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == ',' || *s == '.' || *s == '-'))
            return 0;
    return 1;
}

static int get_str(json_t *o, const char *k, char *out, size_t n, int required)
{
    json_t *v = json_object_get(o, k);
    out[0] = 0;
    if (!v || json_is_null(v)) return required ? -1 : 0;
    if (!json_is_string(v) || json_string_length(v) >= n) return -1;
    sanitize_text(out, n, json_string_value(v), json_string_length(v));  /* releasedate etc. reach terminals */
    return 0;
}

int catalog_parse(const char *text, size_t len, struct catalog *cat, char *err, size_t errlen)
{
    json_error_t je;
    memset(cat->fw, 0, sizeof cat->fw);
    cat->n = 0;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) { snprintf(err, errlen, "catalog is not JSON: %s (line %d)", je.text, je.line); return -1; }
    int rc = -1;
    json_t *fws = json_object_get(root, "firmwares");
    if (!json_is_object(root) || !json_is_array(fws)) { snprintf(err, errlen, "catalog has no firmwares list"); goto out; }
    size_t i;
    json_t *f;
    json_array_foreach(fws, i, f) {
        if (cat->n >= CATALOG_MAX) break;
        struct firmware *w = &cat->fw[cat->n];
        json_t *size = json_object_get(f, "filesize"), *sig = json_object_get(f, "signed");
        if (!json_is_object(f) || get_str(f, "identifier", w->identifier, sizeof w->identifier, 1) ||
            get_str(f, "version", w->version, sizeof w->version, 1) || get_str(f, "buildid", w->build, sizeof w->build, 1) ||
            get_str(f, "url", w->url, sizeof w->url, 1) || get_str(f, "sha1sum", w->sha1, sizeof w->sha1, 0) ||
            get_str(f, "sha256sum", w->sha256, sizeof w->sha256, 0) || get_str(f, "md5sum", w->md5, sizeof w->md5, 0) ||
            get_str(f, "releasedate", w->released, sizeof w->released, 0) || !json_is_integer(size) ||
            json_integer_value(size) <= 0 || !json_is_boolean(sig) || !catalog_is_token(w->identifier) ||
            !catalog_is_token(w->version) || !catalog_is_token(w->build)) {
            snprintf(err, errlen, "catalog entry %zu is malformed", i);
            goto out;
        }
        if (strncmp(w->url, "https://", 8) != 0 && strncmp(w->url, "http://", 7) != 0) {
            snprintf(err, errlen, "catalog entry %zu: URL is not http(s)", i);
            goto out;
        }
        w->size = json_integer_value(size);
        w->is_signed = json_is_true(sig);
        cat->n++;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int catalog_newest(const struct catalog *cat)
{
    int best = -1;
    for (int i = 0; i < cat->n; i++)
        if (best < 0 || strcmp(cat->fw[i].released, cat->fw[best].released) > 0) best = i;
    return best;
}

void catalog_cache_path(const struct config *c, const struct firmware *f, char *out, size_t n)
{
    snprintf(out, n, "%s/%s_%s_%s_Restore.ipsw", c->cache_dir, f->identifier, f->version, f->build);
}

int catalog_pick(const struct catalog *cat, const char *want)
{
    int pick = -1;
    for (int i = 0; i < cat->n; i++) {
        const struct firmware *f = &cat->fw[i];
        if (strcmp(want, "latest") == 0) {
            if (f->is_signed && (pick < 0 || strcmp(f->released, cat->fw[pick].released) > 0)) pick = i;
        } else if (strcmp(f->build, want) == 0 || (strcmp(f->version, want) == 0 && pick < 0)) {
            pick = i;
        }
    }
    return pick;
}
