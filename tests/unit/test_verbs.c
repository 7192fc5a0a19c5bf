/* The verb table: every verb refuses a gone, unidentified, busy or wrong-mode
 * device in one set of words, which both front ends print as they are
 * (tests/integration/verbs_cli.sh shows the command line and the console
 * printing the same line). Table-driven: one row per verb and case. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "exit_codes.h"
#include "tap.h"
#include "verbs.h"

#define REC "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:001A2B3C4D5E6F70 IBFL:3C SRNM:[F17XXXXXJCLY] SRTG:[iBoot-3332.0.0.1.23]"
#define DFU "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:0016519820F8402E IBFL:3C SRTG:[iBoot-3332.0.0.1.23]"
#define BUSY "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:00000000000000B5 IBFL:3C SRTG:[iBoot-3332.0.0.1.23]"

static struct app A;   /* the bench and ops only: no loop, no sources */

static void plug(const char *port, uint16_t pid, const char *serial)
{
    struct bench_ev ev = {.type = BEV_USB_ARRIVED, .now_ms = 1, .pid = pid};
    snprintf(ev.port, sizeof ev.port, "%s", port);
    bench_apply(&A.bench, &ev);
    if (!serial) return;
    ev.type = BEV_USB_IDENTIFIED;
    snprintf(ev.serial_str, sizeof ev.serial_str, "%s", serial);
    bench_apply(&A.bench, &ev);
}

static void setup(void)
{
    bench_init(&A.bench, 5000);
    bench_add_slot(&A.bench, "1-1.1", "Bay 1");
    bench_add_slot(&A.bench, "1-1.2", "Bay 2");
    bench_add_slot(&A.bench, "1-1.3", "Bay 3");
    bench_add_slot(&A.bench, "1-1.4", "Bay 4");
    plug("1-1.1", 0x1281, REC);     /* Recovery, identified */
    plug("1-1.2", 0x1227, DFU);     /* DFU, identified */
    plug("1-1.3", 0x1281, NULL);    /* Recovery, not identified yet */
    plug("1-1.4", 0x1281, BUSY);    /* Recovery, its restore job running */
    struct bench_ev job = {.type = BEV_JOB, .now_ms = 2, .has_ecid = true, .ecid = 0xB5, .job_id = 14,
                           .job_state = BJOB_RUNNING, .progress = 41};
    snprintf(job.text, sizeof job.text, "Restore 41%% Sending");
    bench_apply(&A.bench, &job);
}

static const struct device *bay(const char *label) { return bench_resolve(&A.bench, label); }

struct row { enum verb_id verb; const char *bay; enum verb_refusal want; const char *words; };

