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
        tui_put(top + 2, 2, COLS - 2, "No device attached. Connect an iPhone or iPad with a data cable.");
        char why[200];
        app_usb_empty_reason(&t->con, why, sizeof why);
        if (t->con.mux_error[0]) tui_put(top + 3, 2, COLS - 2, t->con.mux_error);
        tui_put(top + 4, 2, COLS - 2, why);
        return;
    }
    struct device *sel = tui_selected(t);
    int start = 0, idx = 0;
    for (int i = 0; i < b->ndev; i++) if (b->dev[i] == sel) idx = i;
    if (idx >= rows - 1) start = idx - (rows - 2);
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
                 w_mode, mode_name(d->mode), w_model, w_model, device_display_name(d), wide ? (ecid[0] ? ecid : "-") : "",
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
    int end = y + rows;
    if (!d) { tui_put(y, 1, COLS - 1, "Select a device with the arrow keys."); return; }
    device_ecid_hex(d, ecid);
    snprintf(l, sizeof l, "%s - %s - %s - CPID %04X BDID %02X", device_display_name(d),
             d->model ? d->model->product_type : (d->product_type[0] ? d->product_type : "?"),
             d->model ? d->model->board : (d->hw_model[0] ? d->hw_model : "?"), d->cpid, d->bdid);
    if (y < end) tui_put(y++, 1, COLS - 1, l);
    snprintf(l, sizeof l, "ECID %-17s Serial %-13s UDID %s", ecid[0] ? ecid : "-", d->serial[0] ? d->serial : "-",
             d->udid[0] ? d->udid : "-");
    if (y < end) tui_put(y++, 1, COLS - 1, l);
    char age[16], sw[80];
    duration_format(age, sizeof age, now_ms() - d->mode_since_ms);
    software_of(d, sw, sizeof sw);
    snprintf(l, sizeof l, "Port %s%s%s%s   In %s for %s   %s", d->port[0] ? d->port : "-", d->slot[0] ? " (" : "",
             d->slot, d->slot[0] ? ")" : "", mode_name(d->mode), age, sw);
    if (y < end) tui_put(y++, 1, COLS - 1, l);
    if (d->device_name[0] && y < end) { snprintf(l, sizeof l, "Name \"%s\"", d->device_name); tui_put(y++, 1, COLS - 1, l); }
    if (d->has_serial_info && y < end) {
        /* The serial string's flags, spelled out: what a technician checks
         * before a restore (fusing, secure boot, Image4, a pwned SecureROM). */
        const struct serial_info *sn = &d->sn;
        snprintf(l, sizeof l, "Flags   %s fused, %s, %s   CPRV %02X CPFM %02X SCEP %02X IBFL %02X%s%s",
                 serial_is_production(sn) ? "production" : "development", serial_is_secure(sn) ? "secure" : "insecure",
                 serial_is_image4(sn) ? "Image4" : "IMG3", sn->cprv, sn->cpfm, sn->scep, sn->ibfl,
                 sn->pwnd[0] ? "   PWND " : "", sn->pwnd);
        tui_put(y++, 1, COLS - 1, l);
    }
    char hex[2 * NONCE_MAX + 1];
    if (d->nonce.nonc_len && y < end) {
        hex_encode(hex, sizeof hex, d->nonce.nonc, d->nonce.nonc_len);
        snprintf(l, sizeof l, "ApNonce %s", hex);
        tui_put(y++, 1, COLS - 1, l);
    }
    if (d->nonce.snon_len && y < end) {
        hex_encode(hex, sizeof hex, d->nonce.snon, d->nonce.snon_len);
        snprintf(l, sizeof l, "SepNonce %s", hex);
        tui_put(y++, 1, COLS - 1, l);
    }
    int o = snprintf(l, sizeof l, "History ");
    for (int i = 0; i < d->nhistory && o < (int)sizeof l - 20; i++) {
        char ago[24];
        duration_ago(ago, sizeof ago, now_ms() - d->history[i].t_ms);
        o += snprintf(l + o, sizeof l - (size_t)o, "%s%s %s", i ? " > " : "", mode_name(d->history[i].mode), ago);
    }
    if (y < end) tui_put(y++, 1, COLS - 1, l);
    snprintf(l, sizeof l, "Last    %s", d->last_event);
    if (y < end) tui_put(y++, 1, COLS - 1, l);
}

