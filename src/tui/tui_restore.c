/* Restores in the console: r starts an Update (R an Erase) after the
 * preflight is shown, c cancels a job, q asks first while jobs run (they
 * continue), and the Log tab shows the selected device's restore log with
 * PgUp/PgDn and / to search. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "firmware.h"
#include "job_source.h"
#include "tui.h"

#define LOG_TAIL_BYTES (256 * 1024)
#define LOG_MAX_LINES 4096

static void say(struct tui *t, const char *msg)
{
    snprintf(t->message, sizeof t->message, " %s", msg);
    t->dirty = 1;
}

static void restore_submit(struct tui *t, struct device *d, const char *input);

static void start_prompt(struct tui *t, struct device *d, int erase)
{
    const char *product = d->model ? d->model->product_type : d->product_type;
    char initial[256];
    t->restore_erase = erase;
    /* The IPSW open in the IPSW tab, else the newest cached one for the model. */
    const char *open = tui_ipsw_source();
    if (open[0] && !strstr(open, "://")) snprintf(initial, sizeof initial, "%s", open);
    else firmware_newest_cached(&t->con, product, initial, sizeof initial);
    t->show_preflight = 0;
    tui_ask_line(t, d, sizeof t->input - 1, initial, restore_submit, "%s %s with IPSW (Enter, Esc cancels): ",
                 erase ? "ERASE" : "Update", device_label(d));
}

static void quit_anyway(struct tui *t, struct device *d, const char *input) { t->quit = 1; }

static void open_ipsw(struct tui *t, struct device *d, const char *input) { tui_ipsw_open(t, input); }

static void search_log(struct tui *t, struct device *d, const char *input)
{
    snprintf(t->log_search, sizeof t->log_search, "%s", input);
    t->log_scroll = -1;          /* find from the end on the next draw */
}

static void cancel_job(struct tui *t, struct device *d, const char *input)
{
    const struct job *j = job_source_for(t->jobs, d->ecid);
    struct job disk;
    if (!j || !job_find(t->cfg, j->id, &disk) || job_cancel(&disk) < 0) { say(t, "The job could not be cancelled (already over?)."); return; }
    job_source_kick(t->jobs);
    snprintf(t->message, sizeof t->message, " Job %u cancelled. The device may stay in Recovery: x exits it, or restore again.", disk.id);
    t->dirty = 1;
}

int tui_restore_key(struct tui *t, int ch)
{
    struct device *d = tui_selected(t);
    switch (ch) {
    case 'q': case 'Q': {
        int n = t->jobs ? job_source_running(t->jobs) : 0;
        if (!n) return 0;
        tui_ask_yes(t, NULL, quit_anyway, "%d restore%s running and will go on without ibench. Quit?", n, n == 1 ? " is" : "s are");
        return 1;
    }
    case 'r': case 'R': {
        if (!d || d->presence != PRESENCE_PRESENT) { say(t, "Select a connected device first."); return 1; }
        if (!d->has_ecid || (!d->model && !d->product_type[0])) { say(t, "The device is not identified yet (its ECID and model are needed)."); return 1; }
        const struct job *j = t->jobs ? job_source_for(t->jobs, d->ecid) : NULL;
        if (j && !job_finished(j)) { say(t, "A restore is already running on this device; c cancels it."); return 1; }
        start_prompt(t, d, ch == 'R');
        return 1;
    }
    case 'c': {
        const struct job *j = d && d->has_ecid && t->jobs ? job_source_for(t->jobs, d->ecid) : NULL;
        if (!j || job_finished(j)) return 0;
        tui_ask_yes(t, d, cancel_job, "Cancel restore job %u on %s? The device may be left in Recovery.", j->id, device_label(d));
        return 1;
    }
    case 'i': {
        char initial[256];
        snprintf(initial, sizeof initial, "%s", tui_ipsw_source());
        if (!initial[0] && d && (d->model || d->product_type[0]))
            firmware_newest_cached(&t->con, d->model ? d->model->product_type : d->product_type, initial, sizeof initial);
        tui_ask_line(t, NULL, sizeof t->input - 1, initial, open_ipsw, "IPSW file or URL (Enter, Esc cancels): ");
        return 1;
    }
    case '/':
        if (t->tab != TAB_LOG) return 0;
        tui_ask_line(t, NULL, sizeof t->log_search - 1, NULL, search_log, "Search the log: ");
        return 1;
    case KEY_PPAGE: t->log_scroll += 10; t->dirty = 1; return t->tab == TAB_LOG;
    case KEY_NPAGE: t->log_scroll = t->log_scroll > 10 ? t->log_scroll - 10 : 0; t->dirty = 1; return t->tab == TAB_LOG;
    default: return 0;
    }
}

static void submit_job(struct tui *t, struct device *d)
{
    struct job j;
    restore_job_init(&j, d, &t->pf, t->restore_ipsw, t->restore_erase);
    char err[300];
    if (job_source_submit(t->jobs, &j, err, sizeof err) < 0) { snprintf(t->message, sizeof t->message, " %s", err); t->dirty = 1; return; }
    snprintf(t->message, sizeof t->message, " %s: %s job %u queued; Log tab shows its output.", device_label(d),
             j.erase ? "Erase" : "Update", j.id);
    t->show_preflight = 0;
    t->dirty = 1;
}

static void update_confirmed(struct tui *t, struct device *d, const char *input) { submit_job(t, d); }

static void erase_digits(struct tui *t, struct device *d, const char *input)
{
    char ecid[17];
    device_ecid_hex(d, ecid);
    if (strcasecmp(input, ecid + 12)) { say(t, "Those are not the ECID's last digits: nothing was erased."); t->show_preflight = 0; return; }
    submit_job(t, d);
}

