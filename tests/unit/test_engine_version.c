/* Restore-engine capability from its version line and --help (engine_version.c). */
#include <string.h>

#include "engine_version.h"
#include "tap.h"

static struct engine_info E;

static void judge(const char *version, const char *help)
{
    memset(&E, 0, sizeof E);
    snprintf(E.path, sizeof E.path, "/usr/bin/idevicerestore");
    if (help) E.opts = engine_help_parse(help, strlen(help));
    engine_version_parse(&E, version, strlen(version));
}

static int can(const char *ios, const char *product)
{
    char why[600];
    return engine_can_restore(&E, ios, product, why, sizeof why);
}

TEST(debian_12_release)
{
    judge("idevicerestore 1.0.0\n", NULL);
    CHECK_INT(E.major, 1); CHECK_INT(E.minor, 0); CHECK_INT(E.patch, 0);
    CHECK_INT(E.commits, 0);
    CHECK_INT(E.kind, ENGINE_2020);
    CHECK(E.old_irecovery);
    CHECK_INT(E.max_ios_major, 15);
    CHECK_INT(can("15.8.3", "iPhone10,3"), 0);
    CHECK_INT(can("16.0", "iPhone10,3"), -1);
    CHECK_INT(can("15.8.3", "iPhone12,8"), 0);
    CHECK_INT(can("15.8.3", "iPhone13,2"), -1);       /* after iPhone12,8 in its libirecovery */
    char why[600];
    engine_can_restore(&E, "17.5.1", "iPhone10,1", why, sizeof why);
    CHECK(strstr(why, "cannot restore iOS 17.5.1") && strstr(why, "up to iOS 15"));
    engine_can_restore(&E, "15.0", "iPhone14,5", why, sizeof why);
    CHECK(strstr(why, "iPhone14,5") && strstr(why, "iPhone12,8"));
}

TEST(distribution_suffix_is_the_same_release)
{
    judge("idevicerestore 1.0.0-3+b1", NULL);
    CHECK_STR(E.suffix, "-3+b1");
    CHECK_INT(E.commits, 0);
    CHECK_INT(E.kind, ENGINE_2020);
    CHECK(E.old_irecovery);
    judge("1.0.0-3", NULL);
    CHECK_INT(E.kind, ENGINE_2020);
}

TEST(git_build_is_never_the_2020_release)
{
    judge("idevicerestore 1.0.0-213-g405fcd1\n", NULL);
    CHECK_INT(E.major, 1); CHECK_INT(E.minor, 0); CHECK_INT(E.patch, 0);
    CHECK_INT(E.commits, 213);
    CHECK_STR(E.git_hash, "405fcd1");
    CHECK_INT(E.kind, ENGINE_CURRENT);
    CHECK(!E.old_irecovery);
    CHECK_INT(E.max_ios_major, 0);
    CHECK_INT(can("18.1", "iPhone17,1"), 0);
    CHECK_INT(can("26.0", "iPhone18,1"), 0);
    judge("idevicerestore 1.0.0-1-gabcdef0-dirty", NULL);
    CHECK_INT(E.kind, ENGINE_CURRENT);
}

TEST(debian_13_snapshot)
{
    judge("idevicerestore 1.0.1", NULL);
    CHECK_INT(E.kind, ENGINE_2024);
    CHECK(!E.old_irecovery);
    CHECK_INT(can("17.5.1", "iPhone15,2"), 0);
    CHECK_INT(can("18.0", "iPhone17,3"), 0);
    CHECK_INT(can("18.0.1", "iPhone16,1"), 0);          /* 18.0.x is 18.0 */
    CHECK_INT(can("18.1", "iPhone16,1"), -1);
    CHECK_INT(can("18.0", "iPhone18,1"), -1);
    judge("idevicerestore 1.0.0+git20240705.a94e3b3-1", NULL);
    CHECK_INT(E.snapshot_date, 20240705);
    CHECK_INT(E.kind, ENGINE_2024);
    CHECK(!E.old_irecovery);
    judge("idevicerestore 1.0.0+git20230101", NULL);
    CHECK_INT(E.kind, ENGINE_2022);
    CHECK_INT(can("17.0", NULL), 0);
    CHECK_INT(can("18.0", NULL), -1);
}

