/* Printable-text filter for untrusted device strings: keeps valid UTF-8
 * printable characters, replaces C0/C1 controls, DEL and invalid sequences
 * with '?', so nothing a phone's owner types can drive the terminal. */
#include "sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid;
 * *printable says whether it may reach a terminal. */
static size_t utf8_seq(const unsigned char *s, size_t n, int *printable)
{
    uint32_t cp;
    size_t len;
    *printable = 1;
    if (s[0] < 0x80) { *printable = s[0] >= 0x20 && s[0] != 0x7f; return 1; }
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
    if ((cp >= 0x80 && cp < 0xa0) ||                                     /* C1 controls (CSI is 0x9b) */
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) /* bidi overrides */
        *printable = 0;
    return len;
}

size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    if (!dstlen) return 0;
    size_t o = 0, i = 0;
    const unsigned char *s = (const unsigned char *)src;
    size_t n = src ? strnlen(src, srclen) : 0;
    while (i < n) {
        int printable;
        size_t len = utf8_seq(s + i, n - i, &printable);
        if (len == 0 || !printable) {
            if (o + 1 >= dstlen) break;
            dst[o++] = '?';
            i += len ? len : 1;
            continue;
        }
        if (o + len >= dstlen) break;
        memcpy(dst + o, s + i, len);
        o += len;
        i += len;
    }
    dst[o] = 0;
    return o;
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
