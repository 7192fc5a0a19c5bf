/* The open IPSW document (see ipsw_doc.h): a read on the pool whose result
 * the loop makes the runtime's document, and its verification the same way;
 * the blocking read and verification the command line shares; extraction. */
#include "ipsw_doc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsw_archive.h"
#include "ipsw_extract.h"
#include "ipsw_intact.h"
#include "pool.h"

struct ipsw_doc_rt {
    struct ipsw_doc *doc;           /* the open document, NULL none */
    atomic_uint seq;                /* which read the document waits for (a verification of another stops) */
};

struct ipsw_doc *ipsw_doc_read(const struct config *c, const char *source)
{
    struct ipsw_doc *d = calloc(1, sizeof *d);
    struct ipsw_transfer *xfer = calloc(1, sizeof *xfer);
    if (d) d->m = calloc(1, sizeof *d->m);
    if (!d || !xfer || !d->m) { ipsw_doc_free(d); free(xfer); return NULL; }
    snprintf(d->source, sizeof d->source, "%s", source);
    d->remote = ipsw_is_url(source);
    if (ipsw_read(source, d->m, &d->missing, d->remote ? xfer : NULL, d->err, sizeof d->err) == 0) {
        d->state = IPSW_DOC_READY;
        enum ipsw_intact_how how = d->remote ? IPSW_INTACT_UNKNOWN : ipsw_intact_known(c, source);
        d->check = how != IPSW_INTACT_UNKNOWN ? IPSW_CHECK_INTACT : IPSW_CHECK_DIRECTORY;
        d->by_catalog = how == IPSW_INTACT_CATALOG;
    } else {
        d->state = IPSW_DOC_FAILED;
        free(d->m);
        d->m = NULL;
        d->network = d->remote && xfer->failed;
        if (d->network) snprintf(d->net_err, sizeof d->net_err, "%s", xfer->err);
    }
    d->transferred = xfer->bytes;
    d->requests = xfer->requests;
    free(xfer);
    return d;
}

/* Where a verification's result lands in a document. */
static void verdict(struct ipsw_doc *d, int rc, const char *err)
{
    d->check = rc == IPSW_VERIFY_INTACT ? IPSW_CHECK_INTACT : rc == IPSW_VERIFY_DAMAGED ? IPSW_CHECK_DAMAGED : IPSW_CHECK_DIRECTORY;
    d->by_catalog = 0;
    snprintf(d->check_err, sizeof d->check_err, "%s", rc == IPSW_VERIFY_INTACT ? "" : err);
}

int ipsw_doc_verify(struct ipsw_doc *d, void (*progress)(long long done, long long total, void *user), void *user)
{
    char err[400];
    if (d->state != IPSW_DOC_READY || d->remote) {
        snprintf(d->check_err, sizeof d->check_err, "only a local file's CRCs can be checked: download it first");
        return -1;
    }
    int rc = ipsw_intact_verify(d->source, progress, NULL, user, err, sizeof err);
    verdict(d, rc, err);
    return rc == IPSW_VERIFY_INTACT ? 0 : -1;
}

void ipsw_doc_free(struct ipsw_doc *d)
{
    if (!d) return;
    free(d->m);
    free(d);
}

static void doc_close(struct app *a)
{
    struct ipsw_doc_rt *rt = a->ipsw;
    if (!rt) return;
    ipsw_doc_free(rt->doc);
    free(rt);
    a->ipsw = NULL;
}

struct read_task { struct app *a; unsigned seq; char source[256]; struct ipsw_doc *doc; struct bench_ev note; };

/* On the loop: the read is done; it becomes the open document unless another
 * open came since. The note in the event log comes with it (and redraws a
 * console). */
static void read_done(struct app *a, void *arg)
{
    struct read_task *t = arg;
    struct ipsw_doc_rt *rt = a->ipsw;
    bench_apply(&a->bench, &t->note);
    if (rt && rt->seq == t->seq) {
        ipsw_doc_free(rt->doc);
        rt->doc = t->doc;
        t->doc = NULL;
    }
    ipsw_doc_free(t->doc);
    free(t);
}

/* On the pool. */
static void read_main(void *arg)
{
    struct read_task *t = arg;
    t->doc = ipsw_doc_read(t->a->cfg, t->source);
    if (!t->doc && (t->doc = calloc(1, sizeof *t->doc))) {
        t->doc->state = IPSW_DOC_FAILED;
        snprintf(t->doc->source, sizeof t->doc->source, "%s", t->source);
        snprintf(t->doc->err, sizeof t->doc->err, "out of memory");
    }
    t->note = (struct bench_ev){.type = BEV_NOTE, .now_ms = now_ms()};
    snprintf(t->note.text, sizeof t->note.text, "IPSW %.60s: %s", t->source,
             t->doc && t->doc->state == IPSW_DOC_READY ? "read" : t->doc ? t->doc->err : "out of memory");
    if (app_post_call(t->a, read_done, t) < 0) { ipsw_doc_free(t->doc); free(t); }
}

