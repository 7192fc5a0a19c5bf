/* The console's IPSW tab: i opens an IPSW (a file, or an http(s) URL read with
 * Range requests) on a worker thread and the tab shows its version, the
 * product types it is for, whether the archive is complete, and each build
 * identity with a mark where it fits the selected device. */
#include <curses.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsw.h"
#include "tui.h"


struct ipsw_view {
    pthread_mutex_t lock;
    int loading, closing;
    char source[256], err[400];
    struct ipsw_manifest *m;        /* NULL until read */
    int missing;
    long long transferred;
};

static struct ipsw_view V = {.lock = PTHREAD_MUTEX_INITIALIZER};

struct load { struct app *con; char source[256]; };

static void load_main(void *arg)
{
    struct load *l = arg;
    struct ipsw_manifest *m = calloc(1, sizeof *m);
    static struct ipsw_transfer xfer;
    memset(&xfer, 0, sizeof xfer);
    char err[400] = "out of memory";
    int missing = 0;
    int ok = m && ipsw_read(l->source, m, &missing, ipsw_is_url(l->source) ? &xfer : NULL, err, sizeof err) == 0;
    struct bench_ev ev = {.type = BEV_NOTE, .now_ms = now_ms()};
    snprintf(ev.text, sizeof ev.text, "IPSW %.60s: %s", l->source, ok ? "read" : err);
    pthread_mutex_lock(&V.lock);
    if (!strcmp(V.source, l->source)) {
        free(V.m);
        V.m = ok ? m : NULL;
        if (ok) m = NULL;
        V.missing = missing;
        V.transferred = xfer.bytes;
        snprintf(V.err, sizeof V.err, "%s", ok ? "" : err);
    }
    if (!V.closing) app_post(l->con, &ev);   /* wakes the loop: the tab redraws */
    V.loading = 0;
    pthread_mutex_unlock(&V.lock);
    free(m);
    free(l);
    return;
}

void tui_ipsw_open(struct tui *t, const char *source)
{
    pthread_mutex_lock(&V.lock);
    if (V.loading) { pthread_mutex_unlock(&V.lock); snprintf(t->message, sizeof t->message, " Still reading the last IPSW."); return; }
    snprintf(V.source, sizeof V.source, "%s", source);
    free(V.m);
    V.m = NULL;
    V.err[0] = 0;
    struct load *l = calloc(1, sizeof *l);
    if (l) {
        l->con = &t->con;
        snprintf(l->source, sizeof l->source, "%s", source);
        V.loading = 1;
        if (app_background(&t->con, load_main, l) < 0) V.loading = 0;
    }
    pthread_mutex_unlock(&V.lock);
    t->tab = TAB_IPSW;
    t->dirty = 1;
}

void tui_draw_ipsw(struct tui *t, const struct device *d, int y, int rows)
{
    char l[400];
    int end = y + rows;
    pthread_mutex_lock(&V.lock);
    if (!V.source[0]) {
        tui_put(y, 1, COLS - 1, "i opens an IPSW (a file or an http(s) URL) and shows what it holds and whether it fits.");
    } else if (V.loading) {
        snprintf(l, sizeof l, "Reading %s ...", V.source);
        tui_put(y, 1, COLS - 1, l);
    } else if (!V.m) {
        snprintf(l, sizeof l, "%s: %s", V.source, V.err);
        tui_role_on(t, R_WARN);
        tui_put(y, 1, COLS - 1, l);
        tui_role_off();
    } else {
        const struct ipsw_manifest *m = V.m;
        int o = snprintf(l, sizeof l, "iOS %s (%s) for", m->version, m->build);
        for (int i = 0; i < m->nproducts && o < (int)sizeof l - 40; i++) o += snprintf(l + o, sizeof l - (size_t)o, "%s %s", i ? "," : "", m->products[i]);
        tui_role_on(t, R_TITLE);
        tui_put(y++, 1, COLS - 1, l);
        tui_role_off();
        if (V.missing) snprintf(l, sizeof l, "Archive INCOMPLETE: %d component(s) named by the manifest are missing", V.missing);
        else if (V.transferred) snprintf(l, sizeof l, "Archive complete (remote: %lld bytes read)", V.transferred);
        else snprintf(l, sizeof l, "Archive complete and intact");
        if (V.missing) tui_role_on(t, R_WARN);
        if (y < end) tui_put(y++, 1, COLS - 1, l);
        tui_role_off();
        int fits[IPSW_MAX_IDENTITIES] = {0}, nfit = -1;
        char why[400] = "";
        const char *product = d && d->model ? d->model->product_type : d ? d->product_type : "";
        if (product[0]) nfit = ipsw_match(m, product, d->cpid, d->bdid, fits, why, sizeof why);
        if (nfit == 0 && y < end) {
            tui_role_on(t, R_WARN);
            snprintf(l, sizeof l, "Does not fit %s: %s", device_label(d), why);
            tui_put(y++, 1, COLS - 1, l);
            tui_role_off();
        } else if (nfit > 0 && y < end) {
            snprintf(l, sizeof l, "%d identit%s fit %s (marked *); r restores with this file", nfit, nfit == 1 ? "y" : "ies", device_label(d));
            tui_put(y++, 1, COLS - 1, l);
        }
        for (int i = 0; i < m->nidentities && y < end; i++) {
            const struct ipsw_identity *id = &m->identities[i];
            snprintf(l, sizeof l, "%c %-7s %-8s ApChipID 0x%04X ApBoardID 0x%02X  %d components", fits[i] ? '*' : ' ', id->behavior,
                     id->board, id->chip_id, id->board_id, id->ncomponents);
            tui_put(y++, 2, COLS - 2, l);
        }
    }
    pthread_mutex_unlock(&V.lock);
}

const char *tui_ipsw_source(void) { return V.m ? V.source : ""; }

void tui_ipsw_done(void)
{
    pthread_mutex_lock(&V.lock);
    V.closing = 1;
    for (int i = 0; i < 50 && V.loading; i++) {
        pthread_mutex_unlock(&V.lock);
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&V.lock);
    }
    free(V.m);
    V.m = NULL;
    pthread_mutex_unlock(&V.lock);
}
