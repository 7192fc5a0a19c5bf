/* The live console: a board of devices, a tabbed panel for the selected one
 * (Detail, Guide, Log) and a key bar. Drawing happens once per loop pass and
 * only when something changed; ncurses sends only the differences, so an idle
 * screen sends nothing over SSH. A lost terminal ends the console cleanly. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "app.h"
#include "dfu_helper.h"
#include "duration.h"
#include "guide.h"
#include "tui.h"
#include "sanitize.h"
#include "text_wrap.h"
#include "verbs.h"


static void hline_at(struct tui *t, int y)
{
    move(y, 0);
    if (t->cfg->ascii) for (int i = 0; i < COLS; i++) addch('-');
    else mvhline(y, 0, ACS_HLINE, COLS);
}

/* What the mode knows of the software on the device: iOS only while it
 * runs iOS, the iBoot or SecureROM tag in Recovery and DFU. */
static void software_of(const struct device *d, char *out, size_t n)
{
    out[0] = 0;
    if (d->mode == MODE_NORMAL && d->ios_version[0]) snprintf(out, n, "iOS %s (%s)", d->ios_version, d->build);
    else if (mode_is_iboot(d->mode) && d->has_serial_info && d->sn.srtg[0]) snprintf(out, n, "%s", d->sn.srtg);
}

static enum role mode_role(enum dev_mode m)
{
    if (m == MODE_NORMAL || m == MODE_RESTORE) return R_MODE_NORMAL;
    if (m == MODE_RECOVERY) return R_MODE_RECOVERY;
    if (m == MODE_UNKNOWN) return R_WARN;
    return R_MODE_DFU;
}

static void draw_title(struct tui *t)
{
    char title[256], clock[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(clock, sizeof clock, "%H:%M", &tm);
    int present = 0;
    for (int i = 0; i < t->con.bench.ndev; i++) present += t->con.bench.dev[i]->presence == PRESENCE_PRESENT;
    snprintf(title, sizeof title, " ibench - %d device%s%s", present, present == 1 ? "" : "s",
             t->cfg->demo ? " - DEMO: emulated devices" : "");
    tui_role_on(t, R_TITLE);
    tui_put(0, 0, COLS, title);
    if (COLS > (int)strlen(title) + 7) mvaddstr(0, COLS - 6, clock);
    tui_role_off();
}

/* Rows above the board's view on its header line, rows below on the rule
 * under it. */
static void board_marks(struct tui *t, int top, int rows, int above, int below)
{
    char m[32];
    tui_role_on(t, R_TITLE);
    if (above > 0) {
        int n = snprintf(m, sizeof m, " %s %d more ", tui_sym(t, SYM_UP), above);
        mvaddstr(top, COLS - text_width(m, (size_t)n), m);
    }
    if (below > 0) {
        snprintf(m, sizeof m, " %s %d more ", tui_sym(t, SYM_DOWN), below);
        mvaddstr(top + rows, 2, m);
    }
    tui_role_off();
}

/* text wrapped at words into `width` columns from column x, over at most
 * max lines; the lines used. */
static int put_wrapped(int y, int x, int width, int max, const char *text)
{
    struct text_lines L;
    text_wrap(text, width, width, &L);
    int i = 0;
    for (; i < L.n && i < max; i++) {
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)L.line[i].len, text + L.line[i].off);
        tui_put(y + i, x, COLS - x, part);
    }
    return i;
}

