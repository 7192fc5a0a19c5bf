/* Fuzz target: a download's answer from a server, decided by http_answer.c.
 * The input is a status (2 bytes), the partial's size, the catalog's size and
 * the Content-Length (8 bytes each, little-endian), then a Content-Range
 * header value. Whatever the server says, an append must start at the
 * partial's end and reach the catalog's size, "complete" needs a whole
 * partial, and a refusal always says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_answer.h"

static int64_t take64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 26) return 0;
    struct http_answer a = {0};
    a.status = data[0] | data[1] << 8;
    int64_t partial = take64(data + 2), expected = take64(data + 10);
    a.length = take64(data + 18);
    if (expected <= 0 || partial < 0 || partial > expected) return 0; /* download.c never asks otherwise */
    char *hdr = malloc(size - 26 + 1);
    if (!hdr) return 0;
    memcpy(hdr, data + 26, size - 26);
    hdr[size - 26] = 0;
    a.has_range = http_range_parse(hdr, &a.range) == 0;
    struct http_range h;   /* the same bytes as a header line curl hands over */
    enum http_header kind = http_header_read((const char *)data + 26, size - 26, &h);
    if (kind == HTTP_HDR_RANGE && h.first >= 0 && h.last < h.first) abort();
    if (a.has_range) {
        const struct http_range *r = &a.range;
        if (r->first >= 0 && (r->last < r->first || (r->total >= 0 && r->total <= r->last))) abort();
        if (r->first < 0 && (r->last != -1 || r->total < 0)) abort();
    }
    char why[256];
    enum http_action act = http_answer_decide(&a, partial, expected, why, sizeof why);
    if (memchr(why, 0, sizeof why) == NULL) abort();
    switch (act) {
    case HTTP_APPEND:
        if (a.status != 206 || !a.has_range || a.range.first != partial || a.range.last != expected - 1) abort();
        break;
    case HTTP_START_OVER:
        if (a.status != 200 || (a.length >= 0 && a.length != expected)) abort();
        break;
    case HTTP_COMPLETE:
        if (partial != expected) abort();
        break;
    case HTTP_WRONG_SIZE:
    case HTTP_REFUSE:
        if (!why[0]) abort();
        break;
    default:
        abort();
    }
    (void)http_action_name(act);
    free(hdr);
    return 0;
}