static const struct row rows[] = {
    /* wrong mode */
    {VERB_EXIT_RECOVERY, "Bay 2", VERB_WRONG_MODE, "Bay 2 is in DFU mode: DFU is left only by a force restart (see the guide)"},
    {VERB_ENTER_RECOVERY, "Bay 1", VERB_WRONG_MODE, "Bay 1 is already in Recovery mode"},
    {VERB_REBOOT, "Bay 2", VERB_WRONG_MODE, "Bay 2 is in DFU mode: it cannot be rebooted from software; force restart it (see the guide)"},
    {VERB_CMD, "Bay 2", VERB_WRONG_MODE, "Bay 2 is in DFU mode: iBoot commands need Recovery mode"},
    {VERB_DFU, "Bay 2", VERB_WRONG_MODE, "Bay 2 is already in DFU mode"},
    {VERB_CANCEL, "Bay 1", VERB_WRONG_MODE, "nothing is running on Bay 1"},
    /* busy: a restore job of any ibench holds the device */
    {VERB_EXIT_RECOVERY, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_REBOOT, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_CMD, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_UPLOAD, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_DFU, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_RESTORE, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    {VERB_ERASE, "Bay 4", VERB_BUSY, "Bay 4 is being restored (job 14, Restore 41% Sending); cancel it first"},
    /* unidentified */
    {VERB_RESTORE, "Bay 3", VERB_UNIDENTIFIED, "Bay 3 is not identified yet (ECID unknown)"},
    {VERB_ERASE, "Bay 3", VERB_UNIDENTIFIED, "Bay 3 is not identified yet (ECID unknown)"},
    {VERB_DFU, "Bay 3", VERB_UNIDENTIFIED, "Bay 3 is not identified yet (model unknown)"},
    {VERB_FETCH, "Bay 3", VERB_UNIDENTIFIED, "Bay 3 is not identified yet (model unknown)"},
    /* allowed */
    {VERB_EXIT_RECOVERY, "Bay 1", VERB_OK, ""},
    {VERB_REBOOT, "Bay 1", VERB_OK, ""},
    {VERB_CMD, "Bay 1", VERB_OK, ""},
    {VERB_UPLOAD, "Bay 2", VERB_OK, ""},
    {VERB_RESTORE, "Bay 2", VERB_OK, ""},
    {VERB_CANCEL, "Bay 4", VERB_OK, ""},
};

TEST(every_refusal_in_one_set_of_words)
{
    setup();
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char why[300];
        const struct verb *v = verb_get(rows[i].verb);
        enum verb_refusal r = verb_check(v, &A, bay(rows[i].bay), why, sizeof why);
        if (r != rows[i].want || strcmp(why, rows[i].words)) {
            printf("#   %s on %s: got %d \"%s\", want %d \"%s\"\n", v->name, rows[i].bay, r, why, rows[i].want, rows[i].words);
            tap_case_failed = 1;
        }
    }
    bench_done(&A.bench);
}

TEST(a_gone_device_is_refused_by_every_verb)
{
    setup();
    struct bench_ev ev = {.type = BEV_USB_LEFT, .now_ms = 3};
    snprintf(ev.port, sizeof ev.port, "1-1.1");
    bench_apply(&A.bench, &ev);
    for (int i = 0; i < VERB_COUNT; i++) {
        char why[300];
        CHECK_INT(verb_check(verb_get((enum verb_id)i), &A, bay("Bay 1"), why, sizeof why), VERB_NO_DEVICE);
        CHECK_STR(why, "Bay 1 is not connected");
        CHECK_INT(verb_check(verb_get((enum verb_id)i), &A, NULL, why, sizeof why), VERB_NO_DEVICE);
    }
    bench_done(&A.bench);
}

TEST(the_key_bar_offers_only_what_passes)
{
    setup();
    char bar[200];
    verb_key_bar(&A, bay("Bay 1"), bar, sizeof bar);
    CHECK(strstr(bar, "xExit") && strstr(bar, "bReboot") && strstr(bar, ":Cmd") && strstr(bar, "uUpload"));
    CHECK(!strstr(bar, "cCancel") && !strstr(bar, "eEnterRec"));
    verb_key_bar(&A, bay("Bay 4"), bar, sizeof bar);     /* busy: only cancel, and what never touches it */
    CHECK(strstr(bar, "cCancel") && !strstr(bar, "xExit") && !strstr(bar, "bReboot") && !strstr(bar, "rRestore"));
    verb_key_bar(&A, bay("Bay 3"), bar, sizeof bar);     /* unidentified: nothing that needs its identity */
    CHECK(!strstr(bar, "rRestore") && !strstr(bar, "RErase") && !strstr(bar, "dDFU"));
    /* ECID read, chip not in the model table: no restore, no DFU steps to count */
    plug("1-1.5", 0x1227, "CPID:9999 CPRV:11 CPFM:03 SCEP:01 BDID:30 ECID:0000003333333333 IBFL:3C SRTG:[iBoot-3332.0.0.1.23]");
    verb_key_bar(&A, bench_resolve(&A.bench, "1-1.5"), bar, sizeof bar);
    CHECK(!strstr(bar, "rRestore") && !strstr(bar, "RErase") && !strstr(bar, "dDFU") && strstr(bar, "uUpload"));
    char why[200];
    CHECK_INT(verb_check(verb_get(VERB_DFU), &A, bench_resolve(&A.bench, "1-1.5"), why, sizeof why), VERB_UNIDENTIFIED);
    bench_done(&A.bench);
}

