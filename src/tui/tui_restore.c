/* Restores in the console: r starts an Update (R an Erase) through the verb
 * table, c cancels a job, q asks first while jobs run (they continue); the
 * Log tab (tui_log.c) shows the job's log.
 *
 * Nothing here blocks: the typed source is resolved and the preflight runs
 * in the runtime (restore.h) on the worker pool; its result arrives through
 * the restore listener, which opens the confirmation. The IPSW prompt
 * starts with the newest cached IPSW for the model (firmware.h). */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "firmware.h"
#include "restore.h"
#include "text_wrap.h"
#include "tui.h"
#include "verbs.h"

static struct {
    struct tui *t;                  /* the console, once a key has been seen */
    unsigned request;               /* the restore request this console asked for */
} S;

static const char *product_of(const struct device *d) { return d->model ? d->model->product_type : d->product_type; }

static void update_confirmed(struct tui *t, struct device *d, const char *input)
{
    char err[300];
    if (restore_confirm(&t->con, S.request, NULL, err, sizeof err) < 0) { t->show_preflight = 0; tui_warn(t, "%s", err); }
}

static void erase_digits(struct tui *t, struct device *d, const char *input)
{
    char err[300];
    if (restore_confirm(&t->con, S.request, input, err, sizeof err) < 0) { t->show_preflight = 0; tui_warn(t, "%s", err); }
}

/* The runtime moved the request on, or the log came in. */
static void on_restore(void *ctx, enum restore_note note, const struct restore_request *r)
{
    struct tui *t = ctx;
    t->dirty = 1;
    if (note != RESTORE_NOTE_REQUEST || r->id != S.request) return;
    struct device *d = bench_find_id(&t->con.bench, r->dev_id);
    char q[400];
    switch (r->stage) {
    case RESTORE_RESOLVING:
    case RESTORE_DOWNLOADING:
    case RESTORE_VERIFYING:
    case RESTORE_SUBMITTING:
        tui_say(t, "%s", r->message);
        break;
    case RESTORE_READY:
        if (!d || d->presence != PRESENCE_PRESENT) { t->show_preflight = 0; tui_say(t, "The device left; nothing was started."); break; }
        restore_question(r, 0, q, sizeof q);
        if (r->erase) tui_ask_line(t, d, 4, NULL, erase_digits, "%s", q);
        else tui_ask_yes(t, d, update_confirmed, "%s", q);
        break;
    case RESTORE_REFUSED:
        if (!r->pf.n) t->show_preflight = 0;
        tui_warn(t, "%s", r->message);
        break;
    case RESTORE_QUEUED:
        t->show_preflight = 0;
        tui_say(t, "%s: %s job %u queued; Log tab shows its output.", d ? device_label(d) : "device",
                r->erase ? "Erase" : "Update", r->job_id);
        break;
    case RESTORE_DROPPED:
        t->show_preflight = 0;
        tui_say(t, "%s", r->message);
        break;
    case RESTORE_NONE:
        break;
    }
}

static void restore_typed(struct tui *t, struct device *d, const char *input)
{
    char err[300];
    const struct verb *v = verb_get(t->restore_erase ? VERB_ERASE : VERB_RESTORE);
    int id = verb_start(v, &t->con, d, input, err, sizeof err);
    if (id < 0) { tui_warn(t, "%s", err); return; }
    S.request = (unsigned)id;
    t->show_preflight = 1;
    on_restore(t, RESTORE_NOTE_REQUEST, restore_current(&t->con));
}

/* The prompt's first text: the cached build chosen in the Firmware tab, the
 * IPSW open in the IPSW tab, else the newest cached one for the model (the
 * firmware runtime's listing of the cache). */
static void initial_source(struct tui *t, const struct device *d, char *out, size_t n)
{
    const char *open = tui_ipsw_source();
    out[0] = 0;
    if (tui_firmware_selected_ipsw(t, d, out, n)) return;
    if (open[0]) snprintf(out, n, "%s", open);
    else if (d && product_of(d)[0]) firmware_newest_cached(&t->con, product_of(d), out, n);
}

static void quit_anyway(struct tui *t, struct device *d, const char *input) { t->quit = 1; }

static void open_ipsw(struct tui *t, struct device *d, const char *input) { tui_ipsw_open(t, input); }

