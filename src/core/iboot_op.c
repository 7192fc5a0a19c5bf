/* iBoot / SecureROM operations as pure state machines (see iboot_op.h). */
#include "iboot_op.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum op_kind { OP_COMMANDS, OP_RECOVERY_UPLOAD, OP_DFU_UPLOAD };

enum phase {
    P_CMD, P_ANSWER,
    P_REC_START, P_REC_DATA,
    P_DFU_STATE, P_DFU_FIX, P_DFU_BLOCK, P_DFU_STATUS, P_DFU_WAIT, P_DFU_FINISH, P_DFU_MANIFEST, P_DFU_RESET,
    P_DONE, P_FAILED,
};

enum { DFU_IDLE = 2, DFU_DNLOAD_SYNC = 3, DFU_DNBUSY = 4, DFU_DNLOAD_IDLE = 5, DFU_ERROR = 10 };

#define CMD_TIMEOUT_MS 3000
#define DATA_TIMEOUT_MS 10000
#define DFU_MAX_POLLS 60        /* busy answers tolerated per block */
#define DFU_MAX_FIXES 2         /* CLRSTATUS/ABORT attempts before giving up */

struct iboot_op {
    enum op_kind kind;
    enum phase phase;
    char what[80];
    /* commands */
    char **cmds;
    int ncmds, icmd, read_answer;
    char answer[IBOOT_CMD_MAX + 1];
    /* uploads */
    const uint8_t *data;
    size_t len;
    uint64_t total, sent;          /* DFU: total includes the 16-byte suffix */
    uint8_t suffix[16];
    uint8_t block[IBOOT_DFU_BLOCK];
    uint32_t blockno, step_len;
    int polls, fixes, manifest_polls;
    unsigned wait_ms;
    uint8_t fix_request;
    int cancelled;
    char err[300];
};

uint32_t iboot_dfu_crc(const uint8_t *image, size_t n, const uint8_t suffix12[12])
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {   /* zlib takes uInt lengths */
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = crc32(crc, image, chunk);
        image += chunk;
        n -= chunk;
    }
    crc = crc32(crc, suffix12, 12);
    return (uint32_t)~crc;
}

static void fail(struct iboot_op *op, const char *fmt, ...)
{
    if (op->phase == P_FAILED) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(op->err, sizeof op->err, fmt, ap);
    va_end(ap);
    op->phase = P_FAILED;
}

static const char *why(enum iboot_result r)
{
    switch (r) {
    case IR_STALL: return "the device refused it (stall)";
    case IR_TIMEOUT: return "no answer from the device (timed out)";
    case IR_GONE: return "the device left the bus";
    case IR_CANCELLED: return "cancelled";
    default: return "USB transfer failed";
    }
}

struct iboot_op *iboot_op_commands(const char *const *cmds, int n, int read_answer, char *err, size_t errlen)
{
    if (n <= 0) { snprintf(err, errlen, "no command given"); return NULL; }
    for (int i = 0; i < n; i++) {
        size_t l = strlen(cmds[i]);
        if (l == 0) { snprintf(err, errlen, "empty command"); return NULL; }
        if (l + 1 > IBOOT_CMD_MAX) { snprintf(err, errlen, "command longer than %d bytes", IBOOT_CMD_MAX - 1); return NULL; }
    }
    struct iboot_op *op = calloc(1, sizeof *op);
    if (!op || !(op->cmds = calloc((size_t)n, sizeof *op->cmds))) { free(op); snprintf(err, errlen, "out of memory"); return NULL; }
    op->kind = OP_COMMANDS;
    op->phase = P_CMD;
    op->ncmds = n;
    op->read_answer = read_answer;
    for (int i = 0; i < n; i++) {
        if (!(op->cmds[i] = strdup(cmds[i]))) { iboot_op_free(op); snprintf(err, errlen, "out of memory"); return NULL; }
    }
    snprintf(op->what, sizeof op->what, "command \"%.60s\"", cmds[0]);
    return op;
}

struct iboot_op *iboot_op_exit_recovery(void)
{
    static const char *const cmds[] = {"setenv auto-boot true", "saveenv", "reboot"};
    char err[80];
    return iboot_op_commands(cmds, 3, 0, err, sizeof err);
}

struct iboot_op *iboot_op_reboot(void)
{
    static const char *const cmds[] = {"reboot"};
    char err[80];
    return iboot_op_commands(cmds, 1, 0, err, sizeof err);
}

struct iboot_op *iboot_op_upload(int dfu, const uint8_t *data, size_t len)
{
    struct iboot_op *op = calloc(1, sizeof *op);
    if (!op) return NULL;
    op->data = data;
    op->len = len;
    if (dfu) {
        static const uint8_t tail[12] = {0xff, 0xff, 0xff, 0xff, 0xac, 0x05, 0x00, 0x01, 'U', 'F', 'D', 16};
        memcpy(op->suffix, tail, 12);
        uint32_t crc = iboot_dfu_crc(data, len, tail);
        for (int i = 0; i < 4; i++) op->suffix[12 + i] = (uint8_t)(crc >> (8 * i));
        op->kind = OP_DFU_UPLOAD;
        op->phase = P_DFU_STATE;
        op->total = (uint64_t)len + 16;
        snprintf(op->what, sizeof op->what, "DFU upload");
    } else {
        op->kind = OP_RECOVERY_UPLOAD;
        op->phase = P_REC_START;
        op->total = len;
        snprintf(op->what, sizeof op->what, "upload");
    }
    return op;
}

