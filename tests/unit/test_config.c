/* Configuration file parsing, slots and environment overrides. */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "tap.h"

static const char *write_tmp(const char *text)
{
    static char path[] = "/tmp/ibench-config-XXXXXX";
    snprintf(path, sizeof path, "%s", "/tmp/ibench-config-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

TEST(file_settings_and_slots)
{
    struct config c;
    char err[256];
    unsetenv("IBENCH_API_URL");
    const char *p = write_tmp("# bench 4\napi = http://127.0.0.1:9/\nmax_restores = 3\n[slots]\n1-1.3 = Bay 3\n\"1-1.4\" = \"Bay 4\"\n");
    CHECK(config_load(&c, p, err, sizeof err) == 0);
    CHECK_STR(c.api_url, "http://127.0.0.1:9/");
    CHECK_INT(c.max_restores, 3);
    CHECK_INT(c.nslots, 2);
    CHECK_STR(c.slots[1].port, "1-1.4");
    CHECK_STR(c.slots[1].label, "Bay 4");
    remove(p);
}

TEST(bad_lines_are_reported_with_line_numbers)
{
    struct config c;
    char err[256];
    const char *p = write_tmp("max_restores = lots\n");
    CHECK(config_load(&c, p, err, sizeof err) < 0);
    CHECK(strstr(err, ":1:") != NULL);
    remove(p);
    p = write_tmp("\nfrobnicate = 1\n");
    CHECK(config_load(&c, p, err, sizeof err) < 0);
    CHECK(strstr(err, "unknown setting") != NULL);
    remove(p);
    p = write_tmp("[slots]\n1-1.3 = Bay 3\nengine_stall_seconds = 20\n");
    CHECK(config_load(&c, p, err, sizeof err) < 0);
    CHECK(strstr(err, ":3:") != NULL && strstr(err, "settings go above [slots]") != NULL);
    remove(p);
    CHECK(config_load(&c, "/nonexistent/ibench.conf", err, sizeof err) < 0);
}

TEST(environment_overrides_file)
{
    struct config c;
    char err[256];
    const char *p = write_tmp("cache = /from/file\n");
    setenv("IBENCH_CACHE", "/from/env", 1);
    CHECK(config_load(&c, p, err, sizeof err) == 0);
    CHECK_STR(c.cache_dir, "/from/env");
    unsetenv("IBENCH_CACHE");
    remove(p);
}

int main(void)
{
    RUN(file_settings_and_slots);
    RUN(bad_lines_are_reported_with_line_numbers);
    RUN(environment_overrides_file);
    return TAP_DONE();
}
