/* The bench: every device seen this session, one row per device for its whole
 * visit. Pure core: changed only by bench_apply(), which takes events from the
 * sources (USB, usbmuxd, jobs, timers) and reports what happened to a listener.
 *
 * Identity: a row is keyed by ECID when known, else by USB port; a UDID links
 * the usbmuxd view of a Normal/Restore device to its USB row. A device that
 * reboots through modes keeps its row, history and slot. */
#ifndef IBENCH_BENCH_H
#define IBENCH_BENCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mode.h"
#include "models.h"
#include "serial.h"

#define BENCH_MAX_DEVICES 64
#define DEV_HISTORY 16
#define BENCH_LOG 256
#define PORT_MAX 32

enum dev_presence {
    PRESENCE_PRESENT = 0,   /* on the bus (USB or usbmuxd) */
    PRESENCE_GONE,          /* left; row lingers as "disconnected" before removal */
};

struct mode_change { int64_t t_ms; enum dev_mode mode; };

struct device {
    unsigned id;                    /* stable row id for this session */
    unsigned merged_into;           /* set on a row's last note when it is folded into an older row */
    enum dev_mode mode;
    enum dev_presence presence;
    bool on_usb, on_mux;            /* where it is seen right now */
    char port[PORT_MAX];            /* USB port path "1-1.3", "" if unknown */
    char slot[32];                  /* configured label for the port ("Bay 3"), "" if none */
    uint16_t pid;                   /* last USB product ID */
    bool has_ecid;
    uint64_t ecid;
    uint32_t cpid, bdid;            /* 0 if unknown */
    const struct model *model;      /* NULL if unknown */
    bool has_serial_info;
    struct serial_info sn;          /* parsed iBoot serial string (Recovery/DFU) */
    struct nonce_info nonce;
    bool identified;                /* identity read (serial string or lockdownd) */
    char ident_error[96];           /* why identification failed, if it did */
    /* Normal mode (lockdownd, unpaired) — all sanitized */
    char udid[48], product_type[32], ios_version[24], build[24];
    char device_name[64], serial[32], hw_model[24], device_class[24];
    int64_t mode_since_ms, gone_since_ms, first_seen_ms;
    char last_event[96];
    struct mode_change history[DEV_HISTORY];
    int nhistory;
    /* What the jobs attached to this device are doing, for the STATUS column. */
    char status[64];
    int progress;                   /* percent 0..100, -1 when none */
    bool restoring;                 /* a restore job is running on it */
};

/* A restore job as the bench sees it (the job source mirrors job.json). */
enum bench_job_state {
    BJOB_ENDED = 0,      /* finished, cancelled or lost: holds nothing */
    BJOB_QUEUED,         /* waiting for a free slot: the device is promised to it */
    BJOB_RUNNING,        /* its engine drives the device */
};

struct bench_job {
    unsigned id;
    uint64_t ecid;
    enum bench_job_state state;
    int progress;                   /* percent, -1 when unknown */
    char status[64];                /* "Restore 41% Sending" */
};
#define BENCH_MAX_JOBS 64

enum bench_ev_type {
    BEV_USB_ARRIVED,     /* port, pid */
    BEV_USB_IDENTIFIED,  /* port, serial_str (+ nonce_str) or udid for Normal */
    BEV_USB_IDENT_FAILED,/* port, text = reason */
    BEV_USB_LEFT,        /* port */
    BEV_MUX_ATTACHED,    /* udid, restore */
    BEV_MUX_INFO,        /* udid, mux fields */
    BEV_MUX_DETACHED,    /* udid */
    BEV_STATUS,          /* ecid or port: status text + progress (jobs, helpers) */
    BEV_NOTE,            /* ecid or port: free text for the event log */
    BEV_TICK,            /* time passes: expire lingering rows */
    BEV_JOB,             /* ecid, job_id, job_state, progress, text: a restore job of any ibench */
    BEV_OP_DONE,         /* op_id, op_ok, text: a software action ended (the runtime's, not the bench's) */
    BEV_RESTORE,         /* a restore task ended on the pool; its result waits in the runtime (restore.h) */
};

