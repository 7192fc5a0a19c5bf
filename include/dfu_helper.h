/* The DFU helper: a timed countdown through a model's Enter-DFU steps that
 * watches one USB port and says how it went. Pure: the caller feeds it time
 * (tick) and what the bench sees on that port (on_device); several helpers can
 * run at once, one per bay. */
#ifndef IBENCH_DFU_HELPER_H
#define IBENCH_DFU_HELPER_H
#include <stdbool.h>
#include <stdint.h>
#include "bench.h"
#include "guide.h"

enum dfu_state {
    DFU_READY,          /* not started */
    DFU_RUNNING,        /* counting down through the steps */
    DFU_WAITING,        /* steps done; still watching the port for a while */
    DFU_SUCCESS,        /* DFU (or WTF/KIS/Port DFU) appeared on the port */
    DFU_HELD_TOO_LONG,  /* the device came back in Recovery or iOS: Apple logo */
    DFU_NOTHING,        /* nothing changed on the port: check the cable */
    DFU_CANCELLED,
};

struct dfu_helper {
    struct guide guide;         /* the Enter DFU steps */
    char port[PORT_MAX];        /* the port being watched */
    enum dfu_state state;
    int step;                   /* current step index while running */
    int64_t step_start_ms, wait_ms, wait_start_ms;
    bool left_bus;              /* the device dropped off during the sequence */
    char message[200];          /* plain words on the outcome */
};

/* wait_ms: how long to keep watching after the last step (default 10 s if 0). */
void dfu_helper_init(struct dfu_helper *h, const struct guide *enter_dfu, const char *port, int64_t wait_ms);
void dfu_helper_start(struct dfu_helper *h, int64_t now_ms);   /* also "try again" */
void dfu_helper_cancel(struct dfu_helper *h);
void dfu_helper_tick(struct dfu_helper *h, int64_t now_ms);
void dfu_helper_on_device(struct dfu_helper *h, int64_t now_ms, const char *port, enum dev_mode mode, bool present);
bool dfu_helper_active(const struct dfu_helper *h);             /* running or waiting */
int64_t dfu_helper_ms_left(const struct dfu_helper *h, int64_t now_ms); /* in the current step or wait */
const char *dfu_helper_state_name(enum dfu_state s);

#endif
