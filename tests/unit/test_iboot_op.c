/* iBoot/SecureROM operations against a scripted device. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "iboot_op.h"
#include "tap.h"

/* A tiny DFU device: accepts blocks, reports busy `busy` times per block. */
struct dev {
    int state, busy, busy_left, gone_after;   /* gone_after: bytes, 0 = never */
    uint8_t got[1 << 16];
    uint32_t ngot;
    int resets, zero_dnloads;
    int bad_status;   /* GETSTATUS status byte once a block was taken (0 = OK) */
};

static enum iboot_result run_dfu(struct dev *d, const struct iboot_xfer *x, uint8_t *in, uint32_t *n)
{
    *n = 0;
    if (x->kind == IX_RESET) { d->resets++; return IR_OK; }
    if (x->kind == IX_WAIT) return IR_OK;
    if (x->request_type == 0xA1 && x->request == 5) { in[0] = (uint8_t)d->state; *n = 1; return IR_OK; }
    if (x->request_type == 0x21 && (x->request == 4 || x->request == 6)) { d->state = 2; return IR_OK; }
    if (x->request_type == 0x21 && x->request == 1) {
        if (x->len == 0) { d->zero_dnloads++; d->state = 6; return IR_OK; }
        if (d->gone_after && d->ngot + x->len > (uint32_t)d->gone_after) return IR_GONE;
        memcpy(d->got + d->ngot, x->data, x->len);
        d->ngot += x->len;
        *n = x->len;
        d->state = 3;
        d->busy_left = d->busy;
        return IR_OK;
    }
    if (x->request_type == 0xA1 && x->request == 3) {
        int s = d->state;
        if (s == 3) s = d->busy_left-- > 0 ? 4 : (d->state = 5);
        else if (s == 6) d->state = 7;
        else if (s == 7) d->state = 8;
        uint8_t st[6] = {(uint8_t)(d->ngot ? d->bad_status : 0), 5, 0, 0, (uint8_t)s, 0};
        memcpy(in, st, 6);
        *n = 6;
        return IR_OK;
    }
    return IR_STALL;
}

static int drive(struct iboot_op *op, struct dev *d, int *xfers)
{
    struct iboot_xfer x;
    uint8_t in[512];
    int r;
    *xfers = 0;
    while ((r = iboot_op_next(op, &x)) == 1) {
        uint32_t n;
        enum iboot_result res = run_dfu(d, &x, in, &n);
        iboot_op_done(op, res, in, n);
        if (++*xfers > 100000) return -99;
    }
    return r;
}

static uint8_t img[5000];

TEST(dfu_upload_sends_image_with_suffix_and_valid_crc)
{
    for (size_t i = 0; i < sizeof img; i++) img[i] = (uint8_t)(i * 7 + 3);
    struct dev d = {.state = 2};
    struct iboot_op *op = iboot_op_upload(1, img, sizeof img);
    int xf;
    CHECK_INT(drive(op, &d, &xf), 0);
    CHECK_INT(d.ngot, sizeof img + 16);
    CHECK(memcmp(d.got, img, sizeof img) == 0);
    CHECK(memcmp(d.got + sizeof img + 8, "UFD\x10", 4) == 0);
    CHECK(d.got[sizeof img + 4] == 0xac && d.got[sizeof img + 5] == 0x05);
    uint32_t want = (uint32_t)~crc32(0L, d.got, (uInt)(d.ngot - 4));
    uint32_t have = d.got[d.ngot - 4] | d.got[d.ngot - 3] << 8 | d.got[d.ngot - 2] << 16 | (uint32_t)d.got[d.ngot - 1] << 24;
    CHECK(want == have);
    CHECK_INT(d.zero_dnloads, 1);
    CHECK_INT(d.resets, 1);
    uint64_t done, total;
    iboot_op_progress(op, &done, &total);
    CHECK_INT(done, sizeof img);
    CHECK_INT(total, sizeof img);
    iboot_op_free(op);
}