static void draw_board(struct tui *t, int top, int rows)
{
    struct bench *b = &t->con.bench;
    int wide = COLS >= 80, w_bay = 10, w_mode = 9, w_model = COLS >= 100 ? 26 : COLS >= 60 ? 20 : 14;
    char line[256];
    tui_role_on(t, R_DIM);
    snprintf(line, sizeof line, " %-*s %-*s %-*s %s", w_bay, "BAY", w_mode, "MODE", w_model, "MODEL",
             wide ? "ECID              STATUS" : "STATUS");
    tui_put(top, 0, COLS, line);
    tui_role_off();
    if (b->ndev == 0 && rows > 2) {
        char why[200];
        app_usb_empty_reason(&t->con, why, sizeof why);
        int y = top + 2;
        y += put_wrapped(y, 2, COLS - 3, top + rows - y, "No device attached. Connect an iPhone or iPad with a data cable.");
        if (t->con.mux_error[0]) y += put_wrapped(y, 2, COLS - 3, top + rows - y, t->con.mux_error);
        put_wrapped(y, 2, COLS - 3, top + rows - y, why);
        return;
    }
    struct device *sel = tui_selected(t);
    int idx = 0, view = rows - 1;
    for (int i = 0; i < b->ndev; i++) if (b->dev[i] == sel) idx = i;
    /* Scroll only as far as the selection needs, and say what is out of view. */
    if (t->board_top > idx) t->board_top = idx;
    if (idx >= t->board_top + view) t->board_top = idx - view + 1;
    if (t->board_top > b->ndev - view) t->board_top = b->ndev > view ? b->ndev - view : 0;
    int start = t->board_top;
    board_marks(t, top, rows, start, b->ndev - start - view);
    for (int i = start, y = top + 1; i < b->ndev && y < top + rows; i++, y++) {
        struct device *d = b->dev[i];
        char ecid[17], status[96], age[16], sw[80];
        device_ecid_hex(d, ecid);
        duration_format(age, sizeof age, now_ms() - d->mode_since_ms);
        software_of(d, sw, sizeof sw);
        if (d->presence == PRESENCE_GONE) snprintf(status, sizeof status, "disconnected");
        else if (d->status[0] && d->progress >= 0 && COLS >= 90) {
            char bar[11];
            int filled = d->progress / 10;
            for (int k = 0; k < 10; k++) bar[k] = k < filled ? '#' : '-';
            bar[10] = 0;
            snprintf(status, sizeof status, "%s [%s]", d->status, bar);
        }
        else if (d->status[0]) snprintf(status, sizeof status, "%s", d->status);
        else if (d->ident_error[0]) snprintf(status, sizeof status, "! %s", d->ident_error);
        else snprintf(status, sizeof status, "%s%sfor %s", sw, sw[0] ? "  " : "", age);
        snprintf(line, sizeof line, "%c%-*.*s %-*s %-*.*s %s%s%s", d == sel ? '>' : ' ', w_bay, w_bay, device_label(d),
                 w_mode, mode_name(d->mode), w_model, w_model, device_short_name(d), wide ? (ecid[0] ? ecid : "-") : "",
                 wide ? (ecid[0] ? "  " : "                 ") : "", status);
        tui_role_on(t, d == sel ? R_SELECTED : d->presence == PRESENCE_GONE ? R_DIM : R_NORMAL);
        tui_put(y, 0, COLS, line);
        tui_role_off();
        if (d != sel && d->presence == PRESENCE_PRESENT && t->color) {
            tui_role_on(t, mode_role(d->mode));
            mvaddnstr(y, 2 + w_bay, mode_name(d->mode), w_mode);
            tui_role_off();
        }
    }
}

