/* `ibench dfu DEVICE`: the DFU helper on the terminal. It counts down
 * through the model's Enter-DFU steps, watches the device's USB port through
 * the bench, and says how it went: DFU reached, held too long (Recovery or
 * the Apple logo), or nothing happened. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "app.h"
#include "dfu_helper.h"
#include "duration.h"
#include "guide.h"
#include "verbs.h"

struct dfu_run {
    struct app con;
    unsigned dev_id;
    int interrupted;
};

static struct dfu_run R;

static void on_interrupt(void *ctx, int signo)
{
    struct dfu_run *r = ctx;
    r->interrupted = 1;
    const struct device *d = bench_find_id(&r->con.bench, r->dev_id);
    if (d) app_dfu_cancel(&r->con, d);
}

static void hold_words(const struct guide_step *s, char *out, size_t n)
{
    if (s->hold_ms == GUIDE_UNTIL) snprintf(out, n, "until the screen changes");
    else if (s->hold_ms == 0) snprintf(out, n, "press and release");
    else duration_format(out, n, (s->hold_ms + 500) / 1000 * 1000);
}

int cmd_dfu(struct config *c, int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: ibench dfu DEVICE   (ECID, UDID, slot label, port or #ROW)\n"); return EXIT_USAGE; }
    if (app_open(&R.con, c, APP_FOLLOW_JOBS) < 0) { fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    loop_watch_signal(R.con.loop, SIGINT, on_interrupt, &R);
    loop_watch_signal(R.con.loop, SIGTERM, on_interrupt, &R);
    app_settle(&R.con, 4000);
    int rc = EXIT_FAIL;
    const struct device *d = bench_resolve(&R.con.bench, argv[1]);
    char why[300];
    enum verb_refusal r = d ? verb_check(verb_get(VERB_DFU), &R.con, d, why, sizeof why) : VERB_NO_DEVICE;
    if (!d) {
        fprintf(stderr, "ibench: no device matches '%s' (see `ibench list`)\n", argv[1]);
        rc = EXIT_NODEVICE;
    } else if (r != VERB_OK) {
        fprintf(stderr, "ibench: %s\n", why);
        rc = verb_exit_code(r);
    } else {
        char label[40], err[300];
        snprintf(label, sizeof label, "%s", device_label(d));
        R.dev_id = d->id;
        printf("DFU helper for %s (%s), watching port %s. Ctrl-C cancels.\n", label, d->model ? d->model->name : d->product_type, d->port);
        if (verb_start(verb_get(VERB_DFU), &R.con, d, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "ibench: %s\n", err);
            app_close(&R.con);
            return EXIT_NODEVICE;
        }
        const struct dfu_helper *h = app_dfu_for(&R.con, R.dev_id);
        int shown = -1, waiting = 0;
        while (h && dfu_helper_active(h)) {
            loop_run_once(R.con.loop, 100);
            int64_t now = now_ms();
            if (h->state == DFU_RUNNING && h->step != shown) {
                shown = h->step;
                char hold[40];
                hold_words(&h->guide.steps[shown], hold, sizeof hold);
                printf("Step %d/%d: %s (%s)\n", shown + 1, h->guide.nsteps, h->guide.steps[shown].text, hold);
            } else if (h->state == DFU_WAITING && !waiting) {
                waiting = 1;
                char left[24];
                duration_format_left(left, sizeof left, dfu_helper_ms_left(h, now));
                printf("Keep holding; watching %s for %s more\n", h->port, left);
            }
            fflush(stdout);
        }
        printf("%s: %s\n", dfu_helper_state_name(h->state), h->message);
        rc = h->state == DFU_SUCCESS ? EXIT_OK : h->state == DFU_CANCELLED ? EXIT_CANCELLED : EXIT_FAIL;
    }
    app_close(&R.con);
    return rc;
}