int ipsw_doc_open(struct app *a, const char *source, char *err, size_t n)
{
    struct ipsw_doc_rt *rt = a->ipsw;
    if (!rt) {
        if (!(rt = calloc(1, sizeof *rt)) || app_on_close(a, doc_close) < 0) {
            free(rt);
            snprintf(err, n, "out of memory");
            return -1;
        }
        a->ipsw = rt;
    }
    if (rt->doc && rt->doc->state == IPSW_DOC_READING) { snprintf(err, n, "Still reading the last IPSW."); return -1; }
    struct ipsw_doc *doc = calloc(1, sizeof *doc);
    struct read_task *t = calloc(1, sizeof *t);
    if (!doc || !t) { free(doc); free(t); snprintf(err, n, "out of memory"); return -1; }
    doc->state = IPSW_DOC_READING;
    snprintf(doc->source, sizeof doc->source, "%s", source);
    doc->remote = ipsw_is_url(source);
    ipsw_doc_free(rt->doc);
    rt->doc = doc;
    *t = (struct read_task){.a = a, .seq = atomic_fetch_add(&rt->seq, 1) + 1};
    snprintf(t->source, sizeof t->source, "%s", source);
    if (app_background(a, read_main, t) < 0) {
        doc->state = IPSW_DOC_FAILED;
        snprintf(doc->err, sizeof doc->err, "cannot start a worker");
        snprintf(err, n, "cannot start a worker");
        return -1;
    }
    return 0;
}

/* Verification on the pool: progress and the verdict come back to the loop
 * for the document of read seq, if it is still the open one. */
struct verify_task { struct app *a; unsigned seq; char source[256]; long long done, total; int rc, last_pct; char err[400]; };

static struct ipsw_doc *open_doc(struct app *a, unsigned seq)
{
    struct ipsw_doc_rt *rt = a->ipsw;
    return rt && atomic_load(&rt->seq) == seq && rt->doc && rt->doc->state == IPSW_DOC_READY ? rt->doc : NULL;
}

static void verify_moved(struct app *a, void *arg)
{
    struct verify_task *v = arg;
    struct ipsw_doc *d = open_doc(a, v->seq);
    if (d && d->check == IPSW_CHECK_VERIFYING) {
        d->vdone = v->done;
        d->vtotal = v->total;
        a->bench.generation++;          /* redraw */
    }
    free(v);
}

static void verify_step(long long done, long long total, void *user)
{
    struct verify_task *t = user;
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    struct verify_task *v = pct != t->last_pct ? malloc(sizeof *v) : NULL;
    if (!v) return;
    t->last_pct = pct;
    *v = (struct verify_task){.seq = t->seq, .done = done, .total = total};
    if (app_post_call(t->a, verify_moved, v) < 0) free(v);
}

static int verify_stop(void *user)
{
    struct verify_task *t = user;
    return atomic_load(&t->a->ipsw->seq) != t->seq || pool_stopping(t->a->pool);
}

static void verify_done(struct app *a, void *arg)
{
    struct verify_task *t = arg;
    struct ipsw_doc *d = open_doc(a, t->seq);
    if (d && t->rc != IPSW_VERIFY_STOPPED) {
        verdict(d, t->rc, t->err);
        struct bench_ev note = {.type = BEV_NOTE, .now_ms = now_ms()};
        snprintf(note.text, sizeof note.text, "IPSW %.60s: %s", d->source,
                 d->check == IPSW_CHECK_INTACT ? "every CRC checked: intact" : t->err);
        bench_apply(&a->bench, &note);
    }
    free(t);
}

static void verify_main(void *arg)
{
    struct verify_task *t = arg;
    t->rc = ipsw_intact_verify(t->source, verify_step, verify_stop, t, t->err, sizeof t->err);
    if (app_post_call(t->a, verify_done, t) < 0) free(t);
}

int ipsw_doc_verify_start(struct app *a, char *err, size_t n)
{
    struct ipsw_doc *d = a->ipsw ? a->ipsw->doc : NULL;
    if (!d || d->state != IPSW_DOC_READY) { snprintf(err, n, "Open an IPSW first (i)."); return -1; }
    if (d->remote) { snprintf(err, n, "Only a local file's CRCs can be checked: download it first."); return -1; }
    if (d->check == IPSW_CHECK_VERIFYING) { snprintf(err, n, "Already verifying."); return -1; }
    if (d->check == IPSW_CHECK_INTACT && !d->by_catalog) { snprintf(err, n, "Every CRC is already checked."); return -1; }
    struct verify_task *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, n, "out of memory"); return -1; }
    *t = (struct verify_task){.a = a, .seq = atomic_load(&a->ipsw->seq), .last_pct = -1};
    snprintf(t->source, sizeof t->source, "%s", d->source);
    if (app_background(a, verify_main, t) < 0) { snprintf(err, n, "cannot start a worker"); return -1; }
    d->check = IPSW_CHECK_VERIFYING;
    d->vdone = d->vtotal = 0;
    return 0;
}

const struct ipsw_doc *ipsw_doc_current(const struct app *a)
{
    return a->ipsw ? a->ipsw->doc : NULL;
}

int ipsw_doc_verb_open(struct app *a, const struct device *d, const char *arg, char *err, size_t n)
{
    if (!arg || !arg[0]) { snprintf(err, n, "name an IPSW file or URL"); return -1; }
    return ipsw_doc_open(a, arg, err, n) < 0 ? -1 : 0;
}

int ipsw_doc_extract(const struct ipsw_extract_opts *o, struct ipsw_extract_result *r)
{
    return ipsw_extract_run(o, r);
}
