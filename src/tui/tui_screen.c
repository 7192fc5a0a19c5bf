/* What every part of the console draws with: semantic colours (monochrome
 * falls back to attributes), a padded or cut line, and the selected device.
 * It calls nothing else of the console, so the tabs and the wiring in
 * cmd_tui.c can both use it without a cycle. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"
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
    /* Everything drawn passes the one sanitizer, cut at a character boundary. */
    char clean[512], buf[512];
    size_t cap = (size_t)width + 1 < sizeof clean ? (size_t)width + 1 : sizeof clean;
    sanitize_text(clean, cap, s, s ? strlen(s) : 0);
    snprintf(buf, sizeof buf, "%-*s", width, clean);
    mvaddnstr(y, x, buf, width);
}

struct device *tui_selected(struct tui *t)
{
    struct bench *b = &t->con.bench;
    struct device *d = bench_find_id(b, t->selected);
    if (!d && b->ndev) { d = b->dev[0]; t->selected = d->id; }
    return d;
}