TEST(dfu_upload_waits_while_the_device_is_busy)
{
    struct dev d = {.state = 2, .busy = 3};
    struct iboot_op *op = iboot_op_upload(1, img, 3000);
    int xf;
    CHECK_INT(drive(op, &d, &xf), 0);
    CHECK_INT(d.ngot, 3016);
    iboot_op_free(op);
}

TEST(dfu_upload_clears_an_error_state_first)
{
    struct dev d = {.state = 10};
    struct iboot_op *op = iboot_op_upload(1, img, 100);
    int xf;
    CHECK_INT(drive(op, &d, &xf), 0);
    CHECK_INT(d.ngot, 116);
    iboot_op_free(op);
}

/* A block answered with an error status (errUNKNOWN, 0x0e) while the state
 * says dfuDNLOAD-IDLE is a refusal, not a block taken. */
TEST(dfu_error_status_fails_the_upload)
{
    struct dev d = {.state = 2, .bad_status = 0x0e};
    struct iboot_op *op = iboot_op_upload(1, img, 3000);
    int xf;
    CHECK_INT(drive(op, &d, &xf), -1);
    CHECK(strstr(iboot_op_error(op), "status 14") != NULL);
    CHECK(d.zero_dnloads == 0);             /* never went on to the manifest phase */
    iboot_op_free(op);
}

TEST(device_leaving_mid_upload_fails_with_bytes_sent)
{
    struct dev d = {.state = 2, .gone_after = 4096};
    struct iboot_op *op = iboot_op_upload(1, img, sizeof img);
    int xf;
    CHECK_INT(drive(op, &d, &xf), -1);
    CHECK(strstr(iboot_op_error(op), "left the bus") != NULL);
    CHECK(strstr(iboot_op_error(op), "after 4096 of 5000 bytes") != NULL);
    iboot_op_free(op);
}

TEST(recovery_upload_starts_then_sends_bulk_blocks)
{
    static uint8_t big[IBOOT_RECOVERY_BLOCK * 2 + 10];
    struct iboot_op *op = iboot_op_upload(0, big, sizeof big);
    struct iboot_xfer x;
    CHECK_INT(iboot_op_next(op, &x), 1);
    CHECK(x.kind == IX_CONTROL && x.request_type == 0x41 && x.length == 0);
    iboot_op_done(op, IR_OK, NULL, 0);
    uint32_t sizes[3];
    for (int i = 0; i < 3; i++) {
        CHECK_INT(iboot_op_next(op, &x), 1);
        CHECK(x.kind == IX_BULK_OUT && x.endpoint == 0x04);
        sizes[i] = x.len;
        iboot_op_done(op, IR_OK, NULL, x.len);
    }
    CHECK_INT(sizes[0], IBOOT_RECOVERY_BLOCK);
    CHECK_INT(sizes[2], 10);
    CHECK_INT(iboot_op_next(op, &x), 0);
    iboot_op_free(op);
}

/* The operations the console and `ibench recovery exit` / `reboot` run: the
 * exact command sequence, each a vendor OUT 0x40/0 with its NUL, nothing
 * after the reboot, and a device that leaves during "reboot" is success. */
static void expect_sequence(struct iboot_op *op, const char *const *want, int n)
{
    struct iboot_xfer x;
    CHECK(op != NULL);
    if (!op) return;
    for (int i = 0; i < n; i++) {
        CHECK_INT(iboot_op_next(op, &x), 1);
        CHECK(x.kind == IX_CONTROL && x.request_type == 0x40 && x.request == 0 && x.value == 0 && x.index == 0);
        CHECK_INT(x.len, strlen(want[i]) + 1);
        CHECK(x.data && memcmp(x.data, want[i], strlen(want[i]) + 1) == 0);   /* NUL included */
        iboot_op_done(op, i == n - 1 ? IR_GONE : IR_OK, NULL, 0);
    }
    CHECK_INT(iboot_op_next(op, &x), 0);
    CHECK_STR(iboot_op_error(op), "");
    iboot_op_free(op);
}