static void draw_detail(struct tui *t, const struct device *d, int y, int rows)
{
    char l[256], ecid[17];
    if (!d) { tui_put(y, 1, COLS - 1, "Select a device with the arrow keys."); return; }
    /* Every line wraps under its label; what does not fit scrolls. */
    tui_panel_begin(COLS);
    device_ecid_hex(d, ecid);
    snprintf(l, sizeof l, "%s - %s - %s - CPID %04X BDID %02X", device_display_name(d),
             d->model ? d->model->product_type : (d->product_type[0] ? d->product_type : "?"),
             d->model ? d->model->board : (d->hw_model[0] ? d->hw_model : "?"), d->cpid, d->bdid);
    tui_panel_text(R_NORMAL, 1, 3, l);
    /* A UDID is 25 or 40 characters: beside the ECID when the line holds
     * it, else on a line of its own, never cut. */
    int n = snprintf(l, sizeof l, "ECID %-17s Serial %-13s UDID %s", ecid[0] ? ecid : "-", d->serial[0] ? d->serial : "-",
                     d->udid[0] ? d->udid : "-");
    if (n > COLS - 1) {
        snprintf(l, sizeof l, "ECID %-17s Serial %s", ecid[0] ? ecid : "-", d->serial[0] ? d->serial : "-");
        tui_panel_text(R_NORMAL, 1, 6, l);
        snprintf(l, sizeof l, "UDID %s", d->udid[0] ? d->udid : "-");
    }
    tui_panel_text(R_NORMAL, 1, 6, l);
    char age[16], sw[80];
    duration_format(age, sizeof age, now_ms() - d->mode_since_ms);
    software_of(d, sw, sizeof sw);
    snprintf(l, sizeof l, "Port %s%s%s%s   In %s for %s   %s", d->port[0] ? d->port : "-", d->slot[0] ? " (" : "",
             d->slot, d->slot[0] ? ")" : "", mode_name(d->mode), age, sw);
    tui_panel_text(R_NORMAL, 1, 6, l);
    if (d->device_name[0]) { snprintf(l, sizeof l, "Name \"%s\"", d->device_name); tui_panel_text(R_NORMAL, 1, 6, l); }
    if (d->has_serial_info) {
        /* The serial string's flags, spelled out: what a technician checks
         * before a restore (fusing, secure boot, Image4, a pwned SecureROM). */
        const struct serial_info *sn = &d->sn;
        snprintf(l, sizeof l, "Flags   %s fused, %s, %s   CPRV %02X CPFM %02X SCEP %02X IBFL %02X%s%s",
                 serial_is_production(sn) ? "production" : "development", serial_is_secure(sn) ? "secure" : "insecure",
                 serial_is_image4(sn) ? "Image4" : "IMG3", sn->cprv, sn->cpfm, sn->scep, sn->ibfl,
                 sn->pwnd[0] ? "   PWND " : "", sn->pwnd);
        tui_panel_text(R_NORMAL, 1, 9, l);
    }
    char hex[2 * NONCE_MAX + 1];
    if (d->nonce.nonc_len) {
        hex_encode(hex, sizeof hex, d->nonce.nonc, d->nonce.nonc_len);
        snprintf(l, sizeof l, "ApNonce %s", hex);
        tui_panel_text(R_NORMAL, 1, 9, l);
    }
    if (d->nonce.snon_len) {
        hex_encode(hex, sizeof hex, d->nonce.snon, d->nonce.snon_len);
        snprintf(l, sizeof l, "SepNonce %s", hex);
        tui_panel_text(R_NORMAL, 1, 10, l);
    }
    int o = snprintf(l, sizeof l, "History ");
    for (int i = 0; i < d->nhistory && o < (int)sizeof l - 20; i++) {
        char ago[24];
        duration_ago(ago, sizeof ago, now_ms() - d->history[i].t_ms);
        o += snprintf(l + o, sizeof l - (size_t)o, "%s%s %s", i ? " > " : "", mode_name(d->history[i].mode), ago);
    }
    tui_panel_text(R_NORMAL, 1, 9, l);
    snprintf(l, sizeof l, "Last    %s", d->last_event);
    tui_panel_text(R_NORMAL, 1, 9, l);
    tui_panel_show(t, y, 0, rows, &t->panel_scroll, "PgUp/PgDn scroll");
}

/* The tabs, in order: a tab is a name, its key and how it draws. */
struct tui_tab { const char *name; int key; void (*draw)(struct tui *t, const struct device *d, int y, int rows); };

static const struct tui_tab tabs[TAB_COUNT] = {
    [TAB_DETAIL] = {"Detail", '1', draw_detail},
    [TAB_GUIDE] = {"Guide", 'g', tui_draw_guide},
    [TAB_FIRMWARE] = {"Firmware", 0, tui_draw_firmware},
    [TAB_IPSW] = {"IPSW", 0, tui_draw_ipsw},
    [TAB_LOG] = {"Log", 'l', tui_draw_log},
};