static void control(struct iboot_xfer *x, uint8_t type, uint8_t req, uint16_t value, const uint8_t *data, uint32_t len)
{
    memset(x, 0, sizeof *x);
    x->kind = IX_CONTROL;
    x->request_type = type;
    x->request = req;
    x->value = value;
    x->length = (uint16_t)len;
    x->data = (type & 0x80) ? NULL : data;
    x->len = (type & 0x80) ? 0 : len;
    x->timeout_ms = CMD_TIMEOUT_MS;
}

/* The next DFU block: image bytes, then the suffix. */
static uint32_t fill_block(struct iboot_op *op)
{
    uint64_t off = op->sent, left = op->total - op->sent;
    uint32_t n = left < IBOOT_DFU_BLOCK ? (uint32_t)left : IBOOT_DFU_BLOCK;
    for (uint32_t i = 0; i < n; i++, off++)
        op->block[i] = off < op->len ? op->data[off] : op->suffix[off - op->len];
    return n;
}

int iboot_op_next(struct iboot_op *op, struct iboot_xfer *x)
{
    if (op->cancelled && op->phase != P_DONE) {
        uint64_t d, t;
        iboot_op_progress(op, &d, &t);
        if (op->kind == OP_COMMANDS) fail(op, "cancelled");
        else fail(op, "cancelled after %llu of %llu bytes", (unsigned long long)d, (unsigned long long)t);
    }
    memset(x, 0, sizeof *x);
    switch (op->phase) {
    case P_CMD: {
        const char *c = op->cmds[op->icmd];
        control(x, 0x40, 0, 0, (const uint8_t *)c, (uint32_t)strlen(c) + 1);
        return 1;
    }
    case P_ANSWER:
        control(x, 0xC0, 0, 0, NULL, IBOOT_CMD_MAX);
        return 1;
    case P_REC_START:
        control(x, 0x41, 0, 0, NULL, 0);
        return 1;
    case P_REC_DATA: {
        uint64_t left = op->total - op->sent;
        x->kind = IX_BULK_OUT;
        x->endpoint = 0x04;
        x->data = op->data + op->sent;
        x->len = op->step_len = left < IBOOT_RECOVERY_BLOCK ? (uint32_t)left : IBOOT_RECOVERY_BLOCK;
        x->timeout_ms = DATA_TIMEOUT_MS;
        return 1;
    }
    case P_DFU_STATE:
        control(x, 0xA1, 5, 0, NULL, 1);
        return 1;
    case P_DFU_FIX:
        control(x, 0x21, op->fix_request, 0, NULL, 0);
        return 1;
    case P_DFU_BLOCK:
        op->step_len = fill_block(op);
        control(x, 0x21, 1, (uint16_t)op->blockno, op->block, op->step_len);
        x->timeout_ms = DATA_TIMEOUT_MS;
        return 1;
    case P_DFU_STATUS:
    case P_DFU_MANIFEST:
        control(x, 0xA1, 3, 0, NULL, 6);
        return 1;
    case P_DFU_WAIT:
        x->kind = IX_WAIT;
        x->timeout_ms = op->wait_ms;
        return 1;
    case P_DFU_FINISH:
        control(x, 0x21, 1, (uint16_t)op->blockno, NULL, 0);
        return 1;
    case P_DFU_RESET:
        x->kind = IX_RESET;
        return 1;
    case P_DONE:
        return 0;
    case P_FAILED:
        return -1;
    }
    return -1;
}

static void done_commands(struct iboot_op *op, enum iboot_result r, const uint8_t *in, uint32_t n)
{
    if (op->phase == P_ANSWER) {
        if (r != IR_OK) { fail(op, "no answer to \"%s\": %s", op->cmds[op->ncmds - 1], why(r)); return; }
        uint32_t k = n < IBOOT_CMD_MAX ? n : IBOOT_CMD_MAX;
        memcpy(op->answer, in, k);
        op->answer[k] = 0;
        op->phase = P_DONE;
        return;
    }
    const char *c = op->cmds[op->icmd];
    /* After "reboot" the device may leave before the transfer completes. */
    int leaving = !strncmp(c, "reboot", 6) && op->icmd == op->ncmds - 1 && r != IR_STALL && r != IR_CANCELLED;
    if (r != IR_OK && !leaving) { fail(op, "iBoot did not take \"%s\": %s", c, why(r)); return; }
    if (++op->icmd == op->ncmds) op->phase = op->read_answer ? P_ANSWER : P_DONE;
}

