/* The restore preflight (see restore.h): run on a worker thread from a
 * snapshot of what the loop thread knows (restore_facts); every big
 * structure is on the heap, so several can run at once. */
#include "restore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "catalog.h"
#include "fw_cache.h"
#include "ipsw.h"
#include "ipsw_intact.h"
#include "job.h"

const char *verdict_word(enum verdict v) { return v == V_PASS ? "ok" : v == V_WARN ? "warn" : "FAIL"; }

static void add(struct preflight *pf, const char *name, enum verdict v, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(struct preflight *pf, const char *name, enum verdict v, const char *fmt, ...)
{
    if (pf->n >= PREFLIGHT_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    snprintf(pf->item[pf->n].name, sizeof pf->item[pf->n].name, "%s", name);
    pf->item[pf->n].v = v;
    vsnprintf(pf->item[pf->n].text, sizeof pf->item[pf->n].text, fmt, ap);
    va_end(ap);
    pf->n++;
    if (v == V_FAIL) pf->failed++;
    if (v == V_WARN) pf->warned++;
}

static void check_archive(struct preflight *pf, const struct config *c, const struct device *d, const char *ipsw, int erase)
{
    struct ipsw_manifest *m = calloc(1, sizeof *m);
    char err[400];
    int missing = 0;
    struct stat st;
    pf->ipsw_size = stat(ipsw, &st) == 0 ? (long long)st.st_size : 0;
    if (!m) { add(pf, "ipsw", V_FAIL, "out of memory"); return; }
    if (ipsw_read(ipsw, m, &missing, NULL, err, sizeof err) < 0) { add(pf, "ipsw", V_FAIL, "%s", err); goto out; }
    snprintf(pf->version, sizeof pf->version, "%s", m->version);
    snprintf(pf->build, sizeof pf->build, "%s", m->build);
    if (missing) { add(pf, "ipsw", V_FAIL, "%s is incomplete: %d component(s) named by its manifest are missing", ipsw, missing); goto out; }
    /* "Intact" only when every entry is known to be; otherwise the CRCs are
     * read after the confirmation, before the engine starts. */
    enum ipsw_intact_how how = ipsw_intact_known(c, ipsw);
    pf->intact = how != IPSW_INTACT_UNKNOWN;
    if (pf->intact) add(pf, "ipsw", V_PASS, "iOS %s (%s), archive intact (%s)", m->version, m->build, ipsw_intact_words(how));
    else add(pf, "ipsw", V_PASS, "iOS %s (%s), directory consistent; CRCs not verified yet: read before the engine starts",
             m->version, m->build);
    const char *product = d->model ? d->model->product_type : d->product_type;
    int fits[IPSW_MAX_IDENTITIES] = {0};
    char why[400] = "";
    int n = ipsw_match(m, product, d->cpid, d->bdid, fits, why, sizeof why);
    if (n <= 0) { add(pf, "fits", V_FAIL, "%s", why[0] ? why : "no build identity fits this device"); goto out; }
    const char *want = erase ? "Erase" : "Update";
    for (int i = 0; i < m->nidentities; i++)
        if (fits[i] && !strcmp(m->identities[i].behavior, want)) {
            add(pf, "fits", V_PASS, "%s identity for %s (%s)", want, m->identities[i].board, product);
            goto out;
        }
    add(pf, "fits", V_FAIL, "the IPSW has no %s identity for this device", want);
out:
    free(m);
}

static void check_signed(struct preflight *pf, const struct config *c, const struct device *d, int offline)
{
    char err[300];
    const char *product = d->model ? d->model->product_type : d->product_type;
    if (!pf->build[0]) return;
    struct catalog *cat = calloc(1, sizeof *cat);
    if (!cat) { add(pf, "signed", V_WARN, "cannot check signing: out of memory"); return; }
    if ((offline ? catalog_load_cached(c, product, cat, err, sizeof err) : catalog_load(c, product, cat, err, sizeof err)) < 0) {
        add(pf, "signed", V_WARN, "cannot check signing (%s); the engine will ask Apple", err);
        free(cat);
        return;
    }
    for (int i = 0; i < cat->n; i++) {
        const struct firmware *f = &cat->fw[i];
        if (strcmp(f->build, pf->build)) continue;
        if (!f->is_signed) {
            add(pf, "signed", cat->stale ? V_WARN : V_FAIL, "Apple %s sign %s (%s) for %s%s", cat->stale ? "did not" : "does not",
                f->version, f->build, product, cat->stale ? " (catalog is stale: it may have changed)" : "");
        } else {
            add(pf, "signed", cat->stale ? V_WARN : V_PASS, "%s (%s) is signed%s", f->version, f->build,
                cat->stale ? " per a stale catalog: Apple may have stopped" : "");
        }
        free(cat);
        return;
    }
    add(pf, "signed", V_WARN, "build %s is not in the catalog for %s: signing unknown", pf->build, product);
    free(cat);
}

static void check_verified(struct preflight *pf, const struct config *c, const char *ipsw)
{
    if (!fw_cache_holds(c, ipsw)) {
        /* A checksum file beside some other file proves nothing about it. */
        add(pf, "verified", V_WARN, "not from the firmware cache: its checksum was not checked against the catalog");
        return;
    }
    struct fw_cache_verified v;
    fw_cache_checked(ipsw, &v);
    if (v.how == FW_CHECK_CATALOG)
        add(pf, "verified", V_PASS, "matched the catalog's %s when it was downloaded or last verified",
            v.sha1[0] ? (v.sha256[0] ? "SHA-1 and SHA-256" : "SHA-1") : "SHA-256");
    else if (v.how == FW_CHECK_SIZE)
        add(pf, "verified", V_WARN, "only its size was checked: the catalog has no checksum for this build");
    else add(pf, "verified", V_WARN, "in the firmware cache but without a recorded checksum: not checked against the catalog");
}

void restore_facts_take(const struct app *a, const struct device *d, struct restore_facts *f)
{
    memset(f, 0, sizeof *f);
    f->dev = *d;
    snprintf(f->mux_error, sizeof f->mux_error, "%s", a->mux_error);
    snprintf(f->usb_error, sizeof f->usb_error, "%s", a->usb_error);
    for (int i = 0; i < a->bench.ndev; i++) {
        const struct device *o = a->bench.dev[i];
        if (o->id != d->id && o->presence == PRESENCE_PRESENT && mode_is_iboot(o->mode)) {
            snprintf(f->other_iboot, sizeof f->other_iboot, "%s", device_label(o));
            snprintf(f->other_mode, sizeof f->other_mode, "%s", mode_name(o->mode));
            break;
        }
    }
    for (int i = 0; i < a->bench.njobs; i++) f->running_jobs += a->bench.jobs[i].state == BJOB_RUNNING;
}

/* Each job extracts into its own folder under the state folder (job_run.c):
 * about the IPSW's size per restore running at once. */
static void check_disk(struct preflight *pf, const struct config *c, int running)
{
    char dir[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/jobs", c->state_dir);
    mkdir(c->state_dir, 0755);
    mkdir(dir, 0755);
    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0) { add(pf, "disk", V_WARN, "cannot read free space of %s: %s", dir, strerror(errno)); return; }
    double free_b = (double)vfs.f_bavail * vfs.f_frsize, one = (double)pf->ipsw_size;
    double all = one * (running + 1);
    if (free_b < one)
        add(pf, "disk", V_FAIL, "%.1f GB free in %s; each restore extracts up to about the IPSW's size (%.1f GB) into its "
            "own folder", free_b / 1e9, dir, one / 1e9);
    else
        add(pf, "disk", free_b < all ? V_WARN : V_PASS, "%.1f GB free in %s; each restore running at once needs up to about "
            "the IPSW's size (%.1f GB) in its own folder: %.1f GB with the %d running now%s", free_b / 1e9, dir, one / 1e9,
            all / 1e9, running, free_b < all ? " (not enough if they all extract)" : "");
}

void restore_preflight(const struct config *c, const struct restore_facts *f, const char *ipsw, int erase,
                       const struct engine_info *e, int have_engine, int offline, struct preflight *pf)
{
    memset(pf, 0, sizeof *pf);
    const struct device *d = &f->dev;
    const char *product = d->model ? d->model->product_type : d->product_type;
    if (!d->has_ecid) add(pf, "device", V_FAIL, "the device's ECID is not known yet, and the engine is targeted by ECID");
    check_archive(pf, c, d, ipsw, erase);
    check_signed(pf, c, d, offline);
    check_verified(pf, c, ipsw);
    if (f->mux_error[0]) add(pf, "usbmuxd", V_FAIL, "%s: the engine follows the device into Restore mode through usbmuxd", f->mux_error);
    else add(pf, "usbmuxd", V_PASS, "usbmuxd answers");
    if (f->usb_error[0]) add(pf, "usb", V_FAIL, "%s", f->usb_error);
    else if (d->ident_error[0] && strstr(d->ident_error, "permission")) add(pf, "usb", V_FAIL, "%s", d->ident_error);
    else add(pf, "usb", V_PASS, "USB access works");
    char why[600], limits[400];
    if (!have_engine) add(pf, "engine", V_FAIL, "no restore engine (install idevicerestore or set --engine)");
    else if (engine_can_restore(e, pf->version, product, why, sizeof why) < 0) add(pf, "engine", V_FAIL, "%s", why);
    else {
        engine_limits(e, limits, sizeof limits);
        add(pf, "engine", e->kind == ENGINE_UNKNOWN || e->timed_out ? V_WARN : V_PASS, "%s %s%s", e->path,
            e->version[0] ? e->version : "(no version)", e->timed_out ? ": it did not answer -v/--help within 5s" : "");
        add(pf, "limits", V_PASS, "%s", limits);
    }
    check_disk(pf, c, f->running_jobs);
    if (d->has_ecid && job_device_busy(c, d->ecid)) add(pf, "busy", V_FAIL, "another restore is already driving this device (see `ibench jobs`)");
    if (have_engine && e->old_irecovery) {
        if (f->other_iboot[0])
            add(pf, "bench", V_FAIL, "%s is also in %s: this engine links libirecovery 1.0.0, which crashes with two "
                "Recovery/DFU devices attached; unplug it or restore one at a time", f->other_iboot, f->other_mode);
        else add(pf, "bench", V_PASS, "no other Recovery/DFU device attached");
    }
}

void restore_job_init(struct job *j, const struct device *d, const struct preflight *pf, const char *ipsw, int erase)
{
    memset(j, 0, sizeof *j);
    j->ecid = d->ecid;
    snprintf(j->product_type, sizeof j->product_type, "%s", d->model ? d->model->product_type : d->product_type);
    snprintf(j->board, sizeof j->board, "%s", d->model ? d->model->board : d->hw_model);
    snprintf(j->model_name, sizeof j->model_name, "%s", device_display_name(d));
    snprintf(j->version, sizeof j->version, "%s", pf->version);
    snprintf(j->build, sizeof j->build, "%s", pf->build);
    j->erase = erase;
    snprintf(j->ipsw, sizeof j->ipsw, "%s", ipsw);
    snprintf(j->port, sizeof j->port, "%s", d->port);
    snprintf(j->slot, sizeof j->slot, "%s", d->slot);
}
