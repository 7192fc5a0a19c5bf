/* Catalog JSON: real-shaped answers and hostile ones. */
#include <string.h>

#include "catalog.h"
#include "fw_cache.h"
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

TEST(cache_file_names)
{
    char p[32], v[32], b[32];
    CHECK(fw_cache_parse_name("iPhone10,3_16.7.10_20H350_Restore.ipsw", p, v, b) == 0);
    CHECK_STR(p, "iPhone10,3");
    CHECK_STR(v, "16.7.10");
    CHECK_STR(b, "20H350");
    CHECK(fw_cache_parse_name("iPhone10,3_16.7.10_20H350_Restore.ipsw.part", p, v, b) < 0);
    CHECK(fw_cache_parse_name("iPhone10,3_16.7.10_Restore.ipsw", p, v, b) < 0);
    CHECK(fw_cache_parse_name("iPhone10,3_16.7.10_20H350_x_Restore.ipsw", p, v, b) < 0);
    CHECK(fw_cache_parse_name("_16.7_20H350_Restore.ipsw", p, v, b) < 0);
    CHECK(fw_cache_parse_name("iPhone 10_16.7_20H350_Restore.ipsw", p, v, b) < 0);
    CHECK(fw_cache_parse_name("a_b_c_Restore.ipsw", p, v, b) == 0);
    CHECK(fw_cache_parse_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_b_c_Restore.ipsw", p, v, b) < 0); /* too long */
    CHECK(fw_cache_parse_name("", p, v, b) < 0);
}

TEST(sizes)
{
    CHECK_INT(fw_cache_parse_size("123456"), 123456);
    CHECK_INT(fw_cache_parse_size("500M"), 500000000);
    CHECK_INT(fw_cache_parse_size("8G"), 8000000000LL);
    CHECK_INT(fw_cache_parse_size("1.5T"), 1500000000000LL);
    CHECK_INT(fw_cache_parse_size("700MiB"), 700LL * 1048576);
    CHECK_INT(fw_cache_parse_size("2gib"), 2LL << 30);
    CHECK_INT(fw_cache_parse_size("0"), 0);
    CHECK(fw_cache_parse_size("") < 0 && fw_cache_parse_size("lots") < 0 && fw_cache_parse_size("-5G") < 0);
    CHECK(fw_cache_parse_size("5X") < 0 && fw_cache_parse_size("nan") < 0 && fw_cache_parse_size("1e300") < 0);
}

static struct fw_cache_entry entry(const char *name, int64_t size, time_t used, bool partial, bool locked)
{
    struct fw_cache_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", name);
    e.size = size;
    e.used = used;
    e.partial = partial;
    e.locked = locked;
    return e;
}

TEST(prune_plan)
{
    const time_t now = 1000000000, day = 86400;
    struct fw_cache_entry e[5] = {
        entry("old", 600, now - 40 * day, false, false),
        entry("older-locked", 600, now - 50 * day, false, true),
        entry("recent", 500, now - 1 * day, false, false),
        entry("middle", 400, now - 10 * day, false, false),
        entry("stale-part", 300, now - 9 * day, true, false),
    };
    struct fw_cache_list l = {.e = e, .n = 5, .cap = 5};
    int64_t freed;
    /* By age: only the unlocked old file; partials by their own limit. */
    CHECK_INT(fw_cache_plan_prune(&l, now, 30 * day, -1, 7 * day, &freed), 2);
    CHECK(e[0].prune && !e[1].prune && !e[2].prune && !e[3].prune && e[4].prune);
    CHECK_INT(freed, 900);
    /* Nothing asked: nothing beyond stale partials. */
    CHECK_INT(fw_cache_plan_prune(&l, now, -1, -1, 30 * day, &freed), 0);
    CHECK_INT(freed, 0);
    /* By size: least recently used first, skipping the locked one, never partials. */
    CHECK_INT(fw_cache_plan_prune(&l, now, -1, 1500, -1, &freed), 2);
    CHECK(e[0].prune && !e[1].prune && !e[2].prune && e[3].prune && !e[4].prune);
    CHECK_INT(freed, 1000);
    /* A size that cannot be reached: everything unlocked and complete goes, no more. */
    CHECK_INT(fw_cache_plan_prune(&l, now, -1, 0, -1, &freed), 3);
    CHECK(!e[1].prune && !e[4].prune);
    struct fw_cache_list empty = {0};
    CHECK_INT(fw_cache_plan_prune(&empty, now, 0, 0, 0, &freed), 0);
}

int main(void)
{
    RUN(real_shaped_answer);
    RUN(hostile_answers_are_refused);
    RUN(cache_file_names);
    RUN(sizes);
    RUN(prune_plan);
    return TAP_DONE();
}
