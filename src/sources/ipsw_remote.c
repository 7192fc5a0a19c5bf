/* A remote IPSW as a libzip source: every read becomes an HTTP Range request
 * (libcurl, TLS verification on, a few redirects at most) through a small
 * read-ahead cache, so libzip's many small reads (end of file, central
 * directory, a local header, an entry's data in 8 KiB steps) cost a few
 * requests. A server that ignores Range is refused at the first answer, after
 * one buffer of its body, instead of sending the whole file. Every answer is
 * checked: status 206, a Content-Range naming exactly the bytes asked for and
 * the same total size each time, and no more body than asked for. */
#include "ipsw_remote.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "config.h"
#include "http_answer.h"

#define R_TAIL (128u << 10)        /* first request: end of file, central directory of a small archive */
#define R_AHEAD_MIN (64u << 10)    /* read-ahead after a jump */
#define R_AHEAD_MAX (8u << 20)     /* read-ahead while reading straight on */
#define R_BLOCKS 4                 /* tail, directory, local header, entry data */

struct r_block {
    long long off;
    size_t len;
    char *data;
    unsigned long long used;
};

struct remote {
    CURL *curl;
    char *url;
    long long size, pos;
    struct ipsw_transfer *xfer, own;
    zip_error_t error;
    struct r_block blocks[R_BLOCKS];
    unsigned long long tick;
    long long last_end;
    size_t ahead;
    /* the request in flight */
    char *dst;
    size_t want, got;
    long long cr_start, cr_end, cr_total;
    int bad_status, overflow;
    int low_bps, low_s;            /* the configured low-speed limit */
    char errbuf[CURL_ERROR_SIZE];
};

static void r_fail(struct remote *r, const char *fmt, ...)
{
    int was = atomic_exchange(&r->xfer->failed, 1);
    if (!was) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->xfer->err, sizeof r->xfer->err, fmt, ap);
        va_end(ap);
    }
    zip_error_set(&r->error, ZIP_ER_READ, EIO);
}

static size_t r_header(char *b, size_t size, size_t n, void *ud)
{
    struct remote *r = ud;
    struct http_range cr;
    switch (http_header_read(b, size * n, &cr)) {
    case HTTP_HDR_STATUS: /* a new answer (after a redirect) */
        r->cr_start = r->cr_end = r->cr_total = -1;
        break;
    case HTTP_HDR_RANGE:
        if (cr.first >= 0 && cr.total >= 0) {
            r->cr_start = cr.first;
            r->cr_end = cr.last;
            r->cr_total = cr.total;
        }
        break;
    default:
        break;
    }
    return size * n;
}

static size_t r_body(char *b, size_t size, size_t n, void *ud)
{
    struct remote *r = ud;
    size_t len = size * n;
    long status = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    atomic_fetch_add(&r->xfer->bytes, (long long)len);
    if (status != 206) {
        r->bad_status = (int)status;
        return 0; /* stop now: a 200 here would be the whole file */
    }
    if (len > r->want - r->got) {
        r->overflow = 1;
        return 0;
    }
    memcpy(r->dst + r->got, b, len);
    r->got += len;
    return len;
}