TEST(exit_recovery_commands_in_order_and_reboot_may_drop)
{
    static const char *const exit_cmds[] = {"setenv auto-boot true", "saveenv", "reboot"};
    expect_sequence(iboot_op_exit_recovery(), exit_cmds, 3);
    static const char *const reboot_cmds[] = {"reboot"};
    expect_sequence(iboot_op_reboot(), reboot_cmds, 1);
    /* a refused saveenv stops the sequence before the reboot */
    struct iboot_op *op = iboot_op_exit_recovery();
    struct iboot_xfer x;
    CHECK_INT(iboot_op_next(op, &x), 1);
    iboot_op_done(op, IR_OK, NULL, 0);
    CHECK_INT(iboot_op_next(op, &x), 1);
    CHECK(x.len == 8 && memcmp(x.data, "saveenv", 8) == 0);
    iboot_op_done(op, IR_STALL, NULL, 0);
    CHECK(iboot_op_next(op, &x) < 0);
    CHECK(strstr(iboot_op_error(op), "saveenv") != NULL);
    iboot_op_free(op);
}

TEST(a_refused_command_fails_with_its_name)
{
    const char *cmds[] = {"setenv auto-boot true", "saveenv"};
    char err[100];
    struct iboot_op *op = iboot_op_commands(cmds, 2, 0, err, sizeof err);
    struct iboot_xfer x;
    iboot_op_next(op, &x);
    iboot_op_done(op, IR_STALL, NULL, 0);
    CHECK_INT(iboot_op_next(op, &x), -1);
    CHECK(strstr(iboot_op_error(op), "setenv auto-boot true") && strstr(iboot_op_error(op), "stall"));
    iboot_op_free(op);
}

TEST(getenv_reads_the_answer_bounded)
{
    const char *cmds[] = {"getenv build-version"};
    char err[100];
    struct iboot_op *op = iboot_op_commands(cmds, 1, 1, err, sizeof err);
    struct iboot_xfer x;
    iboot_op_next(op, &x);
    iboot_op_done(op, IR_OK, NULL, 0);
    CHECK_INT(iboot_op_next(op, &x), 1);
    CHECK(x.request_type == 0xC0 && x.length == IBOOT_CMD_MAX);
    uint8_t ans[300];
    memset(ans, 'A', sizeof ans);   /* no NUL: must still end */
    iboot_op_done(op, IR_OK, ans, sizeof ans);
    CHECK_INT(iboot_op_next(op, &x), 0);
    CHECK_INT(strlen(iboot_op_answer(op)), IBOOT_CMD_MAX);
    iboot_op_free(op);
}

TEST(bad_commands_are_refused_before_any_transfer)
{
    char err[100];
    const char *empty[] = {""};
    CHECK(iboot_op_commands(empty, 1, 0, err, sizeof err) == NULL);
    char longc[400];
    memset(longc, 'x', sizeof longc - 1);
    longc[sizeof longc - 1] = 0;
    const char *lc[] = {longc};
    CHECK(iboot_op_commands(lc, 1, 0, err, sizeof err) == NULL);
    CHECK(strstr(err, "longer") != NULL);
}

TEST(cancel_stops_an_upload_with_a_message)
{
    struct iboot_op *op = iboot_op_upload(0, img, sizeof img);
    struct iboot_xfer x;
    iboot_op_next(op, &x);
    iboot_op_done(op, IR_OK, NULL, 0);
    iboot_op_cancel(op);
    CHECK_INT(iboot_op_next(op, &x), -1);
    CHECK(strstr(iboot_op_error(op), "cancelled") != NULL);
    iboot_op_free(op);
}

int main(void)
{
    RUN(dfu_upload_sends_image_with_suffix_and_valid_crc);
    RUN(dfu_upload_waits_while_the_device_is_busy);
    RUN(dfu_upload_clears_an_error_state_first);
    RUN(device_leaving_mid_upload_fails_with_bytes_sent);
    RUN(recovery_upload_starts_then_sends_bulk_blocks);
    RUN(exit_recovery_commands_in_order_and_reboot_may_drop);
    RUN(a_refused_command_fails_with_its_name);
    RUN(getenv_reads_the_answer_bounded);
    RUN(bad_commands_are_refused_before_any_transfer);
    RUN(cancel_stops_an_upload_with_a_message);
    RUN(dfu_error_status_fails_the_upload);
    return TAP_DONE();
}