TEST(newer_releases_and_unknown)
{
    judge("idevicerestore 1.3.1", NULL);
    CHECK_INT(E.kind, ENGINE_CURRENT);
    CHECK_INT(can("26.0", "iPhone18,1"), 0);
    judge("idevicerestore 1.0.99-standin", NULL);
    CHECK_INT(E.kind, ENGINE_CURRENT);
    CHECK_INT(engine_version_parse(&E, "usage: whatever", 15), -1);
    CHECK_INT(E.kind, ENGINE_UNKNOWN);
    CHECK_INT(E.max_ios_major, 0);
    judge("", NULL);
    CHECK_INT(E.kind, ENGINE_UNKNOWN);
    judge("idevicerestore v2.0", NULL);
    CHECK_INT(E.major, 2);
    CHECK_INT(E.kind, ENGINE_CURRENT);
}

TEST(help_options)
{
    const char *upstream =
        "Usage: idevicerestore [OPTIONS] PATH\n"
        "  -i, --ecid ECID       Target specific device by its ECID\n"
        "  -s, --server URL      Override default signing server request URL\n"
        "  --logfile=PATH        Write logging output to file at PATH\n"
        "  --variant VARIANT     Use given VARIANT to match the build identity\n"
        "  --ignore-errors       Try to continue with certain errors\n"
        "  -P, --plain-progress  Print progress as plain step and progress\n"
        "  -C, --cache-path DIR  Use specified directory for caching\n";
    unsigned o = engine_help_parse(upstream, strlen(upstream));
    CHECK(o & ENGINE_OPT_SERVER);
    CHECK(o & ENGINE_OPT_LOGFILE);
    CHECK(o & ENGINE_OPT_VARIANT);
    CHECK(o & ENGINE_OPT_IGNORE_ERRORS);
    CHECK(o & ENGINE_OPT_PLAIN_PROGRESS);
    CHECK(o & ENGINE_OPT_CACHE_PATH);
    CHECK_INT(engine_help_parse("--serverless --logfiles x--variant", 34), 0);
    /* A build that still says 1.0.0 but lists --logfile is not the 2020 release. */
    judge("idevicerestore 1.0.0", upstream);
    CHECK_INT(E.kind, ENGINE_CURRENT);
    CHECK(!E.old_irecovery);
    judge("idevicerestore 1.0.0", "  -s, --server URL\n");
    CHECK_INT(E.kind, ENGINE_2024);
    CHECK(!E.old_irecovery);
    judge("idevicerestore 1.0.0", "  -P, --plain-progress\n  -C, --cache-path DIR\n");
    CHECK_INT(E.kind, ENGINE_2020);
}

TEST(hostile_version_lines)
{
    char big[4096];
    memset(big, '9', sizeof big);
    engine_version_parse(&E, big, sizeof big);
    CHECK(E.major == -1 || E.major >= 0);
    CHECK(strlen(E.version) < sizeof E.version);
    judge("idevicerestore 1.0.0-99999999999-gzz\x01\x7f", NULL);
    CHECK(!strchr(E.version, '\x01'));
    CHECK_INT(E.commits, 0);
    judge("\n\r\nidevicerestore 1.0.1\n", NULL);
    CHECK_INT(E.kind, ENGINE_2024);
    char limits[400];
    engine_limits(&E, limits, sizeof limits);
    CHECK(strstr(limits, "18.0") != NULL);
}

int main(void)
{
    RUN(debian_12_release);
    RUN(distribution_suffix_is_the_same_release);
    RUN(git_build_is_never_the_2020_release);
    RUN(debian_13_snapshot);
    RUN(newer_releases_and_unknown);
    RUN(help_options);
    RUN(hostile_version_lines);
    return TAP_DONE();
}