struct bench_ev {
    enum bench_ev_type type;
    int64_t now_ms;
    char port[PORT_MAX];
    uint16_t pid;
    char serial_str[SERIAL_MAX];
    char nonce_str[256];
    char udid[48];
    bool restore;
    bool mode_pending;              /* BEV_MUX_ATTACHED: listed, Normal or Restore not asked yet */
    bool has_ecid;
    uint64_t ecid;
    /* BEV_MUX_INFO: raw device values (sanitized by bench_apply) */
    char product_type[64], ios_version[64], build[64], device_name[256],
         serial[64], hw_model[64], device_class[64];
    char text[160];
    int progress;
    signed char restoring;          /* BEV_STATUS from restore jobs: 1 running, -1 not; 0 leaves it */
    unsigned job_id;                /* BEV_JOB */
    enum bench_job_state job_state; /* BEV_JOB */
    unsigned op_id;                 /* BEV_OP_DONE */
    bool op_ok;                     /* BEV_OP_DONE */
};

enum bench_note {
    NOTE_ATTACHED,      /* a new row */
    NOTE_IDENTIFIED,    /* identity became known */
    NOTE_MODE_CHANGED,  /* same row, new mode */
    NOTE_DETACHED,      /* left the bus; row lingers */
    NOTE_REMOVED,       /* row dropped after lingering */
    NOTE_IDENT_FAILED,  /* identification failed; ident_error says why */
    NOTE_UPDATED,       /* status/progress/other fields changed */
};

typedef void (*bench_listener)(void *ctx, enum bench_note note, const struct device *d);

struct bench_log_line { int64_t t_ms; char text[128]; };

struct bench {
    struct device *dev[BENCH_MAX_DEVICES];
    int ndev;
    unsigned next_id;
    int64_t linger_ms;              /* how long a gone device stays visible */
    struct bench_log_line log[BENCH_LOG];
    unsigned log_head, log_count;   /* ring */
    unsigned generation;            /* bumped on every change (UI redraw hint) */
    bench_listener listener;
    void *listener_ctx;
    /* restore jobs of every ibench on this bench, by ECID, whether or not
     * their device has a row yet (a console started mid-restore) */
    struct bench_job jobs[BENCH_MAX_JOBS];
    int njobs;
    /* usbmuxd is watched: it, not the USB product ID Normal and Restore
     * share, decides between those two modes */
    bool mux_decides;
    /* slot labels: port path -> label */
    struct { char port[PORT_MAX]; char label[32]; } slots[64];
    int nslots;
};

void bench_init(struct bench *b, int64_t linger_ms);
void bench_done(struct bench *b);
void bench_set_listener(struct bench *b, bench_listener fn, void *ctx);
int bench_add_slot(struct bench *b, const char *port, const char *label);
/* Applies one event; returns 1 if anything visible changed. */
int bench_apply(struct bench *b, const struct bench_ev *ev);
/* Earliest time a lingering row expires (for the loop's timer), or -1. */
int64_t bench_next_deadline(const struct bench *b);

struct device *bench_find_port(const struct bench *b, const char *port);
struct device *bench_find_ecid(const struct bench *b, uint64_t ecid);
struct device *bench_find_udid(const struct bench *b, const char *udid);
struct device *bench_find_id(const struct bench *b, unsigned id);
/* The queued or running restore job holding this ECID, or NULL. */
const struct bench_job *bench_job_for(const struct bench *b, uint64_t ecid);
/* Resolves a technician's DEVICE argument: ECID (hex, with or without 0x, or
 * decimal), UDID, slot label, port path or #N, the N-th row (bench_row_of).
 * NULL if none or ambiguous. */
struct device *bench_resolve(const struct bench *b, const char *what);
/* The 1-based row of d in the order the board and `list` show, 0 if not on the bench. */
int bench_row_of(const struct bench *b, const struct device *d);

/* A whole string as a number in base 10 or 16 (no prefix, no sign); -1
 * when it is not one or does not fit 64 bits. */
int bench_parse_u64(const char *s, int base, uint64_t *out);

void bench_logf(struct bench *b, int64_t now_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* i-th most recent log line, 0 = newest; NULL past the end. */
const struct bench_log_line *bench_log_get(const struct bench *b, unsigned i);

/* Display helpers. */
const char *device_label(const struct device *d);      /* slot, else port, else "id N" */
const char *device_display_name(const struct device *d); /* marketing name or product type or "Unknown Apple device" */
/* The model's short name for the board's column (models.h), else as device_display_name. */
const char *device_short_name(const struct device *d);
void device_ecid_hex(const struct device *d, char out[17]); /* "" if unknown */
/* "Bay 3 (iPhone 8, ECID 0012345678ABCDEF)" for confirmations and messages;
 * short_ecid gives the last six digits ("ECID ...ABCDEF") where room is tight. */
void device_describe(const struct device *d, int short_ecid, char *out, size_t n);

#endif