static void draw_guide(struct tui *t, const struct device *d, int y, int rows)
{
    int end = y + rows;
    if (!d || !d->model) { tui_put(y, 1, COLS - 1, "The guide needs a known model: select an identified device."); return; }
    struct guide g;
    if (guide_build(d->model, (enum guide_action)t->guide_action, t->cfg->dfu_hold_ms, &g) < 0) {
        tui_put(y, 1, COLS - 1, "No button guide for this kind of device.");
        return;
    }
    char l[256];
    const struct dfu_helper *h = app_dfu_for(&t->con, d->id);
    /* The helper's countdown and outcome replace the Enter DFU guide; other
     * guides stay reachable with [ and ] once it is over. */
    if (h && h->state != DFU_READY && (dfu_helper_active(h) || t->guide_action == GUIDE_ENTER_DFU)) {
        int64_t now = now_ms();
        snprintf(l, sizeof l, "DFU helper on %s: %s%s", h->port, dfu_helper_state_name(h->state),
                 dfu_helper_active(h) ? "   (c cancels)" : "   (d tries again)");
        tui_role_on(t, R_TITLE);
        if (y < end) tui_put(y++, 1, COLS - 1, l);
        tui_role_off();
        for (int i = 0; i < h->guide.nsteps && y < end; i++) {
            int cur = h->state == DFU_RUNNING && i == h->step;
            char left[24];
            duration_format(left, sizeof left, (dfu_helper_ms_left(h, now) + 999) / 1000 * 1000);
            if (cur) snprintf(l, sizeof l, "> NOW  %-56s %3s left", h->guide.steps[i].text, left);
            else snprintf(l, sizeof l, "  %s %s", h->state == DFU_RUNNING && i < h->step ? "done" : "    ", h->guide.steps[i].text);
            if (cur) tui_role_on(t, R_SELECTED);
            tui_put(y++, 1, COLS - 1, l);
            if (cur) tui_role_off();
        }
        if (h->state == DFU_WAITING && y < end) {
            char left[24];
            duration_format(left, sizeof left, (dfu_helper_ms_left(h, now) + 999) / 1000 * 1000);
            snprintf(l, sizeof l, "Keep holding; watching %s for %s more", h->port, left);
            tui_put(y++, 2, COLS - 2, l);
        }
        if (h->message[0] && y < end) {
            tui_role_on(t, h->state == DFU_SUCCESS ? R_MODE_NORMAL : R_WARN);
            tui_put(y++, 2, COLS - 2, h->message);
            tui_role_off();
        }
        return;
    }
    snprintf(l, sizeof l, "%s on %s (%s buttons)   [ / ] other guides", guide_action_title(g.action),
             device_display_name(d), scheme_key(g.scheme));
    tui_role_on(t, R_TITLE);
    if (y < end) tui_put(y++, 1, COLS - 1, l);
    tui_role_off();
    for (int i = 0; i < g.nsteps && y < end; i++) {
        char h[24];
        if (g.steps[i].hold_ms == GUIDE_UNTIL) snprintf(h, sizeof h, "until it shows");
        else if (g.steps[i].hold_ms == 0) snprintf(h, sizeof h, "press");
        else duration_format(h, sizeof h, g.steps[i].hold_ms / 1000 * 1000);
        snprintf(l, sizeof l, "%d. %-58s %s", i + 1, g.steps[i].text, h);
        tui_put(y++, 2, COLS - 2, l);
    }
    if (y < end) tui_put(y++, 2, COLS - 2, g.outcome);
    if (y < end) tui_put(y++, 2, COLS - 2, g.note);
}

