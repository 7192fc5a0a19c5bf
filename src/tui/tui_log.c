/* The Log tab. With a restore job on the selected device it shows the job's
 * log in words: the engine's `progress: 3 0.400000` lines become "Step 3,
 * verify filesystem: 40%", and a run of them for one step shows only its
 * newest. v shows the lines as the engine printed them. Without a job, or
 * with m, it shows the bench's events and the messages the key bar said,
 * newest first, so a message that went by unread can be read here.
 * / searches (the matches are highlighted), PgUp/PgDn scroll. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "engine_parse.h"
#include "restore.h"
#include "sanitize.h"
#include "tui.h"

static void search_log(struct tui *t, struct device *d, const char *input)
{
    snprintf(t->log_search, sizeof t->log_search, "%s", input);
    t->log_scroll = -1;          /* find from the end on the next draw */
}

int tui_log_key(struct tui *t, int ch)
{
    if (t->tab != TAB_LOG) return 0;
    switch (ch) {
    case '/': tui_ask_line(t, NULL, sizeof t->log_search - 1, NULL, search_log, "Search the log: "); return 1;
    case 'v': t->log_raw = !t->log_raw; t->log_events = 0; break;
    case 'm': t->log_events = !t->log_events; break;
    case KEY_PPAGE: t->log_scroll += 10; break;
    case KEY_NPAGE: t->log_scroll = t->log_scroll > 10 ? t->log_scroll - 10 : 0; break;
    default: return 0;
    }
    t->dirty = 1;
    return 1;
}

/* One line, cleaned, with each match of the search shown reversed. */
static void put_line(struct tui *t, int y, int x, const char *raw, enum role role)
{
    char clean[600];
    sanitize_text(clean, sizeof clean, raw, strlen(raw));
    int width = COLS - x;
    tui_role_on(t, role);
    tui_put(y, x, width, clean);
    tui_role_off();
    size_t q = strlen(t->log_search);
    if (!q) return;
    for (const char *m = strcasestr(clean, t->log_search); m; m = strcasestr(m + q, t->log_search)) {
        int col = 0;   /* screen columns before the match: one per UTF-8 character */
        for (const char *c = clean; c < m; c++) col += ((unsigned char)*c & 0xc0) != 0x80;
        if (col >= width) break;
        attron(A_REVERSE);
        mvaddnstr(y, x + col, m, (int)q < width - col ? (int)q : width - col);
        attroff(A_REVERSE);
    }
}

/* The lines to show, oldest first: indexes into the log, and each line's
 * words in the readable view. */
static int lines_of(const struct tui *t, const struct restore_log *lg, int *idx)
{
    int n = 0;
    char w[128];
    for (int i = 0; i < lg->nlines; i++) {
        int step = t->log_raw ? -1 : engine_progress_words(lg->line[i], w, sizeof w);
        /* A run of progress lines for one step: only its newest says anything. */
        if (step >= 0 && n && engine_progress_words(lg->line[idx[n - 1]], w, sizeof w) == step) n--;
        idx[n++] = i;
    }
    return n;
}

static int draw_job_log(struct tui *t, const struct device *d, int y, int rows)
{
    const struct job *j = d && d->has_ecid ? restore_job_for(&t->con, d->ecid) : NULL;
    if (!j || rows < 2) return 0;
    char head[300];
    if (job_finished(j))
        snprintf(head, sizeof head, "Restore job %u (%s %s): %s - %s", j->id, j->erase ? "Erase" : "Update", j->build,
                 job_state_key(j->state), j->cause);
    else
        snprintf(head, sizeof head, "Restore job %u (%s %s): %s %d%%   %s", j->id, j->erase ? "Erase" : "Update", j->build,
                 job_state_key(j->state), j->parse.progress / 10,
                 t->log_raw ? "v in words, m events, / search" : "v raw, m events, / search");
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
    /* From memory: the runtime reads the file when the job moves (restore.h). */
    const struct restore_log *lg = restore_log(&t->con, j->id);
    static int idx[RESTORE_LOG_LINES];
    int nl = lg ? lines_of(t, lg, idx) : 0;
    if (!nl) { tui_put(y + 1, 2, COLS - 2, "(no output yet)"); return 1; }
    int view = rows - 1;
    char w[128];
    if (t->log_scroll < 0) {            /* a new search: the last line that matches */
        t->log_scroll = 0;
        for (int i = nl - 1; i >= 0; i--) {
            const char *s = lg->line[idx[i]];
            if (!t->log_raw && engine_progress_words(s, w, sizeof w) >= 0) s = w;
            if (t->log_search[0] && strcasestr(s, t->log_search)) { t->log_scroll = nl - 1 - i - view / 2; break; }
        }
        if (t->log_scroll < 0) t->log_scroll = 0;
    }
    if (t->log_scroll > nl - view) t->log_scroll = nl - view > 0 ? nl - view : 0;
    int start = nl - view - t->log_scroll;
    if (start < 0) start = 0;
    for (int i = 0; i < view && start + i < nl; i++) {
        const char *s = lg->line[idx[start + i]];
        if (!t->log_raw && engine_progress_words(s, w, sizeof w) >= 0) s = w;
        put_line(t, y + 1 + i, 1, s, R_NORMAL);
    }
    return 1;
}

/* The bench's events and the messages said, merged newest first. */
static void draw_events(struct tui *t, int y, int rows, int has_job)
{
    tui_role_on(t, R_TITLE);
    tui_put(y, 1, COLS - 1, has_job ? "Events and messages, newest first   m restore log, / search"
                                    : "Events and messages, newest first   / search");
    tui_role_off();
    unsigned e = 0, s = 0;
    int64_t now = now_ms();
    for (int i = 1; i < rows; i++) {
        const struct bench_log_line *ev = bench_log_get(&t->con.bench, e);
        const struct tui_said *said = tui_said_get(t, s);
        if (!ev && !said) break;
        char line[300], ago[24];
        int is_said = said && (!ev || said->t_ms >= ev->t_ms);
        duration_ago(ago, sizeof ago, now - (is_said ? said->t_ms : ev->t_ms));
        snprintf(line, sizeof line, "%11s  %s%s", ago, is_said ? "> " : "", is_said ? said->text : ev->text);
        put_line(t, y + i, 1, line, is_said ? (said->warn ? R_WARN : R_KEY) : R_NORMAL);
        if (is_said) s++;
        else e++;
    }
}

void tui_draw_log(struct tui *t, const struct device *d, int y, int rows)
{
    int has_job = d && d->has_ecid && restore_job_for(&t->con, d->ecid);
    if (t->log_events || !draw_job_log(t, d, y, rows)) draw_events(t, y, rows, has_job);
}
