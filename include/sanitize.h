/* Everything a device says is untrusted. These make it safe to print. */
#ifndef IBENCH_SANITIZE_H
#define IBENCH_SANITIZE_H
#include <stddef.h>

/* Copies src (srclen bytes, stops at NUL) to dst (dstlen, always NUL-terminated):
 * valid UTF-8 printable text is kept, control bytes, escape sequences and invalid
 * UTF-8 become '?', and the result is cut at a character boundary. Returns strlen(dst). */
size_t sanitize_text(char *dst, size_t dstlen, const char *src, size_t srclen);
/* Writes s as a JSON string literal (with quotes) into dst; returns length, cut safely. */
size_t json_quote(char *dst, size_t dstlen, const char *s);
/* Lower-case hex of len bytes into dst (dstlen, always NUL-terminated; stops
 * at a whole byte when full). Returns strlen(dst). */
size_t hex_encode(char *dst, size_t dstlen, const unsigned char *src, size_t len);

#endif