static void draw_help(struct tui *t)
{
    /* Moving around, then every verb from the table (the same words as
     * `ibench --help`), then the keys of the tabs and prompts. */
    static const char *const head[] = {
        "ibench keys", "",
        "  Up/Down, j/k    select a device",
        "  Tab, 1-5        Detail, Guide, Firmware, IPSW, Log; g guide, l log",
        "  [ ]             previous/next guide (Recovery, exit, DFU, exit DFU)",
    };
    static const char *const tail[] = {
        "  PgUp/PgDn, /    scroll and search the restore log (Log tab)",
        "  v, m (Log tab)  the engine's raw lines; events and messages said",
        "  F, [ ] (Fw tab) refresh the catalog, choose a build; f fetches it",
        "  Prompts         Backspace, Ctrl-U clears, Ctrl-W drops a word, Esc cancels",
        "  ?               this help",
        "  q               quit", "",
        "Headless twins: ibench recovery, reboot, cmd, send, dfu, restore, fw, ipsw.",
        "Press any key.",
    };
    char lines[40][160];
    int n = 0;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) snprintf(lines[n++], sizeof lines[0], "%s", head[i]);
    for (int i = 0; i < VERB_COUNT && n < 30; i++) {
        const struct verb *v = verb_get((enum verb_id)i);
        if (v->key) snprintf(lines[n++], sizeof lines[0], "  %-15c %s", v->key, v->summary);
    }
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++) snprintf(lines[n++], sizeof lines[0], "%s", tail[i]);
    int w = 4;
    for (int i = 0; i < n; i++) if ((int)strlen(lines[i]) + 2 > w) w = (int)strlen(lines[i]) + 2;
    int h = n + 2;
    if (w > COLS) w = COLS;
    if (h > LINES) h = LINES;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    for (int i = 0; i < h; i++) {
        tui_role_on(t, i == 1 ? R_TITLE : R_NORMAL);
        tui_put(y0 + i, x0, w, i >= 1 && i - 1 < n ? lines[i - 1] : "");
        tui_role_off();
    }
}

/* The tabs, in order: a tab is a name, its key and how it draws. */
struct tui_tab { const char *name; int key; void (*draw)(struct tui *t, const struct device *d, int y, int rows); };

static const struct tui_tab tabs[TAB_COUNT] = {
    [TAB_DETAIL] = {"Detail", '1', draw_detail},
    [TAB_GUIDE] = {"Guide", 'g', draw_guide},
    [TAB_FIRMWARE] = {"Firmware", 0, tui_draw_firmware},
    [TAB_IPSW] = {"IPSW", 0, tui_draw_ipsw},
    [TAB_LOG] = {"Log", 'l', tui_draw_log},
};

static void draw(struct tui *t)
{
    erase();
    if (LINES < 5 || COLS < 20) {
        tui_put(0, 0, COLS, "ibench: terminal too small");
        refresh();
        return;
    }
    draw_title(t);
    int board_rows = (LINES - 4) / 2;
    if (board_rows < 2) board_rows = 2;
    draw_board(t, 1, board_rows);
    int y = 1 + board_rows;
    hline_at(t, y++);
    char bar[128];
    int o = 0;
    for (int i = 0; i < TAB_COUNT; i++)
        o += snprintf(bar + o, sizeof bar - (size_t)o, i == (int)t->tab ? "[%d %s] " : " %d %s  ", i + 1, tabs[i].name);
    tui_put(y++, 0, COLS, bar);
    int rows = LINES - 1 - y;
    struct device *d = tui_selected(t);
    if (t->show_preflight) tui_draw_preflight(t, y, rows);
    else tabs[t->tab].draw(t, d, y, rows);
    if (t->ask.active) {
        char q[600];
        snprintf(q, sizeof q, "%s%s", t->question, t->ask.prompting ? t->input : "");
        tui_role_on(t, R_WARN);
        tui_put(LINES - 1, 0, COLS, q);
        tui_role_off();
    } else {
        char hints[160];
        tui_action_hints(t, d, hints, sizeof hints);
        tui_role_on(t, R_KEY);
        tui_put(LINES - 1, 0, COLS, t->message[0] ? t->message : hints);
        tui_role_off();
    }
    if (t->help) draw_help(t);
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
    if (t->help) { t->help = 0; return; }
    if (tui_ask_key(t, ch)) return;
    t->message[0] = 0;
    if (tui_log_key(t, ch)) return;
    if (tui_restore_key(t, ch)) return;
    if (tui_firmware_key(t, ch)) return;
    if (tui_action_key(t, ch)) return;
    switch (ch) {
    case 'q': case 'Q': t->quit = 1; break;
    case '?': t->help = 1; break;
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
