/* The console's screen state, shared by its parts: cmd_tui.c (loop wiring,
 * drawing, navigation keys), tui_actions.c (keys that act on a device:
 * confirmations, the prompt, software actions, and the lines at the bottom
 * that show them), the tabs, tui_panel.c (wrapped, scrolled panel text)
 * and tui_help.c (the ? box). Everything here runs on the loop thread. */
#ifndef IBENCH_TUI_H
#define IBENCH_TUI_H
#include "app.h"
#include "dfu_helper.h"
#include "restore.h"

enum tab { TAB_DETAIL, TAB_GUIDE, TAB_FIRMWARE, TAB_IPSW, TAB_LOG, TAB_COUNT };

/* Semantic colours; each scheme maps them, monochrome uses attributes only. */
enum role { R_NORMAL, R_TITLE, R_SELECTED, R_DIM, R_MODE_NORMAL, R_MODE_RECOVERY, R_MODE_DFU, R_WARN, R_KEY };


/* A message the key bar showed, kept for the Log tab. */
struct tui_said { int64_t t_ms; int warn; char text[160]; };
#define TUI_SAID 64

struct tui;
/* Carries out an answer: y (input "") or an entered line. d is the device
 * the question was about (still present), or NULL. */
typedef void (*tui_answer_fn)(struct tui *t, struct device *d, const char *input);

struct tui {
    struct app con;
    struct config *cfg;
    int dirty, quit, help, color;
    unsigned selected;           /* device id */
    enum tab tab;
    int guide_action;
    struct loop_timer *clock, *redraw;
    int64_t last_draw_ms;
    unsigned drawn_generation;   /* the bench's generation when last drawn */
    char message[160];           /* the key bar's message (tui_say); "" shows the keys */
    int64_t message_until_ms;    /* when it goes */
    char said_text[160];         /* the message last noted in the history */
    struct tui_said said[TUI_SAID];
    unsigned said_head, said_count;
    /* the one open question: y/N, or a line being typed into `input` */
    struct {
        int active, prompting;
        unsigned dev;            /* the device it is about; 0 none */
        size_t max;              /* longest input */
        tui_answer_fn fn;        /* carries out y or the entered line */
    } ask;
    char question[300], input[256];
    /* the Firmware tab's cursor, per product type shown (firmware.h keeps the rest) */
    int fw_cursor;
    char fw_product[32];
    /* restores */
    struct job_source *jobs;
    struct preflight pf;
    int show_preflight, restore_erase;
    char restore_ipsw[256];
    int log_scroll;              /* lines up from the end of the restore log */
    char log_search[64];
    /* layout */
    int board_top;               /* index of the first device row shown */
    int panel_scroll, panel_rows;/* the tab panel's first line shown, and its height */
    unsigned panel_for;          /* what panel_scroll belongs to (tab, device, guide) */
    int help_scroll;             /* the ? box's first line shown */
    int log_raw;                 /* the Log tab shows the engine's lines as printed */
    int log_events;              /* the Log tab shows events and messages, not the restore log */
};

/* The smallest terminal the console lays out; below it says so. */
enum { TUI_MIN_COLS = 40, TUI_MIN_LINES = 10 };

struct device *tui_selected(struct tui *t);
/* s sanitized, in exactly width columns: padded, or cut at a character. */
void tui_put(int y, int x, int width, const char *s);
/* Arrows and the ellipsis, in ASCII when asked or when the terminal's
 * character set is not UTF-8. */
enum tui_sym { SYM_UP, SYM_DOWN, SYM_ELLIPSIS };
const char *tui_sym(const struct tui *t, enum tui_sym s);
void tui_role_on(struct tui *t, enum role r);
void tui_role_off(void);
/* tui_messages.c: the message on the key bar, for a few seconds (a
 * warning, for a refusal or a failure, longer); each goes into the history. */
