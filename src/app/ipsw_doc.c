/* The open IPSW document (see ipsw_doc.h): a read on the pool whose result
 * the loop makes the runtime's document; the blocking read the command line
 * shares; extraction. */
#include "ipsw_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsw_archive.h"
#include "ipsw_extract.h"

struct ipsw_doc_rt {
    struct ipsw_doc *doc;           /* the open document, NULL none */
    unsigned seq;                   /* which read the document waits for */
};

struct ipsw_doc *ipsw_doc_read(const char *source)
{
    struct ipsw_doc *d = calloc(1, sizeof *d);
    struct ipsw_transfer *xfer = calloc(1, sizeof *xfer);
    if (d) d->m = calloc(1, sizeof *d->m);
    if (!d || !xfer || !d->m) { ipsw_doc_free(d); free(xfer); return NULL; }
    snprintf(d->source, sizeof d->source, "%s", source);
    d->remote = ipsw_is_url(source);
    if (ipsw_read(source, d->m, &d->missing, d->remote ? xfer : NULL, d->err, sizeof d->err) == 0) {
        d->state = IPSW_DOC_READY;
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
    t->doc = ipsw_doc_read(t->source);
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
    *t = (struct read_task){.a = a, .seq = ++rt->seq};
    snprintf(t->source, sizeof t->source, "%s", source);
    if (app_background(a, read_main, t) < 0) {
        doc->state = IPSW_DOC_FAILED;
        snprintf(doc->err, sizeof doc->err, "cannot start a worker");
        snprintf(err, n, "cannot start a worker");
        return -1;
    }
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
