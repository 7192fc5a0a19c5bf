/* The bench model: one row per device through its whole visit. */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "tap.h"

static struct bench B;
static int notes[8];
static unsigned removed_id, removed_into;
static char heard_port[32];       /* the port of the last row heard about, not removed */
static unsigned heard_id;
static char heard_ios[16];

static void listener(void *ctx, enum bench_note n, const struct device *d)
{
    (void)ctx;
    notes[n]++;
    if (n == NOTE_REMOVED) { removed_id = d->id; removed_into = d->merged_into; }
    else {
        snprintf(heard_port, sizeof heard_port, "%s", d->port);
        snprintf(heard_ios, sizeof heard_ios, "%s", d->ios_version);
        heard_id = d->id;
    }
}

static void reset(void)
{
    bench_done(&B);
    bench_init(&B, 5000);
    bench_set_listener(&B, listener, NULL);
    memset(notes, 0, sizeof notes);
    removed_id = removed_into = 0;
    heard_port[0] = 0;
}

static void usb(enum bench_ev_type t, int64_t now, const char *port, uint16_t pid, const char *serial)
{
    struct bench_ev ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t; ev.now_ms = now; ev.pid = pid;
    snprintf(ev.port, sizeof ev.port, "%s", port);
    if (serial) snprintf(ev.serial_str, sizeof ev.serial_str, "%s", serial);
    bench_apply(&B, &ev);
}

static void usb_udid(int64_t now, const char *port, const char *udid)
{
    struct bench_ev ev;
    memset(&ev, 0, sizeof ev);
    ev.type = BEV_USB_IDENTIFIED; ev.now_ms = now;
    snprintf(ev.port, sizeof ev.port, "%s", port);
    snprintf(ev.udid, sizeof ev.udid, "%s", udid);
    bench_apply(&B, &ev);
}

static void mux(enum bench_ev_type t, int64_t now, const char *udid, int restore, const char *ptype, const char *name)
{
    struct bench_ev ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t; ev.now_ms = now; ev.restore = restore;
    snprintf(ev.udid, sizeof ev.udid, "%s", udid);
    if (ptype) snprintf(ev.product_type, sizeof ev.product_type, "%s", ptype);
    if (name) snprintf(ev.device_name, sizeof ev.device_name, "%s", name);
    snprintf(ev.ios_version, sizeof ev.ios_version, "17.5.1");
    bench_apply(&B, &ev);
}

#define DFU_X "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:0016519820F8402E IBFL:3C SRTG:[iBoot-3332.0.0.1.23]"
#define REC_X "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:0016519820F8402E IBFL:1C SRNM:[F00XXXXXXXXX]"

TEST(dfu_device_is_identified_with_model)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "1-1.3", 0x1227, NULL);
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->mode, MODE_DFU);
    CHECK(!B.dev[0]->identified);
    usb(BEV_USB_IDENTIFIED, 10, "1-1.3", 0, DFU_X);
    struct device *d = B.dev[0];
    CHECK(d->identified);
    CHECK(d->has_ecid && d->ecid == 0x0016519820F8402EULL);
    CHECK(d->model != NULL);
    if (d->model) CHECK_STR(d->model->product_type, "iPhone10,3");
    CHECK_INT(notes[NOTE_ATTACHED], 1);
    CHECK_INT(notes[NOTE_IDENTIFIED], 1);
}

TEST(reboot_through_modes_keeps_row_and_history)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "1-1.3", 0x1227, NULL);
    usb(BEV_USB_IDENTIFIED, 10, "1-1.3", 0, DFU_X);
    unsigned id = B.dev[0]->id;
    usb(BEV_USB_LEFT, 1000, "1-1.3", 0, NULL);
    CHECK_INT(B.dev[0]->presence, PRESENCE_GONE);
    CHECK_INT(notes[NOTE_DETACHED], 1);
    usb(BEV_USB_ARRIVED, 1500, "1-1.3", 0x1281, NULL);
    usb(BEV_USB_IDENTIFIED, 1510, "1-1.3", 0, REC_X);
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->id, id);
    CHECK_INT(B.dev[0]->mode, MODE_RECOVERY);
    CHECK_INT(B.dev[0]->presence, PRESENCE_PRESENT);
    CHECK_STR(B.dev[0]->serial, "F00XXXXXXXXX");
    CHECK_INT(B.dev[0]->nhistory, 2);
    CHECK_INT(B.dev[0]->mode_since_ms, 1500);
    CHECK_INT(notes[NOTE_MODE_CHANGED], 1);
}

