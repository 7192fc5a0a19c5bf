/* Fuzz target: what a device sends over USB. A string descriptor (serial
 * and nonce strings, decoded and sanitized, then parsed), and the device's
 * side of iBoot operations: the getenv answer, and every transfer result and
 * DFU GETSTATUS/GETSTATE answer of an upload, driven from the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "iboot_op.h"
#include "sanitize.h"
#include "serial.h"

struct in { const uint8_t *p; size_t n; };
static uint8_t take(struct in *in) { if (!in->n) return 0; in->n--; return *in->p++; }

/* Runs op with device behaviour from the input; stops when the input is spent. */
static void drive(struct iboot_op *op, struct in *in)
{
    struct iboot_xfer x;
    int r, steps = 0;
    uint8_t answer[512];
    while (op && (r = iboot_op_next(op, &x)) == 1 && steps++ < 4096) {
        uint8_t c = take(in);
        enum iboot_result res = c < 200 ? IR_OK : (enum iboot_result)(c % 6);
        uint32_t n = 0;
        if (x.kind == IX_CONTROL && (x.request_type & 0x80)) {
            n = take(in);
            if (n > x.length) n = x.length;
            if (n > sizeof answer) n = sizeof answer;
            for (uint32_t i = 0; i < n; i++) answer[i] = take(in);
        }
        if (!in->n && res == IR_OK) res = IR_GONE;
        iboot_op_done(op, res, answer, n);
    }
    if (op) {
        char clean[300];
        const char *a = iboot_op_answer(op);
        sanitize_text(clean, sizeof clean, a, strlen(a));
        uint64_t done, total;
        iboot_op_progress(op, &done, &total);
        if (done > total) __builtin_trap();
        (void)iboot_op_error(op);
        iboot_op_free(op);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    char text[256], err[160];
    struct serial_info si;
    struct nonce_info ni;
    size_t split = data[0] < size ? data[0] : size;
    /* a string descriptor: bLength may lie */
    size_t len = serial_from_descriptor(data, split, text, sizeof text);
    if (len != strlen(text) || len >= sizeof text) __builtin_trap();
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f) __builtin_trap();
    serial_parse(text, len, &si, err, sizeof err);
    nonce_parse(text, len, &ni, err, sizeof err);
    struct in in = {data + split, size - split};
    uint8_t kind = take(&in);
    static const uint8_t image[5000];
    const char *cmd[] = {"getenv build-version"};
    switch (kind % 4) {
    case 0: drive(iboot_op_commands(cmd, 1, 1, err, sizeof err), &in); break;
    case 1: drive(iboot_op_exit_recovery(), &in); break;
    case 2: drive(iboot_op_upload(1, image, sizeof image), &in); break;
    default: drive(iboot_op_upload(0, image, sizeof image), &in); break;
    }
    return 0;
}
