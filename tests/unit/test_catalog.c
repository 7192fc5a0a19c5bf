/* Catalog JSON: real-shaped answers and hostile ones. */
#include <string.h>

#include "catalog.h"
#include "tap.h"

static struct catalog C;
static char err[256];

static int parse(const char *s) { return catalog_parse(s, strlen(s), &C, err, sizeof err); }

#define FW(extra) "{\"identifier\":\"iPhone10,3\",\"version\":\"16.7.10\",\"buildid\":\"20H350\"," \
    "\"sha1sum\":\"0123456789abcdef0123456789abcdef01234567\",\"filesize\":6183829504," \
    "\"url\":\"https://updates.cdn-apple.com/x.ipsw\",\"releasedate\":\"2024-08-07T17:05:41Z\",\"signed\":true" extra "}"

TEST(real_shaped_answer)
{
    CHECK(parse("{\"name\":\"iPhone X\",\"identifier\":\"iPhone10,3\",\"firmwares\":[" FW("") "," FW(",\"md5sum\":null") "]}") == 0);
    CHECK_INT(C.n, 2);
    CHECK_STR(C.fw[0].build, "20H350");
    CHECK(C.fw[0].size == 6183829504LL && C.fw[0].is_signed);
    CHECK_STR(C.fw[0].sha1, "0123456789abcdef0123456789abcdef01234567");
    CHECK_INT(catalog_newest(&C), 0);
}

TEST(hostile_answers_are_refused)
{
    CHECK(parse("") < 0 && strstr(err, "not JSON"));
    CHECK(parse("[]") < 0 && strstr(err, "no firmwares"));
    CHECK(parse("{\"firmwares\":{}}") < 0);
    CHECK(parse("{\"firmwares\":[" FW(",\"signed\":\"yes\"") "]}") < 0);            /* duplicate key */
    CHECK(parse("{\"firmwares\":[{\"identifier\":\"../../etc\",\"version\":\"1\",\"buildid\":\"A\",\"filesize\":1,\"url\":\"https://x\",\"signed\":true}]}") < 0);
    CHECK(parse("{\"firmwares\":[{\"identifier\":\"iPhone10,3\",\"version\":\"1\",\"buildid\":\"A/B\",\"filesize\":1,\"url\":\"https://x\",\"signed\":true}]}") < 0);
    CHECK(parse("{\"firmwares\":[{\"identifier\":\"iPhone10,3\",\"version\":\"1\",\"buildid\":\"A\",\"filesize\":-5,\"url\":\"https://x\",\"signed\":true}]}") < 0);
    CHECK(parse("{\"firmwares\":[{\"identifier\":\"iPhone10,3\",\"version\":\"1\",\"buildid\":\"A\",\"filesize\":1,\"url\":\"file:///etc/passwd\",\"signed\":true}]}") < 0 && strstr(err, "http"));
    CHECK(parse("{\"firmwares\":[{\"identifier\":\"iPhone10,3\",\"version\":1,\"buildid\":\"A\",\"filesize\":1,\"url\":\"https://x\",\"signed\":true}]}") < 0);
    char deep[4096] = "";
    for (int i = 0; i < 2000; i++) strcat(deep, "[");
    CHECK(parse(deep) < 0);
    CHECK(parse("{\"firmwares\":[" FW("") "]} trailing") < 0);
    CHECK(catalog_parse("{\"firmwares\":[\xff]}", 16, &C, err, sizeof err) < 0);
}

int main(void)
{
    RUN(real_shaped_answer);
    RUN(hostile_answers_are_refused);
    return TAP_DONE();
}
