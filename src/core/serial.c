/* iBoot/SecureROM serial string: "KEY:VALUE" tokens separated by spaces.
 * Numeric values are upper- or lower-case hex without 0x; SRTG, SRNM, IMEI and
 * PWND are bracketed ("SRNM:[]" is legal). Unknown well-formed keys are skipped
 * so newer boot ROMs still parse. Nothing is read past len. */
#include "serial.h"
#include "sanitize.h"

#include <stdio.h>
#include <string.h>

struct field { const char *key; unsigned bit; int bracketed; int max_digits; };

static const struct field fields[] = {
    {"CPID", SF_CPID, 0, 8}, {"CPRV", SF_CPRV, 0, 8}, {"CPFM", SF_CPFM, 0, 8},
    {"SCEP", SF_SCEP, 0, 8}, {"BDID", SF_BDID, 0, 8}, {"ECID", SF_ECID, 0, 16},
    {"IBFL", SF_IBFL, 0, 8}, {"SRTG", SF_SRTG, 1, 0}, {"SRNM", SF_SRNM, 1, 0},
    {"IMEI", SF_IMEI, 1, 0}, {"PWND", SF_PWND, 1, 0},
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int fail(char *err, size_t n, const char *fmt, const char *a, long b)
{
    if (err && n) snprintf(err, n, fmt, a, b);
    return -1;
}

static void store_num(struct serial_info *o, unsigned bit, uint64_t v)
{
    switch (bit) {
    case SF_CPID: o->cpid = (uint32_t)v; break;
    case SF_CPRV: o->cprv = (uint32_t)v; break;
    case SF_CPFM: o->cpfm = (uint32_t)v; break;
    case SF_SCEP: o->scep = (uint32_t)v; break;
    case SF_BDID: o->bdid = (uint32_t)v; break;
    case SF_ECID: o->ecid = v; break;
    case SF_IBFL: o->ibfl = (uint32_t)v; break;
    }
}

static char *text_slot(struct serial_info *o, unsigned bit, size_t *cap)
{
    switch (bit) {
    case SF_SRTG: *cap = sizeof o->srtg; return o->srtg;
    case SF_SRNM: *cap = sizeof o->srnm; return o->srnm;
    case SF_IMEI: *cap = sizeof o->imei; return o->imei;
    default: *cap = sizeof o->pwnd; return o->pwnd;
    }
}

int serial_parse(const char *s, size_t len, struct serial_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!s) return fail(err, errlen, "%sno serial string", "", 0);
    size_t n = strnlen(s, len);
    if (n > SERIAL_MAX) return fail(err, errlen, "%sserial string too long (%ld bytes)", "", (long)n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return fail(err, errlen, "%scontrol or non-ASCII byte at offset %ld", "", (long)i);
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ') { i++; continue; }
        char key[5];
        if (n - i < 5 || s[i + 4] != ':')
            return fail(err, errlen, "%stoken at offset %ld is not KEY:VALUE", "", (long)i);
        for (int k = 0; k < 4; k++) {
            char c = s[i + k];
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                return fail(err, errlen, "%sbad key at offset %ld", "", (long)i);
            key[k] = c;
        }
        key[4] = 0;
        i += 5;
        const struct field *f = NULL;
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (strcmp(fields[k].key, key) == 0) f = &fields[k];
        if (f && (out->present & f->bit)) return fail(err, errlen, "field %s given twice", key, 0);
        if (i < n && s[i] == '[') {
            size_t start = ++i;
            while (i < n && s[i] != ']') i++;
            if (i >= n) return fail(err, errlen, "field %s: unterminated bracket", key, 0);
            size_t vlen = i - start;
            i++; /* past ']' */
            if (i < n && s[i] != ' ') return fail(err, errlen, "field %s: text after ']'", key, 0);
            if (!f) continue;
            if (!f->bracketed) return fail(err, errlen, "field %s: expected hex, got brackets", key, 0);
            size_t cap;
            char *dst = text_slot(out, f->bit, &cap);
            if (vlen >= cap) return fail(err, errlen, "field %s: value too long (%ld chars)", key, (long)vlen);
            memcpy(dst, s + start, vlen);
            dst[vlen] = 0;
            out->present |= f->bit;
            continue;
        }
        size_t start = i;
        while (i < n && s[i] != ' ') i++;
        size_t vlen = i - start;
        if (!f) continue;
        if (f->bracketed) {
            /* Some tools print SRTG without brackets; accept a bare word. */
            size_t cap;
            char *dst = text_slot(out, f->bit, &cap);
            if (vlen == 0) return fail(err, errlen, "field %s: empty value", key, 0);
            if (vlen >= cap) return fail(err, errlen, "field %s: value too long (%ld chars)", key, (long)vlen);
            memcpy(dst, s + start, vlen);
            dst[vlen] = 0;
            out->present |= f->bit;
            continue;
        }
        if (vlen == 0) return fail(err, errlen, "field %s: empty value", key, 0);
        if (vlen > (size_t)f->max_digits)
            return fail(err, errlen, "field %s: %ld hex digits, too many", key, (long)vlen);
        uint64_t v = 0;
        for (size_t k = start; k < i; k++) {
            int h = hexval(s[k]);
            if (h < 0) return fail(err, errlen, "field %s: not hexadecimal", key, 0);
            v = v << 4 | (uint64_t)h;
        }
        store_num(out, f->bit, v);
        out->present |= f->bit;
    }
    if (!(out->present & (SF_CPID | SF_ECID)))
        return fail(err, errlen, "%sneither CPID nor ECID present: not an iBoot serial string", "", 0);
    return 0;
}

