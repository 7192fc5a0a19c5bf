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
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "engine.h"
#include "fw_cache.h"
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

/* What the technician is told of the catalog when it was not fresh from the
 * server: why, and how old the copy is, or that none was ever fetched. */
static void catalog_words(const struct config *c, const char *product, const struct catalog *cat, int loaded,
                          const char *err, char *out, size_t n)
{
    time_t when;
    char day[32] = "";
    int have = catalog_cached_at(c, product, &when) == 0;
    if (have) {
        struct tm tm;
        localtime_r(&when, &tm);
        strftime(day, sizeof day, "%Y-%m-%d %H:%M", &tm);
    }
    long long age_h = have ? (long long)(time(NULL) - when) / 3600 : 0;
    if (loaded)
        snprintf(out, n, "%s%s%susing the catalog copy from %s (%lld h old%s)", cat->note[0] ? "catalog " : "",
                 cat->note, cat->note[0] ? "; " : "", day, age_h, cat->stale ? ", stale" : "");
    else if (have)
        snprintf(out, n, "%s; the copy from %s is %lld h old", err, day, age_h);
    else
        snprintf(out, n, "%s", err);   /* it says none was ever fetched */
}

/* Offline: the complete IPSWs of a product in the cache, known by their file
 * names. With build, its path (0) or -1; without, -1 and the builds listed. */
static int cached_build(const struct config *c, const char *product, const char *build, char *path, size_t n,
                        char *list, size_t ln)
{
    struct fw_cache_list l;
    char err[300];
    int found = -1;
    size_t used = 0;
    if (ln) list[0] = 0;
    if (fw_cache_scan(c, &l, err, sizeof err) < 0) return -1;
    for (int i = 0; i < l.n; i++) {
        const struct fw_cache_entry *e = &l.e[i];
        if (e->partial || strcmp(e->product, product)) continue;
        if (build && !strcmp(e->build, build) && found < 0) { snprintf(path, n, "%s/%s", c->cache_dir, e->name); found = 0; }
        if (ln && used < ln) used += (size_t)snprintf(list + used, ln - used, "%s%s (%s)", used ? ", " : "", e->build, e->version);
    }
    fw_cache_list_free(&l);
    return found;
}

/* A build, "latest" or a URL's build: the cached IPSW, or the firmware to
 * download. 0 with t->ipsw, 1 with t->fw, -1 with t->message. Without a
 * fresh catalog (offline, or only the copy on disk), a build the copy does
 * not list is still found in the cache by its file name, and
 * t->catalog_note says what the catalog's state is. */
static int resolve_build(struct restore_resolution *t, const char *product, const char *build, const char *url)
{
    char err[300] = "", state[400];
    struct catalog *cat = calloc(1, sizeof *cat);
    if (!cat) { snprintf(t->message, sizeof t->message, "out of memory"); return -1; }
    int fresh = t->flags & RESTORE_FRESH_CATALOG;
    int loaded = (fresh ? catalog_load(t->cfg, product, cat, err, sizeof err)
                        : catalog_load_cached(t->cfg, product, cat, err, sizeof err)) == 0;
    int idx = -1;
    for (int i = 0; loaded && i < cat->n; i++) {
        const struct firmware *f = &cat->fw[i];
        if (!build) { if (f->is_signed && (idx < 0 || strcmp(f->released, cat->fw[idx].released) > 0)) idx = i; }
        else if (!strcmp(f->build, build) || (!url && !strcmp(f->version, build))) idx = i;
    }
    if (!loaded || cat->from_cache) {
        catalog_words(t->cfg, product, cat, loaded, err, state, sizeof state);
        t->offline = 1;
    }
    if (idx < 0 && t->offline) {
        char cached[300];
        if (cached_build(t->cfg, product, build, t->ipsw, sizeof t->ipsw, cached, sizeof cached) == 0) {
            snprintf(t->catalog_note, sizeof t->catalog_note, "%s; %s found in the firmware cache by its name: signing "
                     "status unknown", state, build);
            free(cat);
            return 0;
        }
        if (!build || !loaded) {
            if (!build)
                snprintf(t->message, sizeof t->message, "%s: which build is the latest signed one is unknown; name a "
                         "build (cached: %s), give an IPSW file, or fetch the catalog (`ibench fw list %s`)", state,
                         cached[0] ? cached : "none", product);
            else
                snprintf(t->message, sizeof t->message, "%s, and build %s is not in the firmware cache (cached: %s): "
                         "give an IPSW file, or fetch the catalog first (`ibench fw list %s`)", state, build,
                         cached[0] ? cached : "none", product);
            free(cat);
            return -1;
        }
    }
    if (idx < 0) {
        if (url) snprintf(t->message, sizeof t->message, "%s holds build %s, which the catalog for %s does not list: ibench "
                          "restores only an IPSW it can verify; download it and give the file", url, build, product);
        else if (build) snprintf(t->message, sizeof t->message, "no build %s for %s in the catalog", build, product);
        else snprintf(t->message, sizeof t->message, "no signed build for %s in the catalog", product);
        free(cat);
        return -1;
    }
    if (t->offline && (cat->note[0] || cat->stale))   /* a recent copy read on purpose is no news */
        snprintf(t->catalog_note, sizeof t->catalog_note, "%s", state);
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
    if (t->outcome != 0) return;
    /* Offline the catalog was just tried: signing is judged from its copy. */
    restore_preflight(t->cfg, &t->facts, t->ipsw, t->erase, &t->engine, t->have_engine,
                      !(t->flags & RESTORE_FRESH_CATALOG) || t->offline, &t->pf);
    if (t->catalog_note[0] && t->pf.n < PREFLIGHT_MAX) {
        struct preflight *pf = &t->pf;
        snprintf(pf->item[pf->n].name, sizeof pf->item[pf->n].name, "catalog");
        pf->item[pf->n].v = V_WARN;
        snprintf(pf->item[pf->n].text, sizeof pf->item[pf->n].text, "%s", t->catalog_note);
        pf->n++;
        pf->warned++;
    }
}

