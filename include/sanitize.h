/* Everything a device says is untrusted. These make it safe to print. */
#ifndef IBENCH_SANITIZE_H
#define IBENCH_SANITIZE_H
#include <stddef.h>

/* Copies src (srclen bytes, stops at NUL) to dst (dstlen, always NUL-terminated):
 * valid printable UTF-8 is kept; escape sequences (ESC [ ... final byte,
 * ESC ] ... BEL or ST, their C1 forms, two-byte ESC x) are dropped whole; C0
 * and C1 controls, DEL and the bidi overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) are dropped; each byte of broken UTF-8 becomes '?'. The
 * result is cut at a character boundary, never inside a UTF-8 sequence.
 * dst may be src (the result is never longer). Returns strlen(dst). */
size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen);
/* sanitize_text of the NUL-terminated s (cap bytes) onto itself. */
size_t sanitize_inplace(char *s, size_t cap);
/* Writes s as a JSON string literal (with quotes) into dst; returns length, cut safely. */
size_t json_quote(char *dst, size_t dstlen, const char *s);
/* Lower-case hex of len bytes into dst (dstlen, always NUL-terminated; stops
 * at a whole byte when full). Returns strlen(dst). */
size_t hex_encode(char *dst, size_t dstlen, const unsigned char *src, size_t len);

#endif
