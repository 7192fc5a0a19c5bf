/* The Guide tab: the button steps for the selected model, each with its
 * hold time in front, where it is read first and never cut; or, while the
 * DFU helper runs on the device's port (and after, until another guide is
 * chosen), its countdown: the seconds left lead the title and the step
 * being counted down, which stays in view however small the terminal. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "dfu_helper.h"
#include "duration.h"
#include "guide.h"
#include "tui.h"


static void hold_label(const struct guide_step *s, char *out, size_t n)
{
    if (s->hold_ms == GUIDE_UNTIL) snprintf(out, n, "until it shows");
    else if (s->hold_ms == 0) snprintf(out, n, "press");
    else duration_format_left(out, n, s->hold_ms);
}

static void helper_lines(struct tui *t, const struct dfu_helper *h)
{
    int64_t now = now_ms();
    char l[400], prefix[40], hold[24], left[24];
    duration_format_left(left, sizeof left, dfu_helper_ms_left(h, now));
    if (h->state == DFU_RUNNING || h->state == DFU_WAITING)
        snprintf(l, sizeof l, "DFU helper on %s: %s, %s left   (c cancels)", h->port, dfu_helper_state_name(h->state), left);
    else
        snprintf(l, sizeof l, "DFU helper on %s: %s   (d tries again)", h->port, dfu_helper_state_name(h->state));
    tui_panel_text(R_TITLE, 1, 3, l);
    if (h->state == DFU_WAITING) {
        snprintf(l, sizeof l, "Keep holding; watching %s for %s more", h->port, left);
        tui_panel_keep();
        tui_panel_text(R_NORMAL, 2, 2, l);
    }
    if (h->message[0]) {
        if (!dfu_helper_active(h)) tui_panel_keep();   /* the verdict, once it is over */
        tui_panel_text(h->state == DFU_SUCCESS ? R_MODE_NORMAL : R_WARN, 2, 2, h->message);
    }
    for (int i = 0; i < h->guide.nsteps; i++) {
        const struct guide_step *s = &h->guide.steps[i];
        int cur = h->state == DFU_RUNNING && i == h->step;
        if (cur) snprintf(prefix, sizeof prefix, "> NOW %3s left", left);
        else {
            hold_label(s, hold, sizeof hold);
            snprintf(prefix, sizeof prefix, "  %-4s %s", h->state == DFU_RUNNING && i < h->step ? "done" : "", hold);
        }
        snprintf(l, sizeof l, "%-15s  %s", prefix, s->text);
        if (cur) tui_panel_keep();
        tui_panel_text(cur ? R_SELECTED : R_NORMAL, 1, 18, l);
    }
}

static void guide_lines(struct tui *t, const struct device *d, const struct guide *g)
{
    char l[400], hold[GUIDE_MAX_STEPS][24];
    int w = 0;
    for (int i = 0; i < g->nsteps; i++) {
        hold_label(&g->steps[i], hold[i], sizeof hold[i]);
        if ((int)strlen(hold[i]) > w) w = (int)strlen(hold[i]);
    }
    snprintf(l, sizeof l, "%s on %s (%s buttons)   [ / ] other guides", guide_action_title(g->action),
             device_display_name(d), scheme_key(g->scheme));
    tui_panel_text(R_TITLE, 1, 3, l);
    for (int i = 0; i < g->nsteps; i++) {
        snprintf(l, sizeof l, "%d. %-*s  %s", i + 1, w, hold[i], g->steps[i].text);
        tui_panel_text(R_NORMAL, 2, 2 + 3 + w + 2, l);
    }
    if (g->outcome[0]) tui_panel_text(R_NORMAL, 2, 2, g->outcome);
    if (g->note[0]) tui_panel_text(R_NORMAL, 2, 2, g->note);
}

void tui_draw_guide(struct tui *t, const struct device *d, int y, int rows)
{
    if (!d || !d->model) { tui_put(y, 1, COLS - 1, "The guide needs a known model: select an identified device."); return; }
    struct guide g;
    if (guide_build(d->model, (enum guide_action)t->guide_action, t->cfg->dfu_hold_ms, &g) < 0) {
        tui_put(y, 1, COLS - 1, "No button guide for this kind of device.");
        return;
    }
    tui_panel_begin(COLS);
    const struct dfu_helper *h = app_dfu_for(&t->con, d->id);
    /* The helper's countdown and outcome replace the Enter DFU guide; other
     * guides stay reachable with [ and ] once it is over. */
    if (h && h->state != DFU_READY && (dfu_helper_active(h) || t->guide_action == GUIDE_ENTER_DFU)) helper_lines(t, h);
    else guide_lines(t, d, &g);
    tui_panel_show(t, y, 0, rows, &t->panel_scroll, "PgUp/PgDn scroll");
}
