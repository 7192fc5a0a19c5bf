/* DFU countdown state machine. A press-and-release step gets one second on
 * the clock so the technician can follow it. The device leaving the bus while
 * the buttons are held is expected (the screen goes black); coming back in
 * Recovery or iOS means the Side/Top button was held too long. */
#include "dfu_helper.h"

#include <stdio.h>
#include <string.h>

#define PRESS_MS 1000
#define DEFAULT_WAIT_MS 10000

static int64_t step_ms(const struct dfu_helper *h, int i)
{
    int ms = h->guide.steps[i].hold_ms;
    return ms > 0 ? ms : PRESS_MS;
}

void dfu_helper_init(struct dfu_helper *h, const struct guide *g, const char *port, int64_t wait_ms)
{
    memset(h, 0, sizeof *h);
    h->guide = *g;
    snprintf(h->port, sizeof h->port, "%s", port ? port : "");
    h->wait_ms = wait_ms > 0 ? wait_ms : DEFAULT_WAIT_MS;
    h->state = DFU_READY;
    snprintf(h->message, sizeof h->message, "Connect the cable, then press d to start the countdown.");
}

void dfu_helper_start(struct dfu_helper *h, int64_t now)
{
    h->state = DFU_RUNNING;
    h->step = 0;
    h->step_start_ms = now;
    h->left_bus = false;
    h->message[0] = 0;
}

void dfu_helper_cancel(struct dfu_helper *h)
{
    if (!dfu_helper_active(h)) return;
    h->state = DFU_CANCELLED;
    snprintf(h->message, sizeof h->message, "Cancelled. Release the buttons.");
}

bool dfu_helper_active(const struct dfu_helper *h)
{
    return h->state == DFU_RUNNING || h->state == DFU_WAITING;
}

void dfu_helper_tick(struct dfu_helper *h, int64_t now)
{
    while (h->state == DFU_RUNNING && now - h->step_start_ms >= step_ms(h, h->step)) {
        h->step_start_ms += step_ms(h, h->step);
        if (++h->step >= h->guide.nsteps) {
            h->state = DFU_WAITING;
            h->wait_start_ms = h->step_start_ms;
        }
    }
    if (h->state == DFU_WAITING && now - h->wait_start_ms >= h->wait_ms) {
        h->state = DFU_NOTHING;
        snprintf(h->message, sizeof h->message, h->left_bus
                 ? "The device left and did not come back: release the buttons, check the cable and port, and try again."
                 : "Nothing happened on port %s: check the cable and the port (a flaky hub: try a port on the computer), then try again.", h->port);
    }
}

void dfu_helper_on_device(struct dfu_helper *h, int64_t now, const char *port, enum dev_mode mode, bool present)
{
    if (!dfu_helper_active(h) || !port || strcmp(port, h->port) != 0) return;
    if (!present) { h->left_bus = true; return; }
    if (mode_is_securerom(mode)) {
        h->state = DFU_SUCCESS;
        snprintf(h->message, sizeof h->message, "DFU reached on %s (%s). Release the buttons.", h->port, mode_name(mode));
    } else if (h->left_bus && (mode == MODE_RECOVERY || mode == MODE_NORMAL)) {
        h->state = DFU_HELD_TOO_LONG;
        snprintf(h->message, sizeof h->message,
                 "It came back in %s: %s was held too long (the Apple logo appeared). Release the buttons and try again with a shorter hold.",
                 mode_name(mode), h->guide.power ? h->guide.power : "the button");
    }
    (void)now;
}

int64_t dfu_helper_ms_left(const struct dfu_helper *h, int64_t now)
{
    int64_t left = 0;
    if (h->state == DFU_RUNNING) left = step_ms(h, h->step) - (now - h->step_start_ms);
    else if (h->state == DFU_WAITING) left = h->wait_ms - (now - h->wait_start_ms);
    return left > 0 ? left : 0;
}

const char *dfu_helper_state_name(enum dfu_state s)
{
    static const char *const names[] = {"ready", "running", "waiting", "success", "held too long", "nothing happened", "cancelled"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
