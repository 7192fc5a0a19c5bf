/* Restore-engine output: progress, steps, operations, status and triage. */
#include <stdlib.h>
#include <string.h>

#include "engine_parse.h"
#include "tap.h"

static int nlines;
static char last[ENGINE_LINE_MAX];
static void on_line(void *ctx, const char *l) { (void)ctx; nlines++; snprintf(last, sizeof last, "%s", l); }

static struct engine_state S;
static void feed(const char *s) { engine_parse_feed(&S, s, strlen(s)); }

TEST(steps_progress_and_operations)
{
    engine_parse_init(&S, on_line, NULL);
    nlines = 0;
    feed("Found device in Recovery mode\nECID: 6282163317653550\nIdentified device as d22ap, iPhone10,3\n");
    CHECK_STR(S.mode_found, "Recovery");
    CHECK(S.ecid == 6282163317653550ULL);
    CHECK_STR(S.board, "d22ap");
    CHECK_STR(S.product, "iPhone10,3");
    feed("progress: 1 0.500000\n");
    CHECK_INT(S.step, 1);
    int p1 = S.progress;
    feed("progress: 2 0.25\nRestoring image (13)\n");
    CHECK_INT(S.step, 2);
    CHECK(S.progress > p1);
    CHECK_STR(S.operation, "Restoring image (13)");
    CHECK_INT(S.operation_code, 13);
    feed("Unknown operation (99)\n");
    CHECK_INT(S.operation_code, 99);
    feed("progress: 1 0.1\n"); /* never backwards on screen */
    CHECK(S.progress >= p1);
    feed("Status: Restore Finished\nDONE\n");
    CHECK_INT(S.status, ENGINE_FINISHED);
    CHECK_INT(S.progress, 1000);
    CHECK_INT(nlines, 10); /* every line reaches the log */
    int retry;
    const char *cause, *next;
    CHECK_INT(engine_triage(&S, 0, &retry, &cause, &next), TRIAGE_NONE);
}

TEST(progress_bar_with_carriage_returns_and_split_chunks)
{
    engine_parse_init(&S, on_line, NULL);
    feed("progress: 2 0.0\n");
    feed("\rSending filesystem [=====");
    feed("                                             ]  10.0% ");
    feed("\rSending filesystem [=========================                         ]  50.0% \r");
    CHECK_INT(S.step, 2);
    CHECK(S.step_fraction > 0.49 && S.step_fraction < 0.51);
    feed("progre");
    feed("ss: 4 0.75");
    engine_parse_finish(&S);
    CHECK_INT(S.step, 4);
    CHECK(S.step_fraction > 0.74);
}

TEST(hostile_output_is_bounded_and_cleaned)
{
    engine_parse_init(&S, on_line, NULL);
    nlines = 0;
    char *big = malloc(1 << 20);
    memset(big, 'A', 1 << 20);
    engine_parse_feed(&S, big, 1 << 20);
    feed("\n");
    free(big);
    CHECK_INT(nlines, 1);
    CHECK_INT(strlen(last), ENGINE_LINE_MAX - 1);
    feed("ERROR: \x1b[2J\x07" "bad\n");
    CHECK(strchr(last, 0x1b) == NULL && strchr(last, 0x07) == NULL);
    feed("progress: 9 7.5\nprogress: -1 0.5\nprogress: 2 nan\nX (12345678901234567890)\n");
    CHECK(S.progress >= 0 && S.progress <= 1000);
}

/* "progress: 3 nan" made set_progress convert NaN to int (undefined
 * behaviour); non-finite fractions are ignored now, the state unchanged. */
TEST(non_finite_progress_is_ignored)
{
    engine_parse_init(&S, on_line, NULL);
    feed("progress: 1 0.5\n");
    int step = S.step, p = S.progress;
    feed("progress: 3 nan\nprogress: 4 inf\nprogress: 5 -inf\nprogress: 6 NAN\n");
    CHECK_INT(S.step, step);
    CHECK_INT(S.progress, p);
    CHECK(S.step_fraction > 0.49 && S.step_fraction < 0.51);
}

static enum engine_triage run(const char *out, int rc, int *retry)
{
    const char *cause, *next;
    engine_parse_init(&S, NULL, NULL);
    feed(out);
    engine_parse_finish(&S);
    enum engine_triage t = engine_triage(&S, rc, retry, &cause, &next);
    CHECK(cause && *cause && next && *next);
    return t;
}

