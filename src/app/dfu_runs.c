/* DFU helpers run by the runtime (see app.h): one per device, ticked by one
 * loop timer while any is active and fed every change the bench sees, so a
 * helper goes on whichever front end looks at it, and reports its outcome
 * once in the bench log. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "guide.h"

#define DFU_TICK_MS 200

static void report(struct app *a)
{
    for (int i = 0; i < APP_MAX_DFU; i++) {
        struct app_dfu *r = &a->dfu[i];
        if (!r->used || r->h.state == r->last) continue;
        r->last = r->h.state;
        if (!dfu_helper_active(&r->h) && r->h.state != DFU_READY)
            bench_logf(&a->bench, now_ms(), "%s: DFU helper: %s", r->h.port, dfu_helper_state_name(r->h.state));
    }
}

static void tick(void *ctx)
{
    struct app *a = ctx;
    int active = 0;
    for (int i = 0; i < APP_MAX_DFU; i++) {
        if (!a->dfu[i].used) continue;
        dfu_helper_tick(&a->dfu[i].h, now_ms());
        active |= dfu_helper_active(&a->dfu[i].h);
    }
    report(a);
    if (active) loop_timer_arm(a->dfu_tick, DFU_TICK_MS);
    a->bench.generation++;            /* the countdown changed: redraw */
}

void app_dfu_on_change(struct app *a, const struct device *d)
{
    if (!d || !d->port[0]) return;
    for (int i = 0; i < APP_MAX_DFU; i++)
        if (a->dfu[i].used) dfu_helper_on_device(&a->dfu[i].h, now_ms(), d->port, d->mode, d->presence == PRESENCE_PRESENT);
    report(a);
}

const struct dfu_helper *app_dfu_for(const struct app *a, unsigned dev_id)
{
    for (int i = 0; i < APP_MAX_DFU; i++)
        if (a->dfu[i].used && a->dfu[i].dev_id == dev_id) return &a->dfu[i].h;
    return NULL;
}

int app_dfu_start(struct app *a, const struct device *d, char *err, size_t n)
{
    struct guide g;
    if (!d->model || guide_build(d->model, GUIDE_ENTER_DFU, a->cfg->dfu_hold_ms, &g) < 0) {
        snprintf(err, n, "%s: no DFU steps for this model (see the guide)", device_label(d));
        return -1;
    }
    struct app_dfu *r = NULL;
    for (int i = 0; i < APP_MAX_DFU && !r; i++)
        if (a->dfu[i].used && a->dfu[i].dev_id == d->id) r = &a->dfu[i];
    if (r && dfu_helper_active(&r->h)) { snprintf(err, n, "the DFU helper is already running on %s", device_label(d)); return -1; }
    for (int i = 0; i < APP_MAX_DFU && !r; i++)
        if (!a->dfu[i].used || !dfu_helper_active(&a->dfu[i].h)) r = &a->dfu[i];
    if (!r) { snprintf(err, n, "too many DFU helpers running"); return -1; }
    if (!a->dfu_tick && !(a->dfu_tick = loop_timer_new(a->loop, tick, a))) { snprintf(err, n, "out of memory"); return -1; }
    r->used = 1;
    r->dev_id = d->id;
    r->last = DFU_READY;
    dfu_helper_init(&r->h, &g, d->port, a->cfg->dfu_hold_ms[2] + 2000);
    dfu_helper_start(&r->h, now_ms());
    loop_timer_arm(a->dfu_tick, DFU_TICK_MS);
    return 0;
}

int app_dfu_cancel(struct app *a, const struct device *d)
{
    for (int i = 0; i < APP_MAX_DFU; i++) {
        struct app_dfu *r = &a->dfu[i];
        if (!r->used || r->dev_id != d->id || !dfu_helper_active(&r->h)) continue;
        dfu_helper_cancel(&r->h);
        report(a);
        return 0;
    }
    return -1;
}

void app_dfu_close(struct app *a)
{
    if (a->dfu_tick) loop_timer_free(a->dfu_tick);
    a->dfu_tick = NULL;
}