static int parse_hex_bytes(const char *s, size_t n, uint8_t *dst, size_t *dlen, const char *key,
                           char *err, size_t errlen)
{
    if (n % 2) return fail(err, errlen, "nonce %s: odd number of hex digits", key, 0);
    if (n / 2 > NONCE_MAX) return fail(err, errlen, "nonce %s: longer than %ld bytes", key, NONCE_MAX);
    for (size_t k = 0; k < n; k += 2) {
        int a = hexval(s[k]), b = hexval(s[k + 1]);
        if (a < 0 || b < 0) return fail(err, errlen, "nonce %s: not hexadecimal", key, 0);
        dst[k / 2] = (uint8_t)(a << 4 | b);
    }
    *dlen = n / 2;
    return 0;
}

int nonce_parse(const char *s, size_t len, struct nonce_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!s) return fail(err, errlen, "%sno nonce string", "", 0);
    size_t n = strnlen(s, len), i = 0;
    if (n > SERIAL_MAX) return fail(err, errlen, "%snonce string too long (%ld bytes)", "", (long)n);
    int found = 0;
    while (i < n) {
        if (s[i] == ' ') { i++; continue; }
        size_t start = i;
        while (i < n && s[i] != ' ') i++;
        const char *tok = s + start;
        size_t tlen = i - start;
        if (tlen > 5 && memcmp(tok, "NONC:", 5) == 0) {
            if (parse_hex_bytes(tok + 5, tlen - 5, out->nonc, &out->nonc_len, "NONC", err, errlen) < 0) return -1;
            found = 1;
        } else if (tlen > 5 && memcmp(tok, "SNON:", 5) == 0) {
            if (parse_hex_bytes(tok + 5, tlen - 5, out->snon, &out->snon_len, "SNON", err, errlen) < 0) return -1;
            found = 1;
        }
    }
    return found ? 0 : fail(err, errlen, "%sno NONC or SNON in nonce string", "", 0);
}

int serial_is_production(const struct serial_info *si) { return (si->present & SF_CPFM) && (si->cpfm & 2); }
int serial_is_secure(const struct serial_info *si) { return (si->present & SF_CPFM) && (si->cpfm & 1); }
int serial_is_image4(const struct serial_info *si) { return (si->present & SF_IBFL) && (si->ibfl & 4); }

size_t serial_from_descriptor(const unsigned char *d, size_t len, char *out, size_t n)
{
    size_t o = 0;
    if (!n) return 0;
    if (len >= 2 && d[0] <= len) len = d[0];
    for (size_t i = 2; i + 1 < len && o + 1 < n; i += 2) {
        unsigned ch = d[i] | (unsigned)d[i + 1] << 8;
        if (ch == 0) continue;                            /* a NUL would end the text early */
        out[o++] = ch < 0x80 ? (char)ch : '?';            /* controls kept for the sanitizer */
    }
    out[o] = 0;
    return sanitize_text(out, n, out, o);                 /* escape sequences go whole */
}