/* Below the smallest layout, a plain sentence instead of a garbled screen. */
static void draw_too_small(void)
{
    char l[128];
    snprintf(l, sizeof l, "Terminal too small (%dx%d): ibench needs at least %dx%d.", COLS, LINES, TUI_MIN_COLS, TUI_MIN_LINES);
    put_wrapped(0, 0, COLS, LINES, l);
}

static void draw_tab_bar(struct tui *t, int y)
{
    char bar[160];
    int o = 0;
    for (int i = 0; i < TAB_COUNT; i++)
        o += snprintf(bar + o, sizeof bar - (size_t)o, i == (int)t->tab ? "[%d %s] " : " %d %s  ", i + 1, tabs[i].name);
    if (o > COLS)   /* narrow: the open tab's name, the others' numbers */
        for (int i = o = 0; i < TAB_COUNT; i++)
            o += snprintf(bar + o, sizeof bar - (size_t)o, i == (int)t->tab ? "[%d %s]" : " %d ", i + 1, tabs[i].name);
    tui_put(y, 0, COLS, bar);
}

/* A new tab, device or guide starts at its top: before a key scrolls it,
 * and before it is drawn. */
static void sync_panel(struct tui *t)
{
    unsigned showing = (unsigned)t->tab | (unsigned)t->guide_action << 4 | (unsigned)t->show_preflight << 7 | t->selected << 8;
    if (showing != t->panel_for) { t->panel_for = showing; t->panel_scroll = 0; }
}

/* Top to bottom: the title, the board (as tall as its devices, at most
 * half the screen), a rule, the tab bar, the tab, and the bottom lines,
 * which grow to show a whole question. */
static void draw(struct tui *t)
{
    erase();
    if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
        draw_too_small();
        refresh();
        return;
    }
    struct device *d = tui_selected(t);
    int bottom = tui_bottom_measure(t, d, LINES - 6);
    draw_title(t);
    int ndev = t->con.bench.ndev, board_rows = (LINES - 4) / 2;
    if (ndev && ndev + 1 < board_rows) board_rows = ndev + 1;
    if (board_rows > LINES - 4 - bottom) board_rows = LINES - 4 - bottom;
    if (board_rows < 2) board_rows = 2;
    hline_at(t, 1 + board_rows);
    draw_board(t, 1, board_rows);
    int y = 2 + board_rows;
    draw_tab_bar(t, y++);
    int rows = LINES - bottom - y;
    sync_panel(t);
    t->panel_rows = rows;
    if (t->show_preflight) tui_draw_preflight(t, y, rows);
    else tabs[t->tab].draw(t, d, y, rows);
    tui_bottom_draw(t);
    if (t->help) tui_draw_help(t);
    refresh();
}

static void move_selection(struct tui *t, int delta)
{
    struct bench *b = &t->con.bench;
    if (!b->ndev) return;
    int idx = 0;
    for (int i = 0; i < b->ndev; i++) if (b->dev[i]->id == t->selected) idx = i;
    idx += delta;
    if (idx < 0) idx = 0;
    if (idx >= b->ndev) idx = b->ndev - 1;
    t->selected = b->dev[idx]->id;
}

static void on_op(void *ctx, const struct app_op *op)
{
    tui_op_ended(ctx, op);
}

