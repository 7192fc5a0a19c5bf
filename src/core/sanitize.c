/* The one printable-text filter for every outward string that came from
 * outside (devices, catalogs, servers, archives, engines): keeps valid
 * printable UTF-8, drops escape sequences whole, C0/C1 controls, DEL and
 * bidi overrides/isolates, and turns each byte of broken UTF-8 into '?', so
 * nothing a phone's owner, a server or an archive says can drive the terminal
 * or break the JSON it goes into. */
#include "sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid;
 * *cp gets its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cpo)
{
    uint32_t cp;
    size_t len;
    if (s[0] < 0x80) { *cpo = s[0]; return 1; }
    if ((s[0] & 0xe0) == 0xc0) { len = 2; cp = s[0] & 0x1f; }
    else if ((s[0] & 0xf0) == 0xe0) { len = 3; cp = s[0] & 0x0f; }
    else if ((s[0] & 0xf8) == 0xf0) { len = 4; cp = s[0] & 0x07; }
    else return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    *cpo = cp;
    return len;
}

/* Characters that must never reach a terminal: C0 controls, DEL, C1
 * controls, and the bidi embeddings, overrides and isolates. */
static int invisible(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* End of a control string (OSC, DCS, SOS, PM, APC) whose body starts at i:
 * past BEL, ESC \ or the C1 ST; an unterminated one runs to the end. */
static size_t skip_string(const unsigned char *s, size_t n, size_t i)
{
    for (; i < n; i++) {
        if (s[i] == 0x07) return i + 1;
        if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\') return i + 2;
        if (s[i] == 0xc2 && i + 1 < n && s[i + 1] == 0x9c) return i + 2;
    }
    return n;
}

/* End of a CSI sequence whose parameters start at i: parameter and
 * intermediate bytes, then one final byte. */
static size_t skip_csi(const unsigned char *s, size_t n, size_t i)
{
    while (i < n && s[i] >= 0x20 && s[i] <= 0x3f) i++;
    if (i < n && s[i] >= 0x40 && s[i] <= 0x7e) i++;
    return i;
}

/* If an escape sequence starts at i (ESC ..., or a C1 CSI/OSC/DCS/SOS/PM/APC
 * in UTF-8), the index just past all of it; otherwise i. */
static size_t skip_escape(const unsigned char *s, size_t n, size_t i)
{
    if (s[i] == 0x1b) {
        if (i + 1 >= n) return n;
        unsigned char c = s[i + 1];
        if (c == '[') return skip_csi(s, n, i + 2);
        if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') return skip_string(s, n, i + 2);
        size_t j = i + 1;
        while (j < n && s[j] >= 0x20 && s[j] <= 0x2f) j++;         /* intermediates */
        if (j < n && s[j] >= 0x30 && s[j] <= 0x7e) j++;             /* final */
        return j;
    }
    if (s[i] == 0xc2 && i + 1 < n) {
        unsigned char c = s[i + 1];
        if (c == 0x9b) return skip_csi(s, n, i + 2);
        if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f) return skip_string(s, n, i + 2);
    }
    return i;
}

size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    if (!dstlen) return 0;
    size_t o = 0, i = 0;
    const unsigned char *s = (const unsigned char *)src;
    size_t n = src ? strnlen(src, srclen) : 0;
    while (i < n) {
        size_t past = skip_escape(s, n, i);
        if (past != i) { i = past; continue; }               /* the whole sequence goes */
        uint32_t cp = 0;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {                                       /* broken UTF-8: one '?' per byte */
            if (o + 1 >= dstlen) break;
            dst[o++] = '?';
            i++;
            continue;
        }
        if (invisible(cp)) { i += len; continue; }
        if (o + len >= dstlen) break;                         /* never cut a character */
        memmove(dst + o, s + i, len);
        o += len;
        i += len;
    }
    dst[o] = 0;
    return o;
}

size_t sanitize_inplace(char *s, size_t cap)
{
    return s && cap ? sanitize_text(s, cap, s, cap) : 0;
}

size_t json_quote(char *dst, size_t dstlen, const char *s)
{
    if (dstlen < 3) { if (dstlen) dst[0] = 0; return 0; }
    size_t o = 0;
    dst[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        char esc[8];
        size_t el;
        if (*p == '"' || *p == '\\') { esc[0] = '\\'; esc[1] = (char)*p; el = 2; }
        else if (*p < 0x20 || *p == 0x7f) el = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p);
        else { esc[0] = (char)*p; el = 1; }
        if (o + el + 2 > dstlen) break;
        memcpy(dst + o, esc, el);
        o += el;
    }
    /* Never end inside a UTF-8 sequence cut by the bound. */
    size_t k = o;
    while (k > 1 && ((unsigned char)dst[k - 1] & 0xc0) == 0x80) k--;
    if (k > 1 && (unsigned char)dst[k - 1] >= 0xc0) {
        size_t need = ((unsigned char)dst[k - 1] & 0xe0) == 0xc0 ? 2 : ((unsigned char)dst[k - 1] & 0xf0) == 0xe0 ? 3 : 4;
        if (o - (k - 1) < need) o = k - 1;
    }
    dst[o++] = '"';
    dst[o] = 0;
    return o;
}

size_t hex_encode(char *dst, size_t dstlen, const unsigned char *src, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    if (!dstlen) return 0;
    for (size_t i = 0; i < len && o + 2 < dstlen; i++) {
        dst[o++] = digits[src[i] >> 4];
        dst[o++] = digits[src[i] & 15];
    }
    dst[o] = 0;
    return o;
}