static void upload_failed(struct iboot_op *op, enum iboot_result r, const char *during)
{
    uint64_t d, t;
    iboot_op_progress(op, &d, &t);
    fail(op, "%s %s (after %llu of %llu bytes)", during, why(r), (unsigned long long)d, (unsigned long long)t);
}

static void done_dfu_status(struct iboot_op *op, const uint8_t *in, uint32_t n)
{
    if (n < 6) { fail(op, "short DFU status (%u bytes)", n); return; }
    int status = in[0], state = in[4];
    unsigned poll = (unsigned)in[1] | (unsigned)in[2] << 8 | (unsigned)in[3] << 16;
    if (state == DFU_DNLOAD_IDLE && status == 0) {
        op->phase = op->sent == op->total ? P_DFU_FINISH : P_DFU_BLOCK;
    } else if ((state == DFU_DNBUSY || state == DFU_DNLOAD_SYNC) && status == 0 && ++op->polls <= DFU_MAX_POLLS) {
        op->wait_ms = poll < 1 ? 1 : poll > 1000 ? 1000 : poll;
        op->phase = P_DFU_WAIT;
    } else {
        fail(op, "the device refused block %u (DFU state %d, status %d)", op->blockno ? op->blockno - 1 : 0, state, status);
    }
}

void iboot_op_done(struct iboot_op *op, enum iboot_result r, const uint8_t *in, uint32_t n)
{
    if (op->phase == P_DONE || op->phase == P_FAILED) return;
    if (op->kind == OP_COMMANDS) { done_commands(op, r, in, n); return; }
    switch (op->phase) {
    case P_REC_START:
        if (r != IR_OK) { upload_failed(op, r, "iBoot did not start the upload:"); return; }
        op->phase = op->total ? P_REC_DATA : P_DONE;
        return;
    case P_REC_DATA:
        if (r != IR_OK) { upload_failed(op, r, "upload stopped:"); return; }
        if (n != op->step_len) { fail(op, "the device took %u of %u bytes", n, op->step_len); return; }
        op->sent += n;
        if (op->sent == op->total) op->phase = P_DONE;
        return;
    case P_DFU_STATE:
        if (r != IR_OK || n < 1) { upload_failed(op, r, "no DFU state:"); return; }
        if (in[0] == DFU_IDLE) { op->phase = P_DFU_BLOCK; return; }
        if (++op->fixes > DFU_MAX_FIXES) { fail(op, "the device stays in DFU state %d and will not take an image", in[0]); return; }
        op->fix_request = in[0] == DFU_ERROR ? 4 : 6;   /* CLRSTATUS, else ABORT */
        op->phase = P_DFU_FIX;
        return;
    case P_DFU_FIX:
        if (r != IR_OK) { upload_failed(op, r, "could not reset the DFU state:"); return; }
        op->phase = P_DFU_STATE;
        return;
    case P_DFU_BLOCK:
        if (r != IR_OK) { upload_failed(op, r, "upload stopped:"); return; }
        if (n != op->step_len) { fail(op, "the device took %u of %u bytes of block %u", n, op->step_len, op->blockno); return; }
        op->sent += n;
        op->blockno++;
        op->polls = 0;
        op->phase = P_DFU_STATUS;
        return;
    case P_DFU_STATUS:
        if (r != IR_OK) { upload_failed(op, r, "no DFU status:"); return; }
        done_dfu_status(op, in, n);
        return;
    case P_DFU_WAIT:
        op->phase = P_DFU_STATUS;
        return;
    case P_DFU_FINISH:
        if (r != IR_OK) { upload_failed(op, r, "the device did not take the end of the image:"); return; }
        op->phase = P_DFU_MANIFEST;
        return;
    case P_DFU_MANIFEST:
        /* The device may already be booting the image; leaving is success. */
        if (r == IR_GONE || ++op->manifest_polls >= 2) op->phase = r == IR_GONE ? P_DONE : P_DFU_RESET;
        return;
    case P_DFU_RESET:
        op->phase = P_DONE;
        return;
    default:
        return;
    }
}

void iboot_op_cancel(struct iboot_op *op) { op->cancelled = 1; }
int iboot_op_cancelled(const struct iboot_op *op) { return op->cancelled; }
const char *iboot_op_error(const struct iboot_op *op) { return op->phase == P_FAILED ? op->err : ""; }
const char *iboot_op_answer(const struct iboot_op *op) { return op->answer; }
const char *iboot_op_what(const struct iboot_op *op) { return op->what; }
int iboot_op_is_upload(const struct iboot_op *op) { return op->kind != OP_COMMANDS; }

void iboot_op_progress(const struct iboot_op *op, uint64_t *done, uint64_t *total)
{
    if (op->kind == OP_COMMANDS) { *done = (uint64_t)op->icmd; *total = (uint64_t)op->ncmds; return; }
    *total = op->len;
    *done = op->sent < op->len ? op->sent : op->len;
}

void iboot_op_free(struct iboot_op *op)
{
    if (!op) return;
    for (int i = 0; op->cmds && i < op->ncmds; i++) free(op->cmds[i]);
    free(op->cmds);
    free(op);
}