TEST(each_triage_case)
{
    int r;
    CHECK_INT(run("ERROR: TSS request failed: Failed to connect to 17.151.36.30 port 443 after 0 ms: Couldn't connect to server (status=-1)\n"
                  "ERROR: Unable to get SHSH blobs for this device\nERROR: Unable to send TSS request\n", 255, &r), TRIAGE_TSS_UNREACHABLE);
    CHECK(r);
    CHECK_INT(run("ERROR: TSS request failed (status=94, message=This device isn't eligible for the requested build.)\n", 255, &r), TRIAGE_NOT_SIGNED);
    /* each of the engine's ways of saying it, alone */
    CHECK_INT(run("ERROR: TSS request failed (status=94, message=)\n", 255, &r), TRIAGE_NOT_SIGNED);
    CHECK_INT(run("ERROR: This device isn't eligible for the requested build.\n", 255, &r), TRIAGE_NOT_SIGNED);
    CHECK_INT(run("ERROR: This build is not being signed for this device\n", 255, &r), TRIAGE_NOT_SIGNED);
    CHECK(!r);
    CHECK_INT(run("Device failed to enter restore mode.\nMake sure that usbmuxd is running.\n", 255, &r), TRIAGE_USBMUXD);
    CHECK_INT(run("ERROR: Unable to send data to ASR\nUnable to restore device\n", 255, &r), TRIAGE_FS_TRANSFER);
    CHECK(r);
    CHECK_INT(run("ERROR: Unable to send baseband firmware\n", 255, &r), TRIAGE_BASEBAND);
    CHECK_INT(run("ERROR: Unable to discover device type\n", 255, &r), TRIAGE_ENGINE_TOO_OLD);
    CHECK_INT(run("ERROR: Unable to find device, is it plugged in?\n", 255, &r), TRIAGE_DEVICE);
    CHECK_INT(run("ERROR: Unable to extract: No space left on device\n", 255, &r), TRIAGE_DISK_FULL);
    CHECK_INT(run("something odd\n", 1, &r), TRIAGE_UNKNOWN);
    CHECK_INT(run("Status: Disk Failure\n", 0, &r), TRIAGE_UNKNOWN); /* a failure status beats exit code 0 */
    /* Debian 12's 1.0.0 when restored's final status is a failure (as printed on the virtual bench) */
    CHECK_INT(run("Flashing firmware (18)\nStatus: Fail\nERROR: Unable to successfully restore device\n"
                  "ERROR: Could not read data (-256). Aborting.\nERROR: Unable to restore device\n", 245, &r), TRIAGE_DEVICE_FAILED);
    CHECK(r);
    CHECK_STR(engine_triage_key(TRIAGE_DEVICE_FAILED), "device_failed");
    CHECK_STR(engine_triage_key(TRIAGE_FS_TRANSFER), "fs_transfer");
}

/* Upstream (2025) output: step 7 and "<Label>: <pct>" lines; the facts that
 * look alike are not progress. */
TEST(upstream_format_step_7_and_label_lines)
{
    engine_parse_init(&S, on_line, NULL);
    feed("Product Version: 18.0\nProduct Build: 22A3354 Major: 22\nECID: 12345\n");
    CHECK_INT(S.step, -1);
    CHECK_INT(S.progress, 0);
    CHECK_STR(S.label, "");
    feed("progress: 2 0.0\nUploading: 50\n");
    CHECK_INT(S.step, 2);
    CHECK(S.step_fraction > 0.49 && S.step_fraction < 0.51);
    CHECK_STR(S.label, "Uploading");
    feed("Verifying: 0.75\n");
    CHECK(S.step_fraction > 0.74 && S.step_fraction < 0.76);
    feed("Cryptex1,SystemOS: 80%\n");
    CHECK_STR(S.label, "Cryptex1,SystemOS");
    CHECK(S.step_fraction > 0.79);
    int p = S.progress;
    feed("Extracting: 10\n");                 /* a new label starts low: the bar stays */
    CHECK(S.progress >= p);
    feed("progress: 7 0.5\n");
    CHECK_INT(S.step, 7);
    feed("progress: 7 1.0\nStatus: Restore Finished\nDONE\n");
    CHECK_INT(S.progress, 1000);
    CHECK_INT(S.status, ENGINE_FINISHED);
    /* Not label lines: values out of range, words, two numbers. */
    engine_parse_init(&S, on_line, NULL);
    feed("progress: 1 0.2\n");
    int before = S.progress;
    feed("Uploading: 150\nDevice supports Image4: true\nSomething: 1 2\nNonce: 12\n");
    CHECK_INT(S.progress, before);
    CHECK_STR(S.label, "");
}

int main(void)
{
    RUN(steps_progress_and_operations);
    RUN(progress_bar_with_carriage_returns_and_split_chunks);
    RUN(hostile_output_is_bounded_and_cleaned);
    RUN(each_triage_case);
    RUN(upstream_format_step_7_and_label_lines);
    RUN(non_finite_progress_is_ignored);
    return TAP_DONE();
}