TEST(confirmation_kinds_and_exit_codes)
{
    CHECK_INT(verb_get(VERB_ERASE)->confirm, VERB_CONFIRM_DIGITS);
    CHECK_INT(verb_get(VERB_RESTORE)->confirm, VERB_CONFIRM_YES);
    CHECK(verb_needs_question(verb_get(VERB_CMD), "setenv auto-boot true"));
    CHECK(!verb_needs_question(verb_get(VERB_CMD), "getenv build-version"));
    CHECK(verb_needs_question(verb_get(VERB_REBOOT), NULL));
    CHECK_INT(verb_exit_code(VERB_UNCONFIRMED), EXIT_CANCELLED);
    CHECK_INT(verb_exit_code(VERB_BUSY), EXIT_NODEVICE);
    CHECK_INT(verb_exit_code(VERB_WRONG_MODE), EXIT_NODEVICE);
    setup();
    CHECK(verb_digits_ok(bay("Bay 1"), "6F70"));
    CHECK(verb_digits_ok(bay("Bay 1"), "6f70"));
    CHECK(!verb_digits_ok(bay("Bay 1"), "6F71"));
    CHECK(!verb_digits_ok(bay("Bay 1"), ""));
    CHECK(!verb_digits_ok(bay("Bay 1"), "76F70"));
    bench_done(&A.bench);
}

/* A console started after an SSH drop: the job's report came before its
 * device's row; the row shows the job as soon as its ECID is known. */
TEST(a_row_shows_the_job_that_holds_its_device)
{
    setup();
    CHECK_STR(bay("Bay 4")->status, "Restore 41% Sending");
    CHECK_INT(bay("Bay 4")->progress, 41);
    struct bench_ev job = {.type = BEV_JOB, .now_ms = 2, .has_ecid = true, .ecid = 0xE1, .job_id = 15,
                           .job_state = BJOB_RUNNING, .progress = 7};
    snprintf(job.text, sizeof job.text, "Erase 7%% Waiting for device");
    bench_apply(&A.bench, &job);
    plug("1-1.6", 0x1281, "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:00000000000000E1 IBFL:3C SRTG:[iBoot-3332.0.0.1.23]");
    const struct device *late = bench_find_ecid(&A.bench, 0xE1);
    CHECK(late != NULL);
    if (late) { CHECK_STR(late->status, "Erase 7% Waiting for device"); CHECK(late->restoring); }
    job.job_state = BJOB_ENDED;
    bench_apply(&A.bench, &job);
    if (late) { CHECK_STR(late->status, ""); CHECK(!late->restoring); }
    bench_done(&A.bench);
}

TEST(keys_and_names_are_unique)
{
    for (int i = 0; i < VERB_COUNT; i++)
        for (int k = i + 1; k < VERB_COUNT; k++) {
            CHECK(strcmp(verb_get((enum verb_id)i)->name, verb_get((enum verb_id)k)->name) != 0);
            CHECK(verb_get((enum verb_id)i)->key != verb_get((enum verb_id)k)->key);
        }
    CHECK(verb_by_key('x') == verb_get(VERB_EXIT_RECOVERY));
    CHECK(verb_by_name("send") == verb_get(VERB_UPLOAD));
}

int main(void)
{
    RUN(every_refusal_in_one_set_of_words);
    RUN(a_gone_device_is_refused_by_every_verb);
    RUN(the_key_bar_offers_only_what_passes);
    RUN(confirmation_kinds_and_exit_codes);
    RUN(a_row_shows_the_job_that_holds_its_device);
    RUN(keys_and_names_are_unique);
    return TAP_DONE();
}
