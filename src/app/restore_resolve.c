/* Resolving what the technician typed (see restore.h): a file, an http(s)
 * URL, a build or "latest" becomes a local, verifiable IPSW (or a firmware
 * to download into the cache first), then the preflight runs on it. Runs on
 * a worker thread: every call here may block (engine probe, catalog,
 * Range requests, archive reads). */
#include "restore.h"
#include "restore_resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "engine.h"
#include "ipsw.h"

static int is_build(const char *s)
{
    size_t n = strlen(s);
    int letter = 0;
    if (n < 4 || n > 12 || s[0] < '0' || s[0] > '9') return 0;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')) letter = 1;
        else if (s[i] < '0' || s[i] > '9') return 0;
    }
    return letter;
}

/* A build, "latest" or a URL's build: the cached IPSW, or the firmware to
 * download. 0 with t->ipsw, 1 with t->fw, -1 with t->message. */
static int resolve_build(struct restore_resolution *t, const char *product, const char *build, const char *url)
{
    char err[300];
    struct catalog *cat = calloc(1, sizeof *cat);
    if (!cat) { snprintf(t->message, sizeof t->message, "out of memory"); return -1; }
    int fresh = t->flags & RESTORE_FRESH_CATALOG;
    if ((fresh ? catalog_load(t->cfg, product, cat, err, sizeof err) : catalog_load_cached(t->cfg, product, cat, err, sizeof err)) < 0) {
        snprintf(t->message, sizeof t->message, "no firmware catalog for %s (%s): give an IPSW file, or fetch the catalog "
                 "first (`ibench fw list %s`)", product, err, product);
        free(cat);
        return -1;
    }
    int idx = -1;
    for (int i = 0; i < cat->n; i++) {
        const struct firmware *f = &cat->fw[i];
        if (!build) { if (f->is_signed && (idx < 0 || strcmp(f->released, cat->fw[idx].released) > 0)) idx = i; }
        else if (!strcmp(f->build, build) || (!url && !strcmp(f->version, build))) idx = i;
    }
    if (idx < 0) {
        if (url) snprintf(t->message, sizeof t->message, "%s holds build %s, which the catalog for %s does not list: ibench "
                          "restores only an IPSW it can verify; download it and give the file", url, build, product);
        else if (build) snprintf(t->message, sizeof t->message, "no build %s for %s in the catalog", build, product);
        else snprintf(t->message, sizeof t->message, "no signed build for %s in the catalog", product);
        free(cat);
        return -1;
    }
    t->fw = cat->fw[idx];
    free(cat);
    catalog_cache_path(t->cfg, &t->fw, t->ipsw, sizeof t->ipsw);
    if (access(t->ipsw, R_OK) == 0) return 0;
    snprintf(t->message, sizeof t->message, "%s %s (%s) is not in the cache: downloading %.1f GB first", product, t->fw.version,
             t->fw.build, (double)t->fw.size / 1e9);
    return 1;
}

void restore_resolve(struct restore_resolution *t)
{
    const struct device *d = &t->facts.dev;
    const char *product = d->model ? d->model->product_type : d->product_type;
    char err[400];
    if (!t->known_engine) t->have_engine = engine_detect(t->cfg, &t->engine, err, sizeof err) == 0;
    if (ipsw_is_url(t->source)) {
        /* Read the remote manifest (Range requests, bounded by curl's
         * timeouts) for its build; the job then reads the verified copy. */
        struct ipsw_manifest *m = calloc(1, sizeof *m);
        int missing = 0;
        if (!m || ipsw_read(t->source, m, &missing, NULL, err, sizeof err) < 0) {
            snprintf(t->message, sizeof t->message, "cannot read %s: %s", t->source, m ? err : "out of memory");
            free(m);
            t->outcome = -1;
            return;
        }
        char build[32];
        snprintf(build, sizeof build, "%s", m->build);
        free(m);
        t->outcome = resolve_build(t, product, build, t->source);
    } else if (!strcmp(t->source, "latest")) {
        t->outcome = resolve_build(t, product, NULL, NULL);
    } else if (is_build(t->source) && access(t->source, F_OK) != 0) {
        t->outcome = resolve_build(t, product, t->source, NULL);
    } else {
        snprintf(t->ipsw, sizeof t->ipsw, "%s", t->source);
        t->outcome = 0;
    }
    if (t->outcome == 0)
        restore_preflight(t->cfg, &t->facts, t->ipsw, t->erase, &t->engine, t->have_engine,
                          !(t->flags & RESTORE_FRESH_CATALOG), &t->pf);
}