static void on_key(struct tui *t, int ch)
{
    if (t->help) { if (!tui_help_key(t, ch)) t->help = 0; return; }
    if (tui_ask_key(t, ch)) return;
    t->message[0] = 0;
    if (tui_log_key(t, ch)) return;
    if (tui_restore_key(t, ch)) return;
    if (tui_firmware_key(t, ch)) return;
    if (tui_ipsw_key(t, ch)) return;
    if (tui_action_key(t, ch)) return;
    switch (ch) {
    case 'q': case 'Q': t->quit = 1; break;
    case '?': t->help = 1; t->help_scroll = 0; break;
    case KEY_PPAGE: case KEY_NPAGE: sync_panel(t); tui_panel_page(t, ch == KEY_PPAGE ? -1 : 1); break;
    case KEY_DOWN: case 'j': move_selection(t, 1); break;
    case KEY_UP: case 'k': move_selection(t, -1); break;
    case KEY_HOME: move_selection(t, -BENCH_MAX_DEVICES); break;
    case KEY_END: move_selection(t, BENCH_MAX_DEVICES); break;
    case '\t': t->tab = (t->tab + 1) % TAB_COUNT; break;
    case KEY_BTAB: t->tab = (t->tab + TAB_COUNT - 1) % TAB_COUNT; break;
    case '1': case '2': case '3': case '4': case '5': t->tab = (enum tab)(ch - '1'); break;
    case 'g': case 'l': for (int i = 0; i < TAB_COUNT; i++) if (tabs[i].key == ch) t->tab = (enum tab)i; break;
    case ']': t->guide_action = (t->guide_action + 1) % GUIDE_ACTIONS; t->tab = TAB_GUIDE; break;
    case '[': t->guide_action = (t->guide_action + GUIDE_ACTIONS - 1) % GUIDE_ACTIONS; t->tab = TAB_GUIDE; break;
    case 'd': {
        struct device *d = tui_selected(t);
        char why[300];
        if (verb_start(verb_get(VERB_DFU), &t->con, d, NULL, why, sizeof why) < 0) { tui_warn(t, "%s", why); break; }
        t->tab = TAB_GUIDE;
        t->guide_action = GUIDE_ENTER_DFU;
        break;
    }
    case KEY_RESIZE: break;
    case 27: t->show_preflight = 0; break;   /* Esc closes what is open; at the board it does nothing */
    default: snprintf(t->message, sizeof t->message, " Unknown key. Press ? for help."); break;
    }
}

static void on_tty(void *ctx, int fd, short revents)
{
    struct tui *t = ctx;
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) { t->quit = 1; loop_stop(t->con.loop, 0); return; }
    int ch;
    while ((ch = getch()) != ERR) { on_key(t, ch); t->dirty = 1; }
    /* getch() returns ERR both for "no key" and for a dead terminal; tell them apart. */
    char probe;
    if (read(fd, &probe, 0) < 0 && (errno == EIO || errno == EBADF)) t->quit = 1;
    if (t->quit) loop_stop(t->con.loop, 0);
}

static void on_signal(void *ctx, int signo)
{
    struct tui *t = ctx;
    if (signo == SIGWINCH) {
        endwin();
        refresh();
        t->dirty = 1;
        return;
    }
    t->quit = 1;
    loop_stop(t->con.loop, 0);
}

static void on_change(void *ctx, enum bench_note note, const struct device *d)
{
    struct tui *t = ctx;
    t->dirty = 1;
}

/* When the screen next changes by itself: a shown age moves (every second
 * for ten minutes, then by the minute), the title's minute turns, the
 * message goes. */
static int64_t next_tick_ms(struct tui *t, int64_t now)
{
    time_t wall = time(NULL);
    struct tm tm;
    localtime_r(&wall, &tm);
    int64_t next = (60 - tm.tm_sec) * 1000;
    for (int i = 0; i < t->con.bench.ndev; i++) {
        const struct device *d = t->con.bench.dev[i];
        if (d->presence == PRESENCE_PRESENT && duration_next_change(now - d->mode_since_ms) < next)
            next = duration_next_change(now - d->mode_since_ms);
    }
    const struct device *sel = tui_selected(t);
    for (int i = 0; sel && t->tab == TAB_DETAIL && i < sel->nhistory; i++)
        if (duration_next_change(now - sel->history[i].t_ms) < next) next = duration_next_change(now - sel->history[i].t_ms);
    const struct bench_log_line *l = bench_log_get(&t->con.bench, 0);
    const struct tui_said *said = tui_said_get(t, 0);
    if (t->tab == TAB_LOG && l && duration_next_change(now - l->t_ms) < next) next = duration_next_change(now - l->t_ms);
    if (t->tab == TAB_LOG && said && duration_next_change(now - said->t_ms) < next) next = duration_next_change(now - said->t_ms);
    int64_t msg = tui_messages_tick(t, now);
    if (msg >= 0 && msg < next) next = msg;
    return next > 0 ? next : 1;
}

