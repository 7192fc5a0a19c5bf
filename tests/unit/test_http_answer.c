/* http_answer: what a download does with each answer (append, start over,
 * finish a whole partial, refuse), and the Content-Range parser shared with
 * remote IPSW reads. */
#include <stdint.h>
#include <string.h>

#include "http_answer.h"
#include "tap.h"

#define SIZE 3000000

static struct http_answer answer(long status, const char *content_range, int64_t length)
{
    struct http_answer a = {status, 0, {-1, -1, -1}, length};
    if (content_range) a.has_range = http_range_parse(content_range, &a.range) == 0;
    return a;
}

static enum http_action decide(long status, const char *cr, int64_t length, int64_t partial, char *why)
{
    struct http_answer a = answer(status, cr, length);
    return http_answer_decide(&a, partial, SIZE, why, 256);
}

TEST(content_range_shapes)
{
    struct http_range r;
    CHECK_INT(http_range_parse(" bytes 100-2999999/3000000\r\n", &r), 0);
    CHECK_INT(r.first, 100);
    CHECK_INT(r.last, 2999999);
    CHECK_INT(r.total, 3000000);
    CHECK_INT(http_range_parse("bytes */3000000", &r), 0);
    CHECK_INT(r.first, -1);
    CHECK_INT(r.total, 3000000);
    CHECK_INT(http_range_parse("bytes 0-9/*", &r), 0);
    CHECK_INT(r.total, -1);
}

TEST(header_lines_as_curl_hands_them)
{
    struct http_range r = {0};
    static const char cr[] = "content-range: bytes 5-9/10\r\nGARBAGE";
    CHECK_INT(http_header_read(cr, sizeof cr - 1 - 7, &r), HTTP_HDR_RANGE);   /* not NUL-terminated */
    CHECK_INT(r.first, 5);
    CHECK_INT(r.total, 10);
    CHECK_INT(http_header_read("Content-Range: bytes 9-5/10\r\n", 29, &r), HTTP_HDR_BAD_RANGE);
    CHECK_INT(http_header_read("HTTP/1.1 206 Partial Content\r\n", 30, &r), HTTP_HDR_STATUS);
    CHECK_INT(http_header_read("Content-Length: 5\r\n", 19, &r), HTTP_HDR_OTHER);
}

TEST(content_range_refuses_the_malformed)
{
    struct http_range r;
    static const char *const bad[] = {
        "", "bytes", "bytes */*", "bytes 5-4/10", "bytes 0-10/10", "bytes -1-5/10", "items 0-1/2",
        "bytes 0-1/2x", "bytes 0-1/", "bytes 0-/10", "bytes 1234567890123456789-1234567890123456790/99999999999999999999",
        "bytes 0-1/2 3", "bytes 0 - 1/2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (http_range_parse(bad[i], &r) == 0) printf("#   accepted \"%s\"\n", bad[i]);
        CHECK(http_range_parse(bad[i], &r) < 0);
    }
}

TEST(resume_appends_only_from_the_partials_end)
{
    char why[256];
    CHECK_INT(decide(206, "bytes 1000000-2999999/3000000", 2000000, 1000000, why), HTTP_APPEND);
    CHECK_STR(why, "");
    CHECK_INT(decide(206, "bytes 0-2999999/3000000", -1, 1000000, why), HTTP_REFUSE);
    CHECK(strstr(why, "bytes from 0") && strstr(why, "asked for bytes from 1000000"));
    CHECK_INT(decide(206, NULL, 2000000, 1000000, why), HTTP_REFUSE);
    CHECK(strstr(why, "without a usable Content-Range") != NULL);
    CHECK_INT(decide(206, "bytes 1000000-1999999/3000000", 1000000, 1000000, why), HTTP_REFUSE);
    CHECK(strstr(why, "up to 1999999 only") != NULL);
    CHECK_INT(decide(206, "bytes 1000000-2999999/3000000", 5, 1000000, why), HTTP_REFUSE);
    CHECK_INT(decide(206, "bytes 1000000-3999999/4000000", -1, 1000000, why), HTTP_WRONG_SIZE);
    CHECK(strstr(why, "4000000 bytes, the catalog says 3000000") != NULL);
}

TEST(a_server_ignoring_range_starts_over)
{
    char why[256];
    CHECK_INT(decide(200, NULL, SIZE, 1500000, why), HTTP_START_OVER);
    CHECK_INT(decide(200, NULL, -1, 1500000, why), HTTP_START_OVER);   /* no length: the body is counted */
    CHECK_INT(decide(200, NULL, SIZE, 0, why), HTTP_START_OVER);       /* a fresh download */
    CHECK_INT(decide(200, NULL, 52000000, 0, why), HTTP_WRONG_SIZE);
    CHECK(strstr(why, "52000000 bytes, the catalog says 3000000") != NULL);
}

TEST(a_whole_partial_is_complete_not_refused)
{
    char why[256];
    CHECK_INT(decide(416, "bytes */3000000", 0, SIZE, why), HTTP_COMPLETE);
    CHECK_INT(decide(416, NULL, 0, SIZE, why), HTTP_COMPLETE);
    CHECK_INT(decide(416, "bytes */3000000", 0, 1000, why), HTTP_REFUSE);
    CHECK(strstr(why, "HTTP 416") != NULL);
    CHECK_INT(decide(416, "bytes */2000", 0, SIZE, why), HTTP_WRONG_SIZE);
}

TEST(errors_and_odd_statuses_are_refused)
{
    char why[256];
    CHECK_INT(decide(404, NULL, 0, 0, why), HTTP_REFUSE);
    CHECK_STR(why, "server answered HTTP 404");
    CHECK_INT(decide(500, NULL, 0, 1000, why), HTTP_REFUSE);
    CHECK_INT(decide(204, NULL, 0, 0, why), HTTP_REFUSE);
    CHECK_INT(decide(302, NULL, 0, 0, why), HTTP_REFUSE);
    CHECK_INT(decide(0, NULL, -1, 0, NULL), HTTP_REFUSE);              /* why may be NULL */
    CHECK_STR(http_action_name(HTTP_COMPLETE), "complete");
}

int main(void)
{
    RUN(content_range_shapes);
    RUN(header_lines_as_curl_hands_them);
    RUN(content_range_refuses_the_malformed);
    RUN(resume_appends_only_from_the_partials_end);
    RUN(a_server_ignoring_range_starts_over);
    RUN(a_whole_partial_is_complete_not_refused);
    RUN(errors_and_odd_statuses_are_refused);
    return TAP_DONE();
}