TEST(normal_mode_usb_and_usbmuxd_views_merge)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "1-1.2", 0x12a8, NULL);
    mux(BEV_MUX_ATTACHED, 5, "00008110-001A2B3C4D5E6F70", 0, NULL, NULL);
    CHECK_INT(B.ndev, 2); /* not yet known to be the same device */
    unsigned usb_row = B.dev[0]->id, mux_row = B.dev[1]->id;
    usb_udid(10, "1-1.2", "00008110-001A2B3C4D5E6F70");
    CHECK_INT(B.ndev, 1);
    struct device *d = B.dev[0];
    /* The younger row's listeners hear that it went, and where. */
    CHECK_INT(notes[NOTE_REMOVED], 1);
    CHECK_INT(removed_id, mux_row);
    CHECK_INT(removed_into, usb_row);
    CHECK_INT(d->id, usb_row);
    CHECK_STR(d->port, "1-1.2");
    CHECK(d->on_usb && d->on_mux);
    CHECK(d->has_ecid && d->ecid == 0x001A2B3C4D5E6F70ULL);
    mux(BEV_MUX_INFO, 20, "00008110-001A2B3C4D5E6F70", 0, "iPhone14,2", "Bob's \x1b[31miPhone");
    CHECK_INT(B.ndev, 1);
    CHECK(B.dev[0]->model != NULL);
    CHECK(strchr(B.dev[0]->device_name, 0x1b) == NULL);
    CHECK_STR(B.dev[0]->ios_version, "17.5.1");
    /* Leaving needs both views gone. */
    usb(BEV_USB_LEFT, 30, "1-1.2", 0, NULL);
    CHECK_INT(B.dev[0]->presence, PRESENCE_PRESENT);
    mux(BEV_MUX_DETACHED, 31, "00008110-001A2B3C4D5E6F70", 0, NULL, NULL);
    CHECK_INT(B.dev[0]->presence, PRESENCE_GONE);
}

TEST(normal_to_recovery_same_row_by_ecid)
{
    reset();
    mux(BEV_MUX_ATTACHED, 0, "00008015-0016519820F8402E", 0, NULL, NULL);
    unsigned id = B.dev[0]->id;
    mux(BEV_MUX_DETACHED, 100, "00008015-0016519820F8402E", 0, NULL, NULL);
    usb(BEV_USB_ARRIVED, 200, "1-1.5", 0x1281, NULL);
    usb(BEV_USB_IDENTIFIED, 210, "1-1.5", 0, REC_X);
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->id, id);
    CHECK_INT(B.dev[0]->mode, MODE_RECOVERY);
    CHECK_STR(B.dev[0]->port, "1-1.5");
}

TEST(restore_mode_is_not_overridden_by_usb_normal_pid)
{
    reset();
    mux(BEV_MUX_ATTACHED, 0, "00008015-0016519820F8402E", 1, NULL, NULL);
    CHECK_INT(B.dev[0]->mode, MODE_RESTORE);
    usb(BEV_USB_ARRIVED, 5, "1-1.5", 0x12a8, NULL);
    usb_udid(6, "1-1.5", "00008015-0016519820F8402E");
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->mode, MODE_RESTORE);
}

