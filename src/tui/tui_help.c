/* The ? box: every key the console answers, the console's own keys from
 * the table below and every device verb from the verb table (in the words
 * of `ibench --help`), so a key added to either shows here. It is sized
 * to the screen, its descriptions wrap, and it scrolls when taller than
 * the screen. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"
#include "verbs.h"

struct key_help { const char *keys, *what; };

static const struct key_help moving[] = {
    {"Up/Down, j/k", "select a device"},
    {"Home/End", "the first, the last device"},
    {"Tab, Shift-Tab", "the next, the previous tab"},
    {"1-5", "a tab: Detail, Guide, Firmware, IPSW, Log"},
    {"g", "the Guide tab: the selected model's button steps"},
    {"l", "the Log tab: the restore log, else the bench's events"},
    {"[ ]", "Guide tab: the previous, next guide (enter or exit Recovery, enter or exit DFU); Firmware tab: choose a build"},
    {"PgUp/PgDn", "scroll the tab (in the Log tab, the restore log)"},
};

static const struct key_help more[] = {
    {"/", "search the restore log (Log tab)"},
    {"v, m", "Log tab: the engine's lines as printed; the bench's events and the messages said"},
    {"F", "refresh the firmware catalog (Firmware tab); f there fetches the chosen build, r restores from it"},
    {"v", "verify every CRC of the open IPSW (IPSW tab)"},
    {"Prompts", "Enter answers, Esc cancels, Backspace, Ctrl-U clears the line, Ctrl-W drops a word"},
    {"?", "this help"},
    {"q", "quit (asks first while restores run; they go on without the console)"},
};

enum { KEY_COL = 16 };

static void add(const char *keys, const char *what)
{
    char l[300];
    snprintf(l, sizeof l, "%-*s %s", KEY_COL - 1, keys, what);
    tui_panel_text(R_NORMAL, 1, 1 + KEY_COL, l);
}

static void help_lines(void)
{
    for (size_t i = 0; i < sizeof moving / sizeof moving[0]; i++) add(moving[i].keys, moving[i].what);
    for (int i = 0; i < VERB_COUNT; i++) {
        const struct verb *v = verb_get((enum verb_id)i);
        char key[2] = {(char)v->key, 0};
        if (v->key) add(key, v->summary);
    }
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) add(more[i].keys, more[i].what);
    tui_panel_text(R_NORMAL, 1, 1, "");
    tui_panel_text(R_DIM, 1, 1, "Headless twins: ibench recovery, reboot, cmd, send, dfu, restore, fw, ipsw (ibench --help).");
}

/* The box: as wide as the screen allows up to a comfortable reading
 * width, as tall as its lines, framed, title on the top edge and how to
 * leave on the bottom one. */
void tui_draw_help(struct tui *t)
{
    int w = COLS < 84 ? COLS : COLS - 4 > 100 ? 100 : COLS - 4;
    tui_panel_begin(w - 4);
    help_lines();
    int h = tui_panel_lines() + 2;
    if (h > LINES) h = LINES;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    for (int y = y0; y < y0 + h; y++) tui_put(y, x0, w, "");
    tui_role_on(t, R_TITLE);
    if (t->cfg->ascii) {
        mvhline(y0, x0, '-', w); mvhline(y0 + h - 1, x0, '-', w);
        mvvline(y0, x0, '|', h); mvvline(y0, x0 + w - 1, '|', h);
    } else {
        mvhline(y0, x0, ACS_HLINE, w); mvhline(y0 + h - 1, x0, ACS_HLINE, w);
        mvvline(y0, x0, ACS_VLINE, h); mvvline(y0, x0 + w - 1, ACS_VLINE, h);
        mvaddch(y0, x0, ACS_ULCORNER); mvaddch(y0, x0 + w - 1, ACS_URCORNER);
        mvaddch(y0 + h - 1, x0, ACS_LLCORNER); mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
    }
    mvaddstr(y0, x0 + 2, " ibench keys ");
    tui_role_off();
    int scrolls = tui_panel_lines() > h - 2;
    tui_panel_show(t, y0 + 1, x0 + 2, h - 2, &t->help_scroll, "j/k, PgUp/PgDn scroll");
    const char *leave = scrolls ? " any other key closes " : " any key closes ";
    if ((int)strlen(leave) + 4 < w) mvaddstr(y0 + h - 1, x0 + w - 2 - (int)strlen(leave), leave);
}

int tui_help_key(struct tui *t, int ch)
{
    int page = LINES > 6 ? LINES - 4 : 1;
    switch (ch) {
    case KEY_DOWN: case 'j': t->help_scroll++; return 1;
    case KEY_UP: case 'k': if (t->help_scroll > 0) t->help_scroll--; return 1;
    case KEY_NPAGE: case ' ': t->help_scroll += page; return 1;
    case KEY_PPAGE: t->help_scroll = t->help_scroll > page ? t->help_scroll - page : 0; return 1;
    case KEY_RESIZE: return 1;
    default: return 0;
    }
}
