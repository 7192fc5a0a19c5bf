/* What to do with a server's answer to a firmware download (pure core): the
 * status, the Content-Range and Content-Length headers, the partial file's
 * size and the size the catalog promises decide whether the body is appended
 * to the partial, starts the file over, is not needed because the partial is
 * already whole, or is refused with a reason. download.c asks once per
 * answer, before any byte of the body is written; ipsw_remote.c shares the
 * Content-Range parser. Everything here is outside input: every number is
 * bounded and every parse checked. */
#ifndef IBENCH_HTTP_ANSWER_H
#define IBENCH_HTTP_ANSWER_H
#include <stddef.h>
#include <stdint.h>

/* A Content-Range header's value (RFC 9110 14.4): "bytes FIRST-LAST/TOTAL",
 * the same with '*' for an unknown TOTAL, or, answering an unsatisfiable
 * range, '*' in place of FIRST-LAST. */
struct http_range {
    int64_t first, last;   /* -1 -1 for an unsatisfied range */
    int64_t total;         /* -1 when unknown */
};

/* Parses a Content-Range value (leading blanks and a trailing CR LF are
 * allowed). 0, or -1 when it is not one of those shapes, a number has more
 * than 18 digits, last < first, total <= last, or both parts are '*'. */
int http_range_parse(const char *value, struct http_range *out);

/* One header line as curl hands it (len bytes, not NUL-terminated): a
 * status line starts a new answer (after a redirect); a Content-Range is
 * parsed into *out (HTTP_HDR_BAD_RANGE when it is no valid one). */
enum http_header { HTTP_HDR_OTHER, HTTP_HDR_STATUS, HTTP_HDR_RANGE, HTTP_HDR_BAD_RANGE };
enum http_header http_header_read(const char *b, size_t len, struct http_range *out);

struct http_answer {
    long status;               /* the final answer's HTTP status */
    int has_range;             /* a valid Content-Range came with it */
    struct http_range range;
    int64_t length;            /* Content-Length, -1 unknown */
};

enum http_action {
    HTTP_APPEND,       /* 206 starting at the partial's end: write after it */
    HTTP_START_OVER,   /* 200 with the whole file: truncate the partial, write from 0 */
    HTTP_COMPLETE,     /* 416 and the partial already holds every byte: verify it */
    HTTP_WRONG_SIZE,   /* the server's size disagrees with the catalog: an integrity failure */
    HTTP_REFUSE,       /* an error status or an answer that does not fit the request */
};

/* Decides for an answer to a GET sent with "Range: bytes=PARTIAL-" (no Range
 * when partial is 0). expected is the catalog's size (> 0). why (may be NULL)
 * says what was wrong for HTTP_WRONG_SIZE and HTTP_REFUSE, "" otherwise. */
enum http_action http_answer_decide(const struct http_answer *a, int64_t partial, int64_t expected, char *why, size_t n);

/* Its name, for logs and tests. */
const char *http_action_name(enum http_action a);

#endif