static void cancel_job(struct tui *t, struct device *d, const char *input)
{
    char err[300] = "";
    const struct job *j = restore_job_for(&t->con, d->ecid);
    unsigned id = j ? j->id : 0;
    if (verb_start(verb_get(VERB_CANCEL), &t->con, d, NULL, err, sizeof err) < 0) {
        tui_warn(t, "The job could not be cancelled: %s", err[0] ? err : "already over?");
        return;
    }
    tui_say(t, "Job %u cancelled. The device may stay in Recovery: x exits it, or restore again.", id);
}

int tui_restore_key(struct tui *t, int ch)
{
    if (!S.t) { S.t = t; restore_listen(&t->con, on_restore, t); }
    struct device *d = tui_selected(t);
    char why[300], initial[PATH_MAX];
    switch (ch) {
    case 'q': case 'Q': {
        int n = restore_jobs_active(&t->con);
        if (!n) return 0;
        tui_ask_yes(t, NULL, quit_anyway, "%d restore%s running and will go on without ibench. Quit?", n, n == 1 ? " is" : "s are");
        return 1;
    }
    case 'r': case 'R': {
        const struct verb *v = verb_get(ch == 'R' ? VERB_ERASE : VERB_RESTORE);
        if (verb_check(v, &t->con, d, why, sizeof why) != VERB_OK) { tui_warn(t, "%s", why); return 1; }
        t->restore_erase = ch == 'R';
        t->show_preflight = 0;
        initial_source(t, d, initial, sizeof initial);
        tui_ask_line(t, d, sizeof t->input - 1, initial, restore_typed, "%s %s with IPSW (Enter, Esc cancels): ",
                     ch == 'R' ? "ERASE" : "Update", device_label(d));
        return 1;
    }
    case 'c': {
        const struct job *j = d && d->has_ecid ? restore_job_for(&t->con, d->ecid) : NULL;
        if (!j || job_finished(j)) return 0;
        tui_ask_yes(t, d, cancel_job, "Cancel restore job %u on %s? The device may be left in Recovery.", j->id, device_label(d));
        return 1;
    }
    case 'i':
        initial_source(t, d, initial, sizeof initial);
        tui_ask_line(t, NULL, sizeof t->input - 1, initial, open_ipsw, "IPSW file or URL (Enter, Esc cancels): ");
        return 1;
    default: return 0;
    }
}

/* The preflight: the checks that did not pass first, each wrapped under
 * its text, and the IPSW named by its file name at least, the folder
 * shortened in its middle. PgUp/PgDn scroll it while the question waits. */
void tui_draw_preflight(struct tui *t, int y, int rows)
{
    const struct restore_request *r = restore_current(&t->con);
    char l[PATH_MAX + 64], path[PATH_MAX];
    const char *what = r->erase ? "ERASE" : "Update";
    const char *ipsw = r->ipsw[0] ? r->ipsw : r->source, *name = strrchr(ipsw, '/');
    snprintf(l, sizeof l, "Preflight: %s with %s", what, ipsw);
    tui_panel_begin(COLS);
    if ((int)strlen(l) > COLS - 1 && name && (int)strlen(name) + 20 < COLS) {
        /* The path on a line of its own, its file name whole. */
        snprintf(l, sizeof l, "Preflight: %s with", what);
        tui_panel_text(R_TITLE, 1, 3, l);
        text_shorten_path(path, sizeof path, ipsw, COLS - 3, tui_sym(t, SYM_ELLIPSIS));
        tui_panel_text(R_TITLE, 2, 2, path);
    } else tui_panel_text(R_TITLE, 1, 3, l);
    if (r->stage == RESTORE_RESOLVING || r->stage == RESTORE_DOWNLOADING) tui_panel_text(R_NORMAL, 2, 2, r->message);
    else {
        /* What did not pass first, where the smallest tab still shows it. */
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < r->pf.n; i++) {
                if ((r->pf.item[i].v == V_PASS) != pass) continue;
                snprintf(l, sizeof l, "%-4s %-9s %s", verdict_word(r->pf.item[i].v), r->pf.item[i].name, r->pf.item[i].text);
                tui_panel_text(pass ? R_NORMAL : R_WARN, 2, 17, l);
            }
        if (!r->pf.n || r->stage == RESTORE_VERIFYING) tui_panel_text(R_NORMAL, 2, 2, r->message);
    }
    tui_panel_show(t, y, 0, rows, &t->panel_scroll, "PgUp/PgDn scroll");
}
