/* Panel text: a tab or the help box collects its lines here, wrapped to
 * the panel's width as they come, and then shows them. When they do not
 * fit, the last row says how many lines lie above and below instead of
 * cutting them silently, and the technician scrolls; a line that must be
 * read now (the DFU step being counted down) is kept in view. One panel is
 * filled and shown at a time, on the loop thread. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"
#include "text_wrap.h"
#include "tui.h"

enum { PANEL_LINES = 256, PANEL_TEXT = 48 * 1024 };

static struct {
    int width, n, keep_from, keep_to, keep_next;
    size_t used;
    struct { enum role role; int x; size_t off, len; } line[PANEL_LINES];
    char text[PANEL_TEXT];      /* the sanitized text the lines are spans of */
} P;

void tui_panel_begin(int width)
{
    P.width = width > 1 ? width : 1;
    P.n = 0;
    P.used = 0;
    P.keep_from = P.keep_to = -1;
    P.keep_next = 0;
}

void tui_panel_keep(void) { P.keep_next = 1; }

int tui_panel_lines(void) { return P.n; }

void tui_panel_text(enum role r, int indent, int hang, const char *s)
{
    if (P.used + 1 >= sizeof P.text) return;
    char *clean = P.text + P.used;
    size_t len = sanitize_text(clean, sizeof P.text - P.used, s, s ? strlen(s) : 0);
    P.used += len + 1;
    if (indent >= P.width) indent = P.width - 1;
    if (hang >= P.width) hang = P.width - 1;
    struct text_lines L;
    text_wrap(clean, P.width - indent, P.width - hang, &L);
    if (P.keep_next) P.keep_from = P.n;
    for (int i = 0; i < L.n && P.n < PANEL_LINES; i++, P.n++) {
        P.line[P.n].role = r;
        P.line[P.n].x = i ? hang : indent;
        P.line[P.n].off = (size_t)(clean - P.text) + L.line[i].off;
        P.line[P.n].len = L.line[i].len;
    }
    if (P.keep_next) P.keep_to = P.n - 1;
    P.keep_next = 0;
}

static void put_line(struct tui *t, int y, int x, int i)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)P.line[i].len, P.text + P.line[i].off);
    tui_put(y, x, P.line[i].x, "");
    tui_role_on(t, P.line[i].role);
    tui_put(y, x + P.line[i].x, P.width - P.line[i].x, buf);
    tui_role_off();
}

void tui_panel_show(struct tui *t, int y, int x, int rows, int *scroll, const char *hint)
{
    if (rows <= 0) return;
    if (P.n <= rows) {
        *scroll = 0;
        for (int i = 0; i < P.n; i++) put_line(t, y + i, x, i);
        return;
    }
    /* The last row tells what is out of view. */
    int view = rows - 1, top = *scroll;
    if (P.keep_from >= 0) {
        if (P.keep_to >= top + view) top = P.keep_to - view + 1;
        if (P.keep_from < top) top = P.keep_from;
    }
    if (top > P.n - view) top = P.n - view;
    if (top < 0) top = 0;
    *scroll = top;
    for (int i = 0; i < view; i++) put_line(t, y + i, x, top + i);
    char mark[160];
    int below = P.n - top - view, o = snprintf(mark, sizeof mark, " ");
    if (top) o += snprintf(mark + o, sizeof mark - (size_t)o, "%s %d more  ", tui_sym(t, SYM_UP), top);
    if (below) o += snprintf(mark + o, sizeof mark - (size_t)o, "%s %d more  ", tui_sym(t, SYM_DOWN), below);
    snprintf(mark + o, sizeof mark - (size_t)o, "%s", hint ? hint : "");
    tui_role_on(t, R_DIM);
    tui_put(y + view, x, P.width, mark);
    tui_role_off();
}

void tui_panel_page(struct tui *t, int pages)
{
    int step = t->panel_rows > 3 ? t->panel_rows - 2 : 1;
    t->panel_scroll += pages * step;
    if (t->panel_scroll < 0) t->panel_scroll = 0;   /* the far end is kept in range when shown */
    t->dirty = 1;
}
