/* The console's IPSW tab: i opens an IPSW (a file, or an http(s) URL read with
 * Range requests) through the runtime, which reads it on the pool and keeps
 * it (ipsw_doc.h); the tab shows its version, the product types it is for,
 * whether the archive is complete and how far it is known intact (v reads
 * every entry's CRC on the pool), and each build identity with a mark where
 * it fits the selected device. Drawing reads memory only. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ipsw_doc.h"
#include "tui.h"

/* The runtime whose document tui_ipsw_source() names (set by the first
 * open; tui_restore.c asks without a tui at hand). */
static const struct app *shown;

void tui_ipsw_open(struct tui *t, const char *source)
{
    char err[200];
    shown = &t->con;
    if (ipsw_doc_open(&t->con, source, err, sizeof err) < 0) { snprintf(t->message, sizeof t->message, " %s", err); return; }
    t->tab = TAB_IPSW;
    t->dirty = 1;
}

void tui_draw_ipsw(struct tui *t, const struct device *d, int y, int rows)
{
    char l[400];
    int end = y + rows;
    const struct ipsw_doc *doc = ipsw_doc_current(&t->con);
    if (!doc) {
        tui_put(y, 1, COLS - 1, "i opens an IPSW (a file or an http(s) URL) and shows what it holds and whether it fits.");
    } else if (doc->state == IPSW_DOC_READING) {
        snprintf(l, sizeof l, "Reading %s ...", doc->source);
        tui_put(y, 1, COLS - 1, l);
    } else if (doc->state == IPSW_DOC_FAILED) {
        snprintf(l, sizeof l, "%s: %s", doc->source, doc->err);
        tui_role_on(t, R_WARN);
        tui_put(y, 1, COLS - 1, l);
        tui_role_off();
    } else {
        const struct ipsw_manifest *m = doc->m;
        int o = snprintf(l, sizeof l, "iOS %s (%s) for", m->version, m->build);
        for (int i = 0; i < m->nproducts && o < (int)sizeof l - 40; i++) o += snprintf(l + o, sizeof l - (size_t)o, "%s %s", i ? "," : "", m->products[i]);
        tui_role_on(t, R_TITLE);
        tui_put(y++, 1, COLS - 1, l);
        tui_role_off();
        int warn = doc->missing || doc->check == IPSW_CHECK_DAMAGED;
        if (doc->missing) snprintf(l, sizeof l, "Archive INCOMPLETE: %d component(s) named by the manifest are missing", doc->missing);
        else if (doc->remote) snprintf(l, sizeof l, "Archive complete; directory consistent, CRCs not checked (remote: %lld bytes read)",
                                       doc->transferred);
        else if (doc->check == IPSW_CHECK_INTACT)
            snprintf(l, sizeof l, "Archive complete and intact (%s)", doc->by_catalog ? "checksum matched the catalog at download" : "every CRC checked");
        else if (doc->check == IPSW_CHECK_VERIFYING)
            snprintf(l, sizeof l, "Archive complete; verifying every CRC: %d%% of %.1f MB", doc->vtotal > 0 ? (int)(doc->vdone * 100 / doc->vtotal) : 0,
                     doc->vtotal / 1e6);
        else if (doc->check == IPSW_CHECK_DAMAGED) {
            size_t n = strlen(doc->source);   /* the reason names the file first: the title says which */
            const char *why = !strncmp(doc->check_err, doc->source, n) && !strncmp(doc->check_err + n, ": ", 2) ? doc->check_err + n + 2 : doc->check_err;
            snprintf(l, sizeof l, "Archive DAMAGED: %s", why);
        }
        else snprintf(l, sizeof l, "Archive complete; directory consistent, CRCs not checked: v verifies");
        if (warn) tui_role_on(t, R_WARN);
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
}

int tui_ipsw_key(struct tui *t, int ch)
{
    char err[200];
    if (t->ask.active || t->tab != TAB_IPSW || ch != 'v') return 0;
    if (ipsw_doc_verify_start(&t->con, err, sizeof err) < 0) snprintf(t->message, sizeof t->message, " %s", err);
    return 1;
}

const char *tui_ipsw_source(void)
{
    const struct ipsw_doc *doc = shown ? ipsw_doc_current(shown) : NULL;
    return doc && doc->state == IPSW_DOC_READY ? doc->source : "";
}

/* The runtime frees the document (app_close). */
void tui_ipsw_done(void) { shown = NULL; }