void tui_say(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_warn(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Before a frame: notes a message written straight into t->message, drops
 * one whose time is up. Returns ms until the shown message goes, -1 none. */
int64_t tui_messages_tick(struct tui *t, int64_t now);
/* The i-th newest message said, 0 = newest; NULL past the end. */
const struct tui_said *tui_said_get(const struct tui *t, unsigned i);
/* Opens the question (replacing any): "...? [y/N]", or a line to type with
 * `initial` in it. d: the device it is about (NULL: none). */
void tui_ask_yes(struct tui *t, const struct device *d, tui_answer_fn fn, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void tui_ask_line(struct tui *t, const struct device *d, size_t max, const char *initial, tui_answer_fn fn, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* The open question's keys; 1 if there was one. */
int tui_ask_key(struct tui *t, int ch);
/* Device verb keys (x e b c u :) through the verb table. 1 if handled. */
int tui_action_key(struct tui *t, int ch);
/* An op started from the console ended (app.h). */
void tui_op_ended(struct tui *t, const struct app_op *op);
/* One key into the prompt line t->input (at most max characters): Esc
 * gives TUI_EDIT_CANCEL, Enter TUI_EDIT_SUBMIT; editing keys give 0. */
enum { TUI_EDIT_CANCEL = -1, TUI_EDIT_SUBMIT = 1 };
int tui_edit_input(struct tui *t, int ch, size_t max);
/* The key bar's action hints for the selected device. */
void tui_action_hints(const struct tui *t, const struct device *d, char *out, size_t n);
/* The bottom lines: the open question with what is typed into it, else the
 * message, else the key bar, wrapped to the screen's width. measure lays
 * them out (at most `limit` lines; a typed path is shortened in its middle
 * before the question is) and returns how many; draw puts them on the last
 * lines of the screen. */
int tui_bottom_measure(struct tui *t, const struct device *d, int limit);
void tui_bottom_draw(struct tui *t);

/* tui_panel.c: one panel at a time is filled, then shown. Lines wrap to
 * its width: the first at `indent` columns, the rest at `hang`. When they
 * do not fit, the last row says how many more lie above and below, and
 * `hint` how to scroll; *scroll (the first line shown) is kept in range,
 * and a line marked with tui_panel_keep stays in view. */
void tui_panel_begin(int width);
void tui_panel_text(enum role r, int indent, int hang, const char *s);
void tui_panel_keep(void);      /* the next line added stays in view */
int tui_panel_lines(void);
void tui_panel_show(struct tui *t, int y, int x, int rows, int *scroll, const char *hint);
/* PgUp/PgDn on the tab panel: pages < 0 up, > 0 down. */
void tui_panel_page(struct tui *t, int pages);

/* tui_guide.c: the Guide tab (button steps, or the DFU helper's countdown). */
void tui_draw_guide(struct tui *t, const struct device *d, int y, int rows);
/* tui_help.c: the ? box over the screen, sized to it; every key of the
 * console and the verb table. Keys that scroll it return 1; any other
 * closes it. */
void tui_draw_help(struct tui *t);
int tui_help_key(struct tui *t, int ch);

/* tui_restore.c: r restore (Update), R Erase, c cancel a job, q with jobs
 * running, / and PgUp/PgDn in the restore log. Returns 1 if handled. */
int tui_restore_key(struct tui *t, int ch);
void tui_draw_preflight(struct tui *t, int y, int rows);

/* tui_log.c: the Log tab. The selected device's restore log in words (v:
 * the engine's raw lines), else, or with m, the bench's events and the
 * messages said; / searches, PgUp/PgDn scroll. Keys return 1 if handled. */
int tui_log_key(struct tui *t, int ch);
void tui_draw_log(struct tui *t, const struct device *d, int y, int rows);

/* tui_firmware.c: f (the Firmware tab; there f fetches the chosen build,
 * [ ] choose, F refreshes the catalog). Returns 1 if handled. */
int tui_firmware_key(struct tui *t, int ch);
/* With the Firmware tab shown for d's model and a cached build chosen, its
 * IPSW path (1); else 0. The restore prompt starts from it. */
int tui_firmware_selected_ipsw(struct tui *t, const struct device *d, char *out, size_t n);
void tui_draw_firmware(struct tui *t, const struct device *d, int y, int rows);
void tui_firmware_done(struct tui *t);   /* forgets the tab (app_close stops the downloads) */

/* tui_ipsw.c: the IPSW tab (i opens a file or URL; the runtime reads it on the pool). */
void tui_ipsw_open(struct tui *t, const char *source);
void tui_draw_ipsw(struct tui *t, const struct device *d, int y, int rows);
int tui_ipsw_key(struct tui *t, int ch);   /* v verifies the open IPSW (IPSW tab); 1 when taken */
const char *tui_ipsw_source(void);       /* the IPSW shown, "" if none */
void tui_ipsw_done(void);

#endif
