/* A download's answer decided from its status and headers (see
 * http_answer.h). Pure: no curl, no file. */
#include "http_answer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_DIGITS 18   /* below INT64_MAX: no number here can overflow */

/* Reads a decimal number of at most MAX_DIGITS digits; NULL when there is none. */
static const char *number(const char *s, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (++n > MAX_DIGITS) return NULL;
        v = v * 10 + (*s++ - '0');
    }
    if (!n) return NULL;
    *out = v;
    return s;
}

int http_range_parse(const char *value, struct http_range *out)
{
    const char *s = value;
    struct http_range r = {-1, -1, -1};
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "bytes ", 6) != 0) return -1;
    s += 6;
    while (*s == ' ') s++;
    if (*s == '*') {
        s++;
    } else {
        if (!(s = number(s, &r.first)) || *s++ != '-' || !(s = number(s, &r.last)) || r.last < r.first) return -1;
    }
    if (*s++ != '/') return -1;
    if (*s == '*') {
        if (r.first < 0) return -1;   /* "bytes * / *" says nothing at all */
        s++;
    } else if (!(s = number(s, &r.total)) || (r.first >= 0 && r.total <= r.last)) {
        return -1;
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    if (*s) return -1;
    *out = r;
    return 0;
}

static void say(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

enum http_action http_answer_decide(const struct http_answer *a, int64_t partial, int64_t expected, char *why, size_t n)
{
    if (why && n) why[0] = 0;
    const struct http_range *r = &a->range;
    if (a->status == 200) {
        /* The whole file, whatever was asked: a server without Range support. */
        if (a->length >= 0 && a->length != expected) {
            say(why, n, "the server's file is %lld bytes, the catalog says %lld", (long long)a->length, (long long)expected);
            return HTTP_WRONG_SIZE;
        }
        return HTTP_START_OVER;
    }
    if (a->status == 206) {
        if (!a->has_range || r->first < 0) {
            say(why, n, "HTTP 206 without a usable Content-Range (asked for bytes from %lld)", (long long)partial);
            return HTTP_REFUSE;
        }
        if (r->total >= 0 && r->total != expected) {
            say(why, n, "the server's file is %lld bytes, the catalog says %lld", (long long)r->total, (long long)expected);
            return HTTP_WRONG_SIZE;
        }
        if (r->first != partial) {
            say(why, n, "the server sent bytes from %lld, ibench asked for bytes from %lld", (long long)r->first, (long long)partial);
            return HTTP_REFUSE;
        }
        if (r->last != expected - 1) {
            say(why, n, "the server sent bytes up to %lld only, ibench asked for the rest up to %lld", (long long)r->last,
                (long long)expected - 1);
            return HTTP_REFUSE;
        }
        if (a->length >= 0 && a->length != r->last - r->first + 1) {
            say(why, n, "Content-Length %lld does not match the Content-Range's %lld bytes", (long long)a->length,
                (long long)(r->last - r->first + 1));
            return HTTP_REFUSE;
        }
        return HTTP_APPEND;
    }
    if (a->status == 416) {
        /* Nothing from there on: right when the partial already holds it all. */
        if (a->has_range && r->total >= 0 && r->total != expected) {
            say(why, n, "the server's file is %lld bytes, the catalog says %lld", (long long)r->total, (long long)expected);
            return HTTP_WRONG_SIZE;
        }
        if (partial > 0 && partial == expected) return HTTP_COMPLETE;
        say(why, n, "the server refused the range from %lld (HTTP 416) for a file of %lld bytes", (long long)partial,
            (long long)expected);
        return HTTP_REFUSE;
    }
    say(why, n, "server answered HTTP %ld", a->status);
    return HTTP_REFUSE;
}

const char *http_action_name(enum http_action a)
{
    switch (a) {
    case HTTP_APPEND: return "append";
    case HTTP_START_OVER: return "start-over";
    case HTTP_COMPLETE: return "complete";
    case HTTP_WRONG_SIZE: return "wrong-size";
    case HTTP_REFUSE: return "refuse";
    }
    return "?";
}

enum http_header http_header_read(const char *b, size_t len, struct http_range *out)
{
    char line[256];
    if (len >= sizeof line) return HTTP_HDR_OTHER;   /* no header read here is that long */
    memcpy(line, b, len);
    line[len] = 0;
    if (strncmp(line, "HTTP/", 5) == 0) return HTTP_HDR_STATUS;
    if (strncasecmp(line, "Content-Range:", 14) != 0) return HTTP_HDR_OTHER;
    return http_range_parse(line + 14, out) == 0 ? HTTP_HDR_RANGE : HTTP_HDR_BAD_RANGE;
}
