/* What every part of the console draws with: semantic colours (monochrome
 * falls back to attributes), a line padded or cut in screen columns, the
 * few symbols that have an ASCII form, and the selected device.
 * It calls nothing else of the console, so the tabs and the wiring in
 * cmd_tui.c can both use it without a cycle. */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"
#include "text_wrap.h"
#include "tui.h"

void tui_role_on(struct tui *t, enum role r)
{
    if (t->color && r != R_NORMAL) attron(COLOR_PAIR(r));
    if (r == R_SELECTED) attron(A_REVERSE);
    if (r == R_TITLE || r == R_KEY) attron(A_BOLD);
    if (r == R_DIM) attron(A_DIM);
}

void tui_role_off(void) { attrset(A_NORMAL); }

void tui_put(int y, int x, int width, const char *s)
{
    if (width <= 0 || y < 0 || y >= LINES) return;
    /* Everything drawn passes the one sanitizer; widths are columns, not
     * bytes, so UTF-8 is neither cut short nor cut inside a character. */
    char clean[1024];
    size_t n = sanitize_text(clean, sizeof clean, s, s ? strlen(s) : 0);
    size_t fit = text_fit(clean, n, width);
    mvaddnstr(y, x, clean, (int)fit);
    for (int used = text_width(clean, fit); used < width; used++) addch(' ');
}

const char *tui_sym(const struct tui *t, enum tui_sym s)
{
    static const char *const utf8[] = {"\u2191", "\u2193", "\u2026"}, *const ascii[] = {"^", "v", "..."};
    int plain = t->cfg->ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    return (plain ? ascii : utf8)[s];
}

struct device *tui_selected(struct tui *t)
{
    struct bench *b = &t->con.bench;
    struct device *d = bench_find_id(b, t->selected);
    if (!d && b->ndev) { d = b->dev[0]; t->selected = d->id; }
    return d;
}
