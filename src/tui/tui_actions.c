/* The console's questions and device verbs.
 *
 * One question at a time sits at the bottom (tmux's confirm-before): a
 * y/N question or a line being typed, with the callback that carries out
 * the answer. Any part of the console asks through it. The question wraps
 * over as many lines as it needs, so the device it names and what to type
 * or answer are always on screen; a long typed path gets a line of its
 * own and gives way in its middle, keeping its file name.
 *
 * Device verbs (x e b : u c) come from the verb table: the table refuses,
 * in the same words as the command line, and starts the work in the
 * runtime; the outcome arrives as an ended op. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guide.h"
#include "sanitize.h"
#include "text_wrap.h"
#include "tui.h"
#include "verbs.h"

/* --- questions ------------------------------------------------------------- */

static void ask(struct tui *t, const struct device *d, int prompting, size_t max, tui_answer_fn fn, const char *fmt, va_list ap)
{
    t->ask.active = 1;
    t->ask.prompting = prompting;
    t->ask.fn = fn;
    t->ask.dev = d ? d->id : 0;
    t->ask.max = max && max < sizeof t->input ? max : sizeof t->input - 1;
    t->question[0] = ' ';
    vsnprintf(t->question + 1, sizeof t->question - 1, fmt, ap);
    t->dirty = 1;
}

void tui_ask_yes(struct tui *t, const struct device *d, tui_answer_fn fn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ask(t, d, 0, 0, fn, fmt, ap);
    va_end(ap);
    size_t n = strlen(t->question);
    snprintf(t->question + n, sizeof t->question - n, " [y/N]");
}

void tui_ask_line(struct tui *t, const struct device *d, size_t max, const char *initial, tui_answer_fn fn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ask(t, d, 1, max, fn, fmt, ap);
    va_end(ap);
    snprintf(t->input, sizeof t->input, "%s", initial ? initial : "");
}

static void dismiss(struct tui *t, const char *why)
{
    t->ask.active = 0;
    t->show_preflight = 0;
    if (why) tui_say(t, "%s", why);
    t->dirty = 1;
}

int tui_edit_input(struct tui *t, int ch, size_t max)
{
    size_t n = strlen(t->input);
    t->dirty = 1;
    if (ch == 27) return TUI_EDIT_CANCEL;
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) return TUI_EDIT_SUBMIT;
    if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) t->input[n - 1] = 0;
    else if (ch == 21) t->input[0] = 0;                              /* Ctrl-U: clear the line */
    else if (ch == 23) {                                             /* Ctrl-W: drop the last word */
        while (n && t->input[n - 1] == ' ') n--;
        while (n && t->input[n - 1] != ' ' && t->input[n - 1] != '/') n--;
        if (n == strlen(t->input) && n) n--;                         /* a lone separator goes too */
        t->input[n] = 0;
    }
    else if (ch >= 0x20 && ch < 0x7f && n < max && n + 1 < sizeof t->input) { t->input[n] = (char)ch; t->input[n + 1] = 0; }
    return 0;
}

int tui_ask_key(struct tui *t, int ch)
{
    if (!t->ask.active) return 0;
    struct device *d = NULL;
    if (t->ask.dev) {
        d = bench_find_id(&t->con.bench, t->ask.dev);
        if (!d || d->presence != PRESENCE_PRESENT) { dismiss(t, "The device left; nothing was done."); return 1; }
    }
    tui_answer_fn fn = t->ask.fn;
    /* What the question is about (the preflight) may be longer than the
     * tab: it scrolls while the question waits. */
    if (ch == KEY_PPAGE || ch == KEY_NPAGE) { tui_panel_page(t, ch == KEY_PPAGE ? -1 : 1); return 1; }
    if (t->ask.prompting) {
        int r = tui_edit_input(t, ch, t->ask.max);
        if (r == TUI_EDIT_CANCEL || (r == TUI_EDIT_SUBMIT && !t->input[0])) dismiss(t, "Cancelled.");
        else if (r == TUI_EDIT_SUBMIT) { t->ask.active = 0; fn(t, d, t->input); }
        return 1;
    }
    if (ch == 'y' || ch == 'Y') { t->ask.active = 0; fn(t, d, ""); }
    else dismiss(t, "Cancelled; nothing was sent.");
    return 1;
}

/* --- device verbs ---------------------------------------------------------- */

static const struct verb *pending_verb;   /* the verb a question is about */
static char pending_arg[256];

static void start(struct tui *t, struct device *d, const struct verb *v, const char *arg)
{
    char err[300];
    int id = verb_start(v, &t->con, d, arg, err, sizeof err);
    if (id < 0) tui_warn(t, "%s", err);
    else if (id == 0) tui_say(t, "%s: %s asked.", device_label(d), v->bar);
    else tui_say(t, "%s: %s started (c cancels).", device_label(d), v->bar);
}

static void confirmed(struct tui *t, struct device *d, const char *input)
{
    start(t, d, pending_verb, pending_arg[0] ? pending_arg : NULL);
}

static void argument_given(struct tui *t, struct device *d, const char *input)
{
    const struct verb *v = pending_verb;
    char q[300];
    snprintf(pending_arg, sizeof pending_arg, "%s", input ? input : "");
    if (!verb_needs_question(v, input)) { start(t, d, v, input); return; }
    verb_question(v, d, input, 1, q, sizeof q);
    tui_ask_yes(t, d, confirmed, "%s?", q);
}

