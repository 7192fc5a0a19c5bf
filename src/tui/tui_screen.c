/* The console's drawing primitives and its selection, shared by every tab
 * (cmd_tui.c and the tui_*.c panels): a cell-padded put, the semantic
 * colours of tui.h, and the selected device. Nothing here reads or writes
 * anything but the screen and the tui. */
#include <curses.h>
#include <stdio.h>

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
    if (width <= 0 || y >= LINES) return;
    char buf[512];
    snprintf(buf, sizeof buf, "%-*.*s", width, width, s);
    mvaddnstr(y, x, buf, width);
}

struct device *tui_selected(struct tui *t)
{
    struct bench *b = &t->con.bench;
    struct device *d = bench_find_id(b, t->selected);
    if (!d && b->ndev) { d = b->dev[0]; t->selected = d->id; }
    return d;
}
