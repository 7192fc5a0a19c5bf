/* Incremental parser of restore-engine (idevicerestore) output, and triage of
 * failures into a cause and a next step a technician can act on. Pure: fed
 * arbitrary byte chunks, bounded memory whatever the engine prints. */
#ifndef IBENCH_ENGINE_PARSE_H
#define IBENCH_ENGINE_PARSE_H
#include <stddef.h>
#include <stdint.h>

#define ENGINE_LINE_MAX 512   /* longer lines are cut, never buffered whole */

enum engine_status { ENGINE_RUNNING, ENGINE_FINISHED, ENGINE_FAILED };

enum engine_triage {
    TRIAGE_NONE,            /* success */
    TRIAGE_NOT_SIGNED,      /* TSS refused the build (status 94) */
    TRIAGE_TSS_UNREACHABLE, /* Apple's signing server could not be reached */
    TRIAGE_USBMUXD,         /* device never reached restore mode: usbmuxd */
    TRIAGE_FS_TRANSFER,     /* ASR / filesystem transfer failed: cable, port, hub */
    TRIAGE_BASEBAND,
    TRIAGE_DEVICE,          /* device not found or in the wrong mode */
    TRIAGE_ENGINE_TOO_OLD,
    TRIAGE_DISK_FULL,
    TRIAGE_DEVICE_FAILED,   /* the device's own restore reported a failure (restored's final status) */
    TRIAGE_UNKNOWN,
};

struct engine_state {
    int step;                  /* -1 before any progress; 0 detect .. 7 upload image */
    double step_fraction;      /* 0..1 within the step */
    int progress;              /* overall 0..1000 */
    char operation[96];        /* "Restoring image (13)" */
    int operation_code;        /* -1 when none */
    char label[32];            /* upstream's "<Label>: <pct>" lines: "Uploading" (the newest) */
    char mode_found[24];       /* "Recovery" from "Found device in Recovery mode" */
    uint64_t ecid;             /* from "ECID: <decimal>" */
    char board[24], product[24];
    enum engine_status status;
    char last_error[ENGINE_LINE_MAX];
    unsigned flags;            /* ENGINE_SAW_* */
    /* line assembly */
    char line[ENGINE_LINE_MAX];
    size_t len;
    int truncated;
    void (*on_line)(void *ctx, const char *line);   /* every complete line, for the log */
    void *ctx;
};

enum {
    ENGINE_SAW_TSS_94 = 1 << 0, ENGINE_SAW_TSS_CONNECT = 1 << 1, ENGINE_SAW_USBMUXD = 1 << 2,
    ENGINE_SAW_ASR = 1 << 3, ENGINE_SAW_BASEBAND = 1 << 4, ENGINE_SAW_NO_DEVICE = 1 << 5,
    ENGINE_SAW_TOO_OLD = 1 << 6, ENGINE_SAW_DISK_FULL = 1 << 7, ENGINE_SAW_SHSH = 1 << 8,
    ENGINE_SAW_DEVICE_FAIL = 1 << 9,
};

void engine_parse_init(struct engine_state *s, void (*on_line)(void *, const char *), void *ctx);
void engine_parse_feed(struct engine_state *s, const char *data, size_t len);
void engine_parse_finish(struct engine_state *s);   /* flushes a last line without newline */

/* The name of a progress step (0 detect .. 7 upload image); "" for others. */
const char *engine_step_name(int step);
/* A `progress: <step> <fraction>` line in words ("Step 3, verify filesystem:
 * 40%"): returns the step, or -1 (out untouched) when the line is not one. */
int engine_progress_words(const char *line, char *out, size_t n);

/* Category from the exit code and what was seen; cause and next step in plain words. */
enum engine_triage engine_triage(const struct engine_state *s, int exit_code, int *retryable,
                                 const char **cause, const char **next_step);
const char *engine_triage_key(enum engine_triage t);

#endif