static void job_status(int64_t now, int running)
{
    struct bench_ev ev;
    memset(&ev, 0, sizeof ev);
    ev.type = BEV_STATUS; ev.now_ms = now; ev.has_ecid = true; ev.ecid = 0x0016519820F8402EULL;
    ev.progress = running ? 40 : -1; ev.restoring = running ? 1 : -1;
    snprintf(ev.text, sizeof ev.text, "%s", running ? "Restore 40%" : "");
    bench_apply(&B, &ev);
}

TEST(leaving_recovery_during_a_restore_shows_restore_not_normal)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "1-1.5", 0x1281, NULL);
    usb(BEV_USB_IDENTIFIED, 10, "1-1.5", 0, REC_X);
    job_status(20, 1);
    usb(BEV_USB_LEFT, 100, "1-1.5", 0, NULL);
    usb(BEV_USB_ARRIVED, 200, "1-1.5", 0x12a8, NULL);   /* restore ramdisk: same PID as iOS */
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->mode, MODE_RESTORE);
    /* usbmuxd has the last word: the device came up in iOS after all. */
    mux(BEV_MUX_ATTACHED, 300, "00008015-0016519820F8402E", 0, NULL, NULL);
    CHECK_INT(B.dev[0]->mode, MODE_NORMAL);
    /* Without a running restore, leaving Recovery with that PID is Normal. */
    mux(BEV_MUX_DETACHED, 400, "00008015-0016519820F8402E", 0, NULL, NULL);
    usb(BEV_USB_LEFT, 400, "1-1.5", 0, NULL);
    usb(BEV_USB_ARRIVED, 500, "1-1.5", 0x1281, NULL);
    job_status(510, 0);
    usb(BEV_USB_LEFT, 600, "1-1.5", 0, NULL);
    usb(BEV_USB_ARRIVED, 700, "1-1.5", 0x12a8, NULL);
    CHECK_INT(B.dev[0]->mode, MODE_NORMAL);
}

TEST(gone_rows_linger_then_go)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "1-1.1", 0x1227, NULL);
    usb(BEV_USB_LEFT, 100, "1-1.1", 0, NULL);
    CHECK_INT(bench_next_deadline(&B), 5100);
    struct bench_ev t = {.type = BEV_TICK, .now_ms = 5000};
    bench_apply(&B, &t);
    CHECK_INT(B.ndev, 1);
    t.now_ms = 5100;
    bench_apply(&B, &t);
    CHECK_INT(B.ndev, 0);
    CHECK_INT(notes[NOTE_REMOVED], 1);
    CHECK_INT(bench_next_deadline(&B), -1);
}

TEST(unknown_pid_and_garbage_serial_still_get_a_row)
{
    reset();
    usb(BEV_USB_ARRIVED, 0, "2-1", 0x1338, NULL);
    CHECK_INT(B.ndev, 1);
    CHECK_INT(B.dev[0]->mode, MODE_UNKNOWN);
    usb(BEV_USB_ARRIVED, 0, "2-2", 0x1281, NULL);
    usb(BEV_USB_IDENTIFIED, 1, "2-2", 0, "\x1b[2J garbage \x07");
    CHECK_INT(B.ndev, 2);
    struct device *d = bench_find_port(&B, "2-2");
    CHECK(d && !d->identified && d->ident_error[0]);
    CHECK(d && strchr(d->ident_error, 0x1b) == NULL);
}

TEST(slots_and_resolve)
{
    reset();
    bench_add_slot(&B, "1-1.3", "Bay 3");
    usb(BEV_USB_ARRIVED, 0, "1-1.3", 0x1227, NULL);
    usb(BEV_USB_IDENTIFIED, 1, "1-1.3", 0, DFU_X);
    struct device *d = B.dev[0];
    CHECK_STR(d->slot, "Bay 3");
    CHECK_STR(device_label(d), "Bay 3");
    CHECK(bench_resolve(&B, "bay 3") == d);
    CHECK(bench_resolve(&B, "1-1.3") == d);
    CHECK(bench_resolve(&B, "0x16519820F8402E") == d);
    CHECK(bench_resolve(&B, "0016519820F8402E") == d);
    CHECK(bench_resolve(&B, "6282163317653550") == d); /* decimal, as the restore engine prints it */
    CHECK(bench_resolve(&B, "#1") == d);
    CHECK(bench_resolve(&B, "Bay 4") == NULL);
    CHECK(bench_resolve(&B, "0xZZ") == NULL);
}

