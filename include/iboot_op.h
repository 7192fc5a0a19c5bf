/* One iBoot (Recovery) or SecureROM (DFU) operation as a sequence of USB
 * transfers. Pure: the op says which transfer comes next and takes each
 * transfer's result; usb_source runs the transfers on the event loop.
 *
 *   op = iboot_op_commands(...) or iboot_op_upload(...)
 *   while ((r = iboot_op_next(op, &x)) == 1) { run x; iboot_op_done(op, result, in, n); }
 *   r == 0: finished (answer/progress readable); r < 0: failed (iboot_op_error)
 *
 * The wire protocol, as iBoot and SecureROM speak it:
 *   command      vendor OUT 0x40/0, the command NUL-terminated
 *   answer       vendor IN 0xC0/0 (getenv's value)
 *   Recovery     vendor OUT 0x41/0 starts an upload; the data goes as bulk OUT
 *   upload       on endpoint 0x04
 *   DFU upload   DFU class: GETSTATE, then DNLOAD blocks of 2 KiB each followed
 *                by GETSTATUS until dfuDNLOAD-IDLE; the image ends with the
 *                16-byte DFU suffix (CRC32); a zero-length DNLOAD starts the
 *                manifest phase, two GETSTATUS, then a USB reset. */
#ifndef IBENCH_IBOOT_OP_H
#define IBENCH_IBOOT_OP_H
#include <stddef.h>
#include <stdint.h>

#define IBOOT_CMD_MAX 255            /* iBoot takes at most this much of a command */
#define IBOOT_DFU_BLOCK 0x800
#define IBOOT_RECOVERY_BLOCK 0x8000

enum iboot_xfer_kind { IX_CONTROL, IX_BULK_OUT, IX_WAIT, IX_RESET };

struct iboot_xfer {
    enum iboot_xfer_kind kind;
    uint8_t request_type, request;   /* control */
    uint16_t value, index, length;   /* control: wLength (IN: bytes wanted) */
    uint8_t endpoint;                /* bulk */
    const uint8_t *data;             /* OUT payload, `len` bytes, valid until iboot_op_done */
    uint32_t len;
    unsigned timeout_ms;             /* transfer timeout, or the wait for IX_WAIT */
};

enum iboot_result {
    IR_OK,          /* completed */
    IR_STALL,       /* the device refused (STALL) */
    IR_TIMEOUT,     /* no answer in time */
    IR_GONE,        /* the device left the bus */
    IR_ERROR,       /* anything else */
    IR_CANCELLED,   /* cancelled by the technician */
};

struct iboot_op;

/* Sends each command in turn; with read_answer, reads the answer to the last
 * one (getenv). A command that makes the device leave (reboot) may fail to
 * complete: that counts as success. NULL if a command is empty or too long. */
struct iboot_op *iboot_op_commands(const char *const *cmds, int n, int read_answer, char *err, size_t errlen);

/* Leaving Recovery: setenv auto-boot true, saveenv, reboot. And reboot alone.
 * NULL only when out of memory. */
struct iboot_op *iboot_op_exit_recovery(void);
struct iboot_op *iboot_op_reboot(void);

/* Uploads `len` bytes (borrowed: keep them until the op is freed) over the
 * Recovery path, or over DFU when dfu is set. */
struct iboot_op *iboot_op_upload(int dfu, const uint8_t *data, size_t len);

int iboot_op_next(struct iboot_op *op, struct iboot_xfer *x);
void iboot_op_done(struct iboot_op *op, enum iboot_result r, const uint8_t *in, uint32_t n);
void iboot_op_cancel(struct iboot_op *op);   /* the next iboot_op_next fails with "cancelled" */

const char *iboot_op_error(const struct iboot_op *op);   /* "" unless failed */
const char *iboot_op_answer(const struct iboot_op *op);  /* raw bytes up to NUL: sanitize before showing */
const char *iboot_op_what(const struct iboot_op *op);    /* "upload", "DFU upload", "command ..." */
void iboot_op_progress(const struct iboot_op *op, uint64_t *done, uint64_t *total);
int iboot_op_is_upload(const struct iboot_op *op);
int iboot_op_cancelled(const struct iboot_op *op);
void iboot_op_free(struct iboot_op *op);

/* The DFU suffix's CRC over the image then the suffix's first 12 bytes:
 * CRC-32 without the final inversion. */
uint32_t iboot_dfu_crc(const uint8_t *image, size_t n, const uint8_t suffix12[12]);

#endif