static void on_clock(void *ctx)
{
    struct tui *t = ctx;
    t->dirty = 1; /* ages and the clock; ncurses sends only what changed */
}

static void on_redraw(void *ctx) { (void)ctx; /* the loop wakes; render_hook draws */ }

/* At most one frame per 100 ms: a burst of device events coalesces into one
 * redraw instead of flooding a slow SSH link. */
static void render_hook(void *ctx)
{
    struct tui *t = ctx;
    /* Any change to the bench (a note from a worker thread included) redraws. */
    if (t->con.bench.generation != t->drawn_generation) t->dirty = 1;
    if (!t->dirty || t->quit) return;
    int64_t now = now_ms(), since = now - t->last_draw_ms;
    if (since < 100) { loop_timer_arm(t->redraw, 100 - since); return; }
    tui_messages_tick(t, now);
    draw(t);
    t->dirty = 0;
    t->last_draw_ms = now;
    t->drawn_generation = t->con.bench.generation;
    loop_timer_arm(t->clock, next_tick_ms(t, now_ms()));
}

static void redirect_stderr(const struct config *c)
{
    char path[PATH_MAX + 16];
    mkdir(c->state_dir, 0755);
    snprintf(path, sizeof path, "%s/ibench.log", c->state_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) { dup2(fd, STDERR_FILENO); close(fd); }
}

int cmd_tui(struct config *c, int argc, char **argv)
{
    if (argc > 1) { fprintf(stderr, "usage: ibench [OPTIONS]\n"); return EXIT_USAGE; }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "ibench: the console needs a terminal; try `ibench list` or `ibench watch`\n");
        return EXIT_USAGE;
    }
    static struct tui t;
    t.cfg = c;
    t.con.on_change = on_change;
    t.con.on_change_ctx = &t;
    t.con.on_op = on_op;
    t.con.on_op_ctx = &t;
    int saved_err = dup(STDERR_FILENO);
    redirect_stderr(c);
    if (app_open(&t.con, c, APP_FOLLOW_JOBS | APP_PUMP_JOBS) < 0) { dup2(saved_err, STDERR_FILENO); fprintf(stderr, "ibench: cannot start\n"); return EXIT_FAIL; }
    t.jobs = t.con.jobs;
    initscr();
    set_escdelay(25);   /* Esc cancels at once; a key's escape sequence arrives whole well within this */
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    t.color = !c->no_color && has_colors();
    if (t.color) {
        start_color();
        use_default_colors();
        init_pair(R_TITLE, COLOR_CYAN, -1);
        init_pair(R_SELECTED, -1, -1);
        init_pair(R_DIM, -1, -1);
        init_pair(R_MODE_NORMAL, COLOR_GREEN, -1);
        init_pair(R_MODE_RECOVERY, COLOR_YELLOW, -1);
        init_pair(R_MODE_DFU, COLOR_MAGENTA, -1);
        init_pair(R_WARN, COLOR_RED, -1);
        init_pair(R_KEY, COLOR_CYAN, -1);
    }
    loop_watch_fd(t.con.loop, STDIN_FILENO, POLLIN, on_tty, &t);
    int sigs[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) loop_watch_signal(t.con.loop, sigs[i], on_signal, &t);
    t.clock = loop_timer_new(t.con.loop, on_clock, &t);
    t.redraw = loop_timer_new(t.con.loop, on_redraw, &t);
    loop_add_idle_hook(t.con.loop, render_hook, &t);
    t.dirty = 1;
    render_hook(&t);
    loop_run(t.con.loop);
    endwin();
    tui_firmware_done(&t);
    tui_ipsw_done();
    app_close(&t.con);
    dup2(saved_err, STDERR_FILENO);
    close(saved_err);
    return EXIT_OK;
}