static void restore_submit(struct tui *t, struct device *d, const char *input)
{
    snprintf(t->restore_ipsw, sizeof t->restore_ipsw, "%s", input);
    const struct engine_info *e;
    int have = job_source_have_engine(t->jobs, &e);
    restore_preflight(&t->con, d, t->restore_ipsw, t->restore_erase, e, have, 1, &t->pf);
    t->show_preflight = 1;
    char who[120];
    snprintf(who, sizeof who, "%s (%s)", device_label(d), device_display_name(d));
    if (t->pf.failed) {
        snprintf(t->message, sizeof t->message, " Preflight failed (%d): nothing started. See the checks below.", t->pf.failed);
        t->dirty = 1;
        return;
    }
    if (t->restore_erase) {
        char ecid[17];
        device_ecid_hex(d, ecid);
        tui_ask_line(t, d, 4, NULL, erase_digits, "ERASE %s deletes all its data. Type the last 4 digits of its ECID (...%s): ",
                     who, ecid + 12);
    } else {
        tui_ask_yes(t, d, update_confirmed, "Update %s to iOS %s (%s), keeping its data?", who, t->pf.version, t->pf.build);
    }
}

void tui_draw_preflight(struct tui *t, int y, int rows)
{
    char l[400];
    snprintf(l, sizeof l, "Preflight: %s with %s", t->restore_erase ? "ERASE" : "Update", t->restore_ipsw);
    tui_role_on(t, R_TITLE);
    if (rows > 0) tui_put(y, 1, COLS - 1, l);
    tui_role_off();
    for (int i = 0; i < t->pf.n && i + 1 < rows; i++) {
        snprintf(l, sizeof l, "%-4s %-9s %s", verdict_word(t->pf.item[i].v), t->pf.item[i].name, t->pf.item[i].text);
        if (t->pf.item[i].v != V_PASS) tui_role_on(t, R_WARN);
        tui_put(y + 1 + i, 2, COLS - 2, l);
        tui_role_off();
    }
}

int tui_draw_job_log(struct tui *t, const struct device *d, int y, int rows)
{
    const struct job *j = d && d->has_ecid && t->jobs ? job_source_for(t->jobs, d->ecid) : NULL;
    if (!j || rows < 2) return 0;
    char path[PATH_MAX + 16], head[300];
    snprintf(path, sizeof path, "%s/engine.log", j->dir);
    if (job_finished(j))
        snprintf(head, sizeof head, "Restore job %u (%s %s): %s - %s", j->id, j->erase ? "Erase" : "Update", j->build,
                 job_state_key(j->state), j->cause);
    else
        snprintf(head, sizeof head, "Restore job %u (%s %s): %s %d%%   PgUp/PgDn scroll, / search", j->id,
                 j->erase ? "Erase" : "Update", j->build, job_state_key(j->state), j->parse.progress / 10);
    tui_role_on(t, job_finished(j) && j->state != JOB_SUCCEEDED ? R_WARN : R_TITLE);
    tui_put(y, 1, COLS - 1, head);
    tui_role_off();
    if (job_finished(j) && j->state != JOB_SUCCEEDED && rows > 2) {
        char next[300];
        snprintf(next, sizeof next, "Next: %s%s", j->next_step, !j->erase && j->state == JOB_FAILED ? "  (R: Erase restore, deletes data)" : "");
        tui_put(y + 1, 1, COLS - 1, next);
        y++;
        rows--;
    }
    FILE *f = fopen(path, "re");
    if (!f) { tui_put(y + 1, 2, COLS - 2, "(no output yet)"); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > LOG_TAIL_BYTES ? size - LOG_TAIL_BYTES : 0;
    fseek(f, from, SEEK_SET);
    static char buf[LOG_TAIL_BYTES + 1];
    size_t n = fread(buf, 1, LOG_TAIL_BYTES, f);
    fclose(f);
    buf[n] = 0;
    static char *lines[LOG_MAX_LINES];
    int nl = 0;
    char *p = buf;
    if (from > 0) { char *nlp = strchr(p, '\n'); p = nlp ? nlp + 1 : p; }   /* a cut first line */
    while (*p && nl < LOG_MAX_LINES) {
        lines[nl++] = p;
        char *e = strpbrk(p, "\r\n");
        if (!e) break;
        *e = 0;
        p = e + 1;
        while (*p == '\n' || *p == '\r') p++;
    }
    int view = rows - 1;
    if (t->log_scroll < 0) {            /* a new search: the last line that matches */
        t->log_scroll = 0;
        for (int i = nl - 1; i >= 0; i--)
            if (t->log_search[0] && strcasestr(lines[i], t->log_search)) { t->log_scroll = nl - 1 - i - view / 2; break; }
        if (t->log_scroll < 0) t->log_scroll = 0;
    }
    if (t->log_scroll > nl - view) t->log_scroll = nl - view > 0 ? nl - view : 0;
    int start = nl - view - t->log_scroll;
    if (start < 0) start = 0;
    for (int i = 0; i < view && start + i < nl; i++) {
        char clean[600];
        size_t k = 0;
        for (const char *s = lines[start + i]; *s && k + 1 < sizeof clean; s++)
            clean[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
        clean[k] = 0;
        int hit = t->log_search[0] && strcasestr(clean, t->log_search);
        if (hit) tui_role_on(t, R_SELECTED);
        tui_put(y + 1 + i, 1, COLS - 1, clean);
        if (hit) tui_role_off();
    }
    return 1;
}