TEST(bench_survives_many_devices)
{
    reset();
    char port[16];
    for (int i = 0; i < BENCH_MAX_DEVICES + 8; i++) {
        snprintf(port, sizeof port, "3-%d", i + 1);
        usb(BEV_USB_ARRIVED, i, port, 0x1227, NULL);
        if (i % 2) usb(BEV_USB_LEFT, i, port, 0, NULL);
    }
    CHECK(B.ndev <= BENCH_MAX_DEVICES);
    int present = 0;
    for (int i = 0; i < B.ndev; i++) present += B.dev[i]->presence == PRESENCE_PRESENT;
    CHECK(present >= BENCH_MAX_DEVICES / 2);
}

TEST(log_ring_keeps_newest)
{
    reset();
    for (int i = 0; i < BENCH_LOG + 10; i++) bench_logf(&B, i, "line %d", i);
    CHECK_INT(B.log_count, BENCH_LOG);
    const struct bench_log_line *l = bench_log_get(&B, 0);
    CHECK(l && l->t_ms == BENCH_LOG + 9);
    CHECK(bench_log_get(&B, BENCH_LOG) == NULL);
}

/* usbmuxd watched: Normal and Restore share a USB product ID, so neither a
 * USB arrival nor usbmuxd's bare listing may claim Normal; the row waits,
 * unshown, for lockdownd's answer (mux_source announces it then). */
TEST(restore_entry_has_no_phantom_normal)
{
    reset();
    B.mux_decides = true;
    const char *udid = "00008015-0016519820F8402E";
    usb(BEV_USB_ARRIVED, 1000, "1-1.3", 0x1281, NULL);                       /* Recovery */
    usb(BEV_USB_IDENTIFIED, 1010, "1-1.3", 0x1281, DFU_X);
    usb(BEV_USB_LEFT, 2000, "1-1.3", 0, NULL);
    usb(BEV_USB_ARRIVED, 2300, "1-1.3", 0x12a8, NULL);                       /* Normal or Restore? */
    struct device *d = bench_find_port(&B, "1-1.3");
    CHECK(d && d->presence == PRESENCE_GONE && d->mode == MODE_RECOVERY && d->nhistory == 1);
    struct bench_ev ev;
    memset(&ev, 0, sizeof ev);
    ev.type = BEV_MUX_ATTACHED; ev.now_ms = 2310; ev.mode_pending = true;    /* listed, not asked */
    snprintf(ev.udid, sizeof ev.udid, "%s", udid);
    bench_apply(&B, &ev);
    usb_udid(2320, "1-1.3", udid);
    CHECK(d->presence == PRESENCE_GONE && d->mode == MODE_RECOVERY);
    mux(BEV_MUX_ATTACHED, 2400, udid, 1, NULL, NULL);                         /* restored answered */
    CHECK(B.ndev == 1 && d->mode == MODE_RESTORE && d->presence == PRESENCE_PRESENT);
    CHECK(d->nhistory == 2 && d->history[0].mode == MODE_RECOVERY && d->history[1].mode == MODE_RESTORE);

    /* Plugged straight in Restore: first shown in Restore, one row, no removal heard. */
    reset();
    B.mux_decides = true;
    usb(BEV_USB_ARRIVED, 1000, "1-1.4", 0x12a8, NULL);
    memset(&ev, 0, sizeof ev);
    ev.type = BEV_MUX_ATTACHED; ev.now_ms = 1005; ev.mode_pending = true;
    snprintf(ev.udid, sizeof ev.udid, "%s", udid);
    bench_apply(&B, &ev);
    CHECK_INT(notes[NOTE_ATTACHED], 0);
    usb_udid(1010, "1-1.4", udid);
    mux(BEV_MUX_ATTACHED, 1100, udid, 1, NULL, NULL);
    d = bench_find_port(&B, "1-1.4");
    CHECK(B.ndev == 1 && d && d->mode == MODE_RESTORE && d->nhistory == 1 && d->history[0].mode == MODE_RESTORE);
    CHECK_INT(notes[NOTE_ATTACHED], 1);
    CHECK_INT(notes[NOTE_REMOVED], 0);
    CHECK_INT(notes[NOTE_MODE_CHANGED], 0);
}

