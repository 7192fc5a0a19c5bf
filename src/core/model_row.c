/* One row of a model table file (the columns of src/core/models.tsv), as a
 * technician or the catalog wrote it: every field is checked, so a bad row
 * is refused whole with the reason instead of reaching the board. */
#include "models.h"
#include "sanitize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_MAX_LINE 1024
#define ROW_FIELDS 8

/* Letters, digits and the few marks product types and boards use. */
static int token_ok(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != ',' && *s != '-' && *s != '_') return 0;
    return 1;
}

/* Printable text only: the sanitizer would change nothing. */
static int text_ok(const char *s)
{
    char clean[128];
    return *s && strlen(s) < sizeof clean && sanitize_text(clean, sizeof clean, s, strlen(s)) == strlen(s) &&
           strcmp(clean, s) == 0;
}

static int hex_ok(const char *s, unsigned max, unsigned *out)
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2] || strlen(s) > 6) return 0;
    unsigned v = 0;
    for (const char *p = s + 2; *p; p++) {
        if (!isxdigit((unsigned char)*p)) return 0;
        v = v * 16 + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
    }
    if (v > max) return 0;
    *out = v;
    return 1;
}

static int copy(char *dst, size_t n, const char *src)
{
    if (strlen(src) >= n) return 0;
    memcpy(dst, src, strlen(src) + 1);
    return 1;
}

void model_short_from_name(const char *name, char *out, size_t n)
{
    size_t cap = n - 1 < MODEL_SHORT_MAX ? n - 1 : MODEL_SHORT_MAX;
    size_t len = strlen(name);
    if (len > cap) {
        len = cap;
        while (len > 0 && name[len] != ' ') len--;   /* whole words only */
        if (len == 0) len = cap;
        while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80) len--;  /* never inside a character */
    }
    memcpy(out, name, len);
    out[len] = 0;
    while (len > 0 && out[len - 1] == ' ') out[--len] = 0;
}

int model_row_parse(const char *line, size_t len, struct model_row *out, char *err, size_t errlen)
{
    char buf[ROW_MAX_LINE];
    char *f[ROW_FIELDS] = {0};
    memset(out, 0, sizeof *out);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    if (len >= sizeof buf) { snprintf(err, errlen, "line longer than %d bytes", ROW_MAX_LINE); return -1; }
    memcpy(buf, line, len);
    buf[len] = 0;
    if (memchr(buf, 0, len)) { snprintf(err, errlen, "NUL byte in the line"); return -1; }
    size_t lead = strspn(buf, " \t");
    if (!buf[lead] || buf[lead] == '#') return 0;
    int nf = 0;
    for (char *p = buf; p && nf < ROW_FIELDS; nf++) {
        f[nf] = p;
        if ((p = strchr(p, '\t'))) *p++ = 0;
    }
    if (strcmp(f[0], "product_type") == 0) return 0;   /* the header */
    if (nf < 7) { snprintf(err, errlen, "%d columns, need at least 7 (tab-separated)", nf); return -1; }
    unsigned cpid, bdid;
    int sch = f[6][0] && strcmp(f[6], "n/a") != 0 ? scheme_parse(f[6]) : SCHEME_NONE;
    if (!token_ok(f[0]) || !strchr(f[0], ',') || !copy(out->product_type, sizeof out->product_type, f[0]))
        snprintf(err, errlen, "product type '%.40s' is not like iPhone10,1", f[0]);
    else if (!text_ok(f[1]) || !copy(out->name, sizeof out->name, f[1]))
        snprintf(err, errlen, "name is empty, too long or has control characters");
    else if (!token_ok(f[2]) || !copy(out->board, sizeof out->board, f[2]))
        snprintf(err, errlen, "board '%.40s' is not like d20ap", f[2]);
    else if (!hex_ok(f[3], 0xffff, &cpid))
        snprintf(err, errlen, "CPID '%.40s' is not hex like 0x8015", f[3]);
    else if (!hex_ok(f[4], 0xff, &bdid))
        snprintf(err, errlen, "BDID '%.40s' is not hex like 0x02", f[4]);
    else if (!token_ok(f[5]) || !copy(out->family, sizeof out->family, f[5]))
        snprintf(err, errlen, "family '%.40s' is not like iPhone", f[5]);
    else if (sch < 0)
        snprintf(err, errlen, "button scheme '%.40s' is not home, voldown, faceid, ipad_top or n/a", f[6]);
    else if (nf > 7 && f[7][0] && (!text_ok(f[7]) || !copy(out->short_name, sizeof out->short_name, f[7])))
        snprintf(err, errlen, "short name is longer than %d bytes or has control characters", MODEL_SHORT_MAX);
    else {
        out->cpid = (uint16_t)cpid;
        out->bdid = (uint8_t)bdid;
        out->scheme = (enum button_scheme)sch;
        if (!out->short_name[0]) model_short_from_name(out->name, out->short_name, sizeof out->short_name);
        return 1;
    }
    memset(out, 0, sizeof *out);
    return -1;
}