/* The guide page that helps when software cannot. */
static void point_to_guide(struct tui *t, const struct verb *v, const struct device *d)
{
    if (v->id == VERB_EXIT_RECOVERY && mode_is_securerom(d->mode)) t->guide_action = GUIDE_EXIT_DFU;
    else if (v->id == VERB_ENTER_RECOVERY && d->mode != MODE_RECOVERY) t->guide_action = GUIDE_ENTER_RECOVERY;
    else if (v->id == VERB_REBOOT) t->guide_action = mode_is_securerom(d->mode) ? GUIDE_EXIT_DFU : GUIDE_EXIT_RECOVERY;
    else return;
    t->tab = TAB_GUIDE;
}

int tui_action_key(struct tui *t, int ch)
{
    const struct verb *v = verb_by_key(ch);
    if (!v || !v->start || v->id == VERB_DFU) return 0;
    struct device *d = tui_selected(t);
    char why[300];
    enum verb_refusal r = verb_check(v, &t->con, d, why, sizeof why);
    if (v->id == VERB_CANCEL && r != VERB_OK) return 0;
    /* Stopping a countdown changes nothing on the device: no question. */
    if (v->id == VERB_CANCEL && !app_op_on(&t->con, d) && app_dfu_cancel(&t->con, d) == 0) {
        tui_say(t, "%s: DFU helper cancelled.", device_label(d));
        return 1;
    }
    if (r != VERB_OK) {
        tui_warn(t, "%s", why);
        if (r == VERB_WRONG_MODE) point_to_guide(t, v, d);
        return 1;
    }
    pending_verb = v;
    if (v->arg_prompt) { tui_ask_line(t, d, IBOOT_CMD_MAX - 1, NULL, argument_given, "%s (Enter runs, Esc cancels): ", v->arg_prompt); return 1; }
    argument_given(t, d, NULL);
    return 1;
}

/* An op ended, or sent and now awaits the device: say how, in the words the
 * command line uses. */
void tui_op_ended(struct tui *t, const struct app_op *op)
{
    if (op->state == OP_RETURNING) { tui_say(t, "%s: %s sent; waiting for it to come back (c stops waiting).", op->label, op->verb ? op->verb->bar : "action"); return; }
    if (op->state == OP_FAILED) { tui_warn(t, "%s: %.200s", op->label, op->message); return; }
    if (op->answer[0]) {
        tui_say(t, "%s answered: %.200s", op->label, op->answer);
        return;
    }
    if (op->message[0]) tui_say(t, "%s: %.200s", op->label, op->message);
    else tui_say(t, "%s: done.", op->label);
}

void tui_action_hints(const struct tui *t, const struct device *d, char *out, size_t n)
{
    char acts[160];
    verb_key_bar(&t->con, d, acts, sizeof acts);
    /* The guide's steps come from the model table: no g for a model it lacks. */
    snprintf(out, n, " ?Help %s%sfFw lLog qQuit", d && d->model ? "gGuide " : "", acts);
}

/* --- the bottom lines -------------------------------------------------------- */

static struct {
    char text[1024];            /* sanitized */
    struct text_lines lines;
    int first, n;               /* the lines shown */
    int typed;                  /* the line of its own that shows the typing, or -1 */
    enum role role;
} B;

static int wrap_text(const char *s)
{
    sanitize_text(B.text, sizeof B.text, s, strlen(s));
    return text_wrap(B.text, COLS, COLS - 1, &B.lines);   /* the rest under the first's leading blank */
}

/* The question, and what is typed after it when that fits on its last
 * line; else on a line of its own, a path shortened in its middle so that
 * its file name shows whole where the typing goes on. */
static void compose_question(struct tui *t)
{
    char both[sizeof B.text];
    snprintf(both, sizeof both, "%s%s", t->question, t->ask.prompting ? t->input : "");
    int alone = wrap_text(t->question);
    if (!t->ask.prompting || !t->input[0] || wrap_text(both) <= alone) return;
    wrap_text(t->question);
    size_t used = strlen(B.text) + 1;
    if (used + 2 >= sizeof B.text || B.lines.n >= TEXT_WRAP_MAX) return;
    B.text[used] = ' ';
    text_shorten_path(B.text + used + 1, sizeof B.text - used - 1, t->input, COLS - 1, tui_sym(t, SYM_ELLIPSIS));
    B.lines.line[B.lines.n].off = used;
    B.lines.line[B.lines.n].len = strlen(B.text + used);
    B.typed = B.lines.n++;
}

int tui_bottom_measure(struct tui *t, const struct device *d, int limit)
{
    char hints[256];
    if (limit < 1) limit = 1;
    B.role = t->ask.active ? R_WARN : R_KEY;
    B.typed = -1;
    if (t->ask.active) compose_question(t);
    else if (t->message[0]) wrap_text(t->message);
    else { tui_action_hints(t, d, hints, sizeof hints); wrap_text(hints); }
    /* Too many even so (a tiny terminal): the end, where the answer goes. */
    B.n = B.lines.n < limit ? B.lines.n : limit;
    B.first = B.lines.n - B.n;
    return B.n;
}

void tui_bottom_draw(struct tui *t)
{
    char l[sizeof B.text];
    tui_role_on(t, B.role);
    for (int i = 0; i < B.n; i++) {
        int k = B.first + i;
        snprintf(l, sizeof l, "%.*s", (int)B.lines.line[k].len, B.text + B.lines.line[k].off);
        int x = k && k != B.typed;
        tui_put(LINES - B.n + i, x, COLS - x, l);
    }
    tui_role_off();
}