TEST(a_merge_that_completes_a_row_is_heard)
{
    /* USB's row first (port, no iOS version), then usbmuxd's (iOS version,
     * no port): when they turn out to be one device, the row that carries on
     * holds both, and listeners (watch) must hear it whole. */
    reset();
    const char *udid = "00008030-001A2B3C4D5E6F70";
    usb(BEV_USB_ARRIVED, 1000, "1-1.5", 0x12a8, NULL);
    mux(BEV_MUX_ATTACHED, 1100, udid, 0, "iPhone12,1", NULL);
    mux(BEV_MUX_INFO, 1105, udid, 0, "iPhone12,1", NULL);
    CHECK_INT(B.ndev, 2);
    usb_udid(1110, "1-1.5", udid);
    CHECK_INT(B.ndev, 1);
    CHECK_STR(B.dev[0]->port, "1-1.5");
    CHECK_STR(B.dev[0]->ios_version, "17.5.1");
    CHECK_INT(heard_id, B.dev[0]->id);
    CHECK_STR(heard_port, "1-1.5");
    CHECK_STR(heard_ios, "17.5.1");
}

TEST(a_row_first_shown_by_a_merge_is_heard_identified)
{
    /* USB's row waits for usbmuxd (the product ID Normal and Restore share);
     * lockdownd answers and identifies usbmuxd's row first; then USB learns
     * the UDID: the row that carries on is first shown by the merge, with its
     * port and iOS version, and must be heard as identified. */
    reset();
    B.mux_decides = true;
    const char *udid = "00008030-001A2B3C4D5E6F70";
    usb(BEV_USB_ARRIVED, 1000, "1-1.5", 0x12a8, NULL);
    mux(BEV_MUX_ATTACHED, 1100, udid, 0, "iPhone12,1", NULL);
    mux(BEV_MUX_INFO, 1105, udid, 0, "iPhone12,1", NULL);
    int before = notes[NOTE_IDENTIFIED];
    usb_udid(1110, "1-1.5", udid);
    CHECK_INT(B.ndev, 1);
    CHECK_STR(B.dev[0]->port, "1-1.5");
    CHECK(notes[NOTE_IDENTIFIED] > before);
    CHECK_INT(heard_id, B.dev[0]->id);
    CHECK_STR(heard_port, "1-1.5");
    CHECK_STR(heard_ios, "17.5.1");
}

int main(void)
{
    bench_init(&B, 5000);
    RUN(dfu_device_is_identified_with_model);
    RUN(reboot_through_modes_keeps_row_and_history);
    RUN(normal_mode_usb_and_usbmuxd_views_merge);
    RUN(leaving_recovery_during_a_restore_shows_restore_not_normal);
    RUN(normal_to_recovery_same_row_by_ecid);
    RUN(restore_mode_is_not_overridden_by_usb_normal_pid);
    RUN(gone_rows_linger_then_go);
    RUN(unknown_pid_and_garbage_serial_still_get_a_row);
    RUN(slots_and_resolve);
    RUN(bench_survives_many_devices);
    RUN(log_ring_keeps_newest);
    RUN(restore_entry_has_no_phantom_normal);
    RUN(a_merge_that_completes_a_row_is_heard);
    RUN(a_row_first_shown_by_a_merge_is_heard_identified);
    bench_done(&B);
    return TAP_DONE();
}