/* One Range request: len bytes at off into dst. */
static int r_fetch(struct remote *r, long long off, size_t len, char *dst)
{
    char range[64];
    snprintf(range, sizeof range, "%lld-%lld", off, off + (long long)len - 1);
    CURLcode rc = CURLE_OK;
    /* A connection cut mid-answer is tried again twice; anything the server
     * says (status, ranges) is not. */
    for (int attempt = 0; attempt < 3; attempt++) {
        r->dst = dst;
        r->want = len;
        r->got = 0;
        r->bad_status = r->overflow = 0;
        r->cr_start = r->cr_end = r->cr_total = -1;
        r->errbuf[0] = 0;
        curl_easy_setopt(r->curl, CURLOPT_RANGE, range);
        atomic_fetch_add(&r->xfer->requests, 1);
        rc = curl_easy_perform(r->curl);
        if (rc == CURLE_OK || r->bad_status || r->overflow ||
            (rc != CURLE_PARTIAL_FILE && rc != CURLE_RECV_ERROR && rc != CURLE_GOT_NOTHING && rc != CURLE_SEND_ERROR))
            break;
    }
    long hdr = 0;
    if (curl_easy_getinfo(r->curl, CURLINFO_HEADER_SIZE, &hdr) == CURLE_OK && hdr > 0)
        atomic_fetch_add(&r->xfer->bytes, (long long)hdr);
    long status = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    if (r->bad_status == 200 || (rc == CURLE_OK && status == 200)) {
        r_fail(r, "%s: the server ignores HTTP Range requests, so single entries cannot be read remotely "
                  "(download the file and use it locally)", r->url);
        return -1;
    }
    if (r->overflow) {
        r_fail(r, "%s: the server sent more than the %zu bytes asked for", r->url, len);
        return -1;
    }
    curl_off_t conn = 0;
    if (rc == CURLE_OPERATION_TIMEDOUT && curl_easy_getinfo(r->curl, CURLINFO_PRETRANSFER_TIME_T, &conn) == CURLE_OK && conn > 0) {
        /* The request went out (a connect timeout never gets that far): the low-speed limit. */
        r_fail(r, "%s: the server sent less than %d bytes/s for %d s (low_speed_limit, low_speed_seconds)", r->url,
               r->low_bps, r->low_s);
        return -1;
    }
    if (rc != CURLE_OK && !r->bad_status) {
        r_fail(r, "%s: %s", r->url, r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        return -1;
    }
    if (status != 206) {
        r_fail(r, "%s: HTTP status %ld", r->url, status);
        return -1;
    }
    if (r->cr_start != off || r->cr_end != r->cr_start + (long long)r->got - 1 ||
        (r->size > 0 && r->cr_total != r->size)) {
        r_fail(r, "%s: the server's Content-Range does not match the bytes asked for (or the file changed)", r->url);
        return -1;
    }
    if (r->got != len) {
        r_fail(r, "%s: short answer: %zu of %zu bytes", r->url, r->got, len);
        return -1;
    }
    if (r->size <= 0) r->size = r->cr_total;
    return 0;
}

static struct r_block *r_slot(struct remote *r)
{
    struct r_block *old = &r->blocks[0];
    for (int i = 1; i < R_BLOCKS; i++)
        if (r->blocks[i].used < old->used) old = &r->blocks[i];
    return old;
}

/* Copies up to n bytes at pos from the cache, fetching a block on a miss. */
static zip_int64_t r_read(struct remote *r, char *out, size_t n)
{
    size_t done = 0;
    while (done < n && r->pos < r->size) {
        struct r_block *hit = NULL;
        for (int i = 0; i < R_BLOCKS && !hit; i++) {
            struct r_block *b = &r->blocks[i];
            if (b->data && r->pos >= b->off && r->pos < b->off + (long long)b->len) hit = b;
        }
        if (!hit) {
            r->ahead = r->pos == r->last_end ? (r->ahead * 2 > R_AHEAD_MAX ? R_AHEAD_MAX : r->ahead * 2) : R_AHEAD_MIN;
            /* One block holds at most R_AHEAD_MAX: a central directory
             * claiming gigabytes is read piecewise, not into one buffer. */
            size_t len = n - done > r->ahead ? n - done : r->ahead;
            if (len > R_AHEAD_MAX) len = R_AHEAD_MAX;
            if ((long long)len > r->size - r->pos) len = (size_t)(r->size - r->pos);
            hit = r_slot(r);
            char *d = realloc(hit->data, len);
            if (!d) {
                zip_error_set(&r->error, ZIP_ER_MEMORY, 0);
                return -1;
            }
            hit->data = d;
            hit->len = 0;
            if (r_fetch(r, r->pos, len, d) < 0) return -1;
            hit->off = r->pos;
            hit->len = len;
            r->last_end = r->pos + (long long)len;
        }
        hit->used = ++r->tick;
        size_t from = (size_t)(r->pos - hit->off), take = hit->len - from;
        if (take > n - done) take = n - done;
        memcpy(out + done, hit->data + from, take);
        done += take;
        r->pos += (long long)take;
    }
    return (zip_int64_t)done;
}

static void r_free(struct remote *r)
{
    if (!r) return;
    if (r->curl) curl_easy_cleanup(r->curl);
    for (int i = 0; i < R_BLOCKS; i++) free(r->blocks[i].data);
    zip_error_fini(&r->error);
    free(r->url);
    free(r);
}

static zip_int64_t r_callback(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    struct remote *r = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        r->pos = 0;
        return 0;
    case ZIP_SOURCE_READ:
        return r_read(r, data, len);
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &r->error);
        if (!st) return -1;
        zip_stat_init(st);
        st->size = (zip_uint64_t)r->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_SEEK: {
        zip_int64_t to = zip_source_seek_compute_offset((zip_uint64_t)r->pos, (zip_uint64_t)r->size, data, len, &r->error);
        if (to < 0) return -1;
        r->pos = to;
        return 0;
    }
    case ZIP_SOURCE_TELL:
        return r->pos;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&r->error, data, len);
    case ZIP_SOURCE_FREE:
        r_free(r);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                              ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
                                              ZIP_SOURCE_SUPPORTS, -1);
    default:
        zip_error_set(&r->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

zip_source_t *ipsw_remote_source(const char *url, struct ipsw_transfer *xfer, char *err, size_t errlen)
{
    struct remote *r = calloc(1, sizeof *r);
    if (!r || !(r->url = strdup(url)) || !(r->curl = curl_easy_init())) {
        snprintf(err, errlen, "%s: out of memory", url);
        r_free(r);
        return NULL;
    }
    zip_error_init(&r->error);
    r->xfer = xfer ? xfer : &r->own;
    r->ahead = R_AHEAD_MIN;
    r->last_end = -1;
    CURL *h = r->curl;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
    config_low_speed(&r->low_bps, &r->low_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)r->low_bps);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)r->low_s);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ibench/" IBENCH_VERSION);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, r_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, r_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 0L);
    /* One byte learns the size (Content-Range); then the end of the file,
     * where libzip looks first, comes in one request. */
    char first;
    struct r_block *b = &r->blocks[0];
    size_t tail = 0;
    if (r_fetch(r, 0, 1, &first) == 0) {
        tail = r->size < (long long)R_TAIL ? (size_t)r->size : R_TAIL;
        b->data = malloc(tail);
    }
    if (!b->data || r_fetch(r, r->size - (long long)tail, tail, b->data) < 0) {
        snprintf(err, errlen, "%s", r->xfer->failed ? r->xfer->err : "out of memory");
        r_free(r);
        return NULL;
    }
    b->off = r->size - (long long)tail;
    b->len = tail;
    b->used = ++r->tick;
    r->last_end = r->size;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_function_create(r_callback, r, &ze);
    if (!src) {
        snprintf(err, errlen, "%s: %s", url, zip_error_strerror(&ze));
        r_free(r);
    }
    zip_error_fini(&ze);
    return src;
}
