/* IPSW extraction, the plan (see ipsw_extract_plan.h): the job's failure
 * and cancel state, and which entries to write, every one of them vetted
 * (name, type, size, encryption) before anything is written: one hostile
 * entry refuses the whole job. Runs on the job's lead thread. */
#include "ipsw_extract_plan.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ipsw_archive.h"

void ipsw_x_fail(struct ipsw_extract *j, int status, const char *fmt, ...)
{
    pthread_mutex_lock(&j->lock);
    if (j->res.status == IPSW_X_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->res.err, sizeof j->res.err, fmt, ap);
        va_end(ap);
        j->res.status = status;
    }
    atomic_store(&j->stop, 1);
    pthread_mutex_unlock(&j->lock);
}

int ipsw_x_stopped(struct ipsw_extract *j)
{
    if (atomic_load(&j->stop)) return 1;
    if (j->o.cancel && atomic_load(j->o.cancel)) {
        ipsw_x_fail(j, IPSW_X_CANCELLED, "cancelled");
        return 1;
    }
    return 0;
}

/* The transport's failure is a network error; anything else from libzip means
 * the archive itself is damaged. */
int ipsw_x_read_status(struct ipsw_extract *j)
{
    return j->o.xfer && atomic_load(&j->o.xfer->failed) ? IPSW_X_NETWORK : IPSW_X_INTEGRITY;
}

static int x_add(struct ipsw_extract *j, zip_t *z, zip_uint64_t idx, char *selected)
{
    selected[idx] = 1;
    return 0;
}

/* Checks one chosen entry; refuses anything that is not a plain file or
 * folder with a name that stays inside the output folder. */
static int x_vet(struct ipsw_extract *j, zip_t *z, zip_uint64_t idx, struct x_item *it)
{
    zip_stat_t st;
    zip_stat_init(&st);
    const char *name = zip_get_name(z, idx, ZIP_FL_ENC_RAW);
    if (!name || zip_stat_index(z, idx, ZIP_FL_ENC_RAW, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "entry #%llu: unreadable directory record", (unsigned long long)idx);
        return -1;
    }
    char shown[200];
    size_t k = 0;
    for (const char *p = name; *p && k < sizeof shown - 5; p++) shown[k++] = (unsigned char)*p < 0x20 ? '?' : *p;
    shown[k] = 0;
    size_t len = strlen(name);
    int is_dir = len > 0 && name[len - 1] == '/';
    char base[4096];
    if (len >= 1024) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: name too long", shown);
        return -1;
    }
    memcpy(base, name, len + 1);
    if (is_dir) base[len - 1] = 0;
    if (!ipsw_name_is_safe(base) || strstr(base, "//")) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: unsafe entry name (absolute, '..', backslash, control character or not UTF-8 text)", shown);
        return -1;
    }
    for (const char *p = base; *p;) {
        const char *s = strchr(p, '/');
        size_t seg = s ? (size_t)(s - p) : strlen(p);
        if (seg > 255) {
            ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a path segment is too long", shown);
            return -1;
        }
        p += seg + (s ? 1 : 0);
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attr = 0;
    mode_t mode = 0;
    if (zip_file_get_external_attributes(z, idx, 0, &opsys, &attr) == 0 && opsys == ZIP_OPSYS_UNIX)
        mode = (mode_t)(attr >> 16);
    if (S_ISLNK(mode)) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a symbolic link", shown);
        return -1;
    }
    if ((mode & S_IFMT) && !S_ISREG(mode) && !S_ISDIR(mode)) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: a device or special file", shown);
        return -1;
    }
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: encrypted", shown);
        return -1;
    }
    if (st.size > (zip_uint64_t)1 << 50) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: refused: implausible size %llu", shown, (unsigned long long)st.size);
        return -1;
    }
    it->index = idx;
    it->name = strdup(base);
    it->size = is_dir ? 0 : (long long)st.size;
    it->is_dir = is_dir || S_ISDIR(mode);
    it->mode = (mode & 0111) ? 0755 : 0644;
    it->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
    return it->name ? 0 : -1;
}

static int x_cmp_size(const void *a, const void *b)
{
    const struct x_item *x = a, *y = b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

static int x_identity_chosen(const struct ipsw_extract *j, const struct ipsw_identity *id, const int *fits, int i)
{
    if (j->o.have_device && !fits[i]) return 0;
    return !j->behavior[0] || strcasecmp(id->behavior, j->behavior) == 0;
}

int ipsw_x_plan(struct ipsw_extract *j, zip_t *z)
{
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0) {
        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: cannot list entries", j->archive);
        return -1;
    }
    char *selected = calloc((size_t)n + 1, 1);
    struct ipsw_manifest *m = NULL;
    int rc = -1, fits[IPSW_MAX_IDENTITIES] = {0};
    if (!selected) goto out;
    if (j->o.npatterns == 0 && !j->o.have_device) {
        memset(selected, 1, (size_t)n);
    } else {
        int missing = 0;
        char err[400];
        m = malloc(sizeof *m);
        if (!m) goto out;
        int have_m = ipsw_read_zip(z, j->archive, m, &missing, err, sizeof err) == 0;
        if (!have_m && j->o.have_device) {
            ipsw_x_fail(j, ipsw_x_read_status(j), "%s", ipsw_x_read_status(j) == IPSW_X_NETWORK ? j->o.xfer->err : err);
            goto out;
        }
        if (have_m && j->o.have_device) {
            char why[400];
            if (ipsw_match(m, j->o.product_type, j->o.cpid, j->o.bdid, fits, why, sizeof why) == 0) {
                ipsw_x_fail(j, IPSW_X_NOFIT, "does not fit: %s", why);
                goto out;
            }
        }
        if (have_m && j->behavior[0]) {
            int any = 0;
            for (int i = 0; i < m->nidentities; i++) any |= x_identity_chosen(j, &m->identities[i], fits, i);
            if (!any) {
                ipsw_x_fail(j, j->o.have_device ? IPSW_X_NOFIT : IPSW_X_NOMATCH, "no %s identity%s in %s", j->behavior, j->o.have_device ? " fits the device" : "",
                       j->archive);
                goto out;
            }
        }
        /* With a device and no patterns: everything its identities name. */
        const char *all = "*";
        const char *const *pats = j->o.npatterns ? (const char *const *)j->patterns : &all;
        int npats = j->o.npatterns ? j->o.npatterns : 1;
        for (int p = 0; p < npats; p++) {
            int matched = 0;
            for (int i = 0; have_m && i < m->nidentities; i++) {
                const struct ipsw_identity *id = &m->identities[i];
                if (!x_identity_chosen(j, id, fits, i)) continue;
                for (int c = 0; c < id->ncomponents; c++) {
                    if (j->o.npatterns && strcasecmp(id->components[c].name, pats[p]) != 0) continue;
                    zip_int64_t e = zip_name_locate(z, id->components[c].path, 0);
                    if (e < 0) {
                        ipsw_x_fail(j, IPSW_X_INTEGRITY, "%s: the manifest names %s for %s, but the archive has no such entry",
                               j->archive, id->components[c].path, id->components[c].name);
                        goto out;
                    }
                    x_add(j, z, (zip_uint64_t)e, selected);
                    matched++;
                }
            }
            if (!matched && j->o.npatterns) {
                for (zip_int64_t e = 0; e < n; e++) {
                    const char *name = zip_get_name(z, (zip_uint64_t)e, ZIP_FL_ENC_RAW);
                    if (name && fnmatch(pats[p], name, 0) == 0) {
                        x_add(j, z, (zip_uint64_t)e, selected);
                        matched++;
                    }
                }
            }
            if (!matched) {
                ipsw_x_fail(j, IPSW_X_NOMATCH, "%s: nothing matches '%s' (neither a component name%s nor an entry)", j->archive,
                       pats[p], j->o.have_device ? " for this device" : "");
                goto out;
            }
        }
    }
    int count = 0;
    for (zip_int64_t e = 0; e < n; e++) count += selected[e];
    j->items = calloc((size_t)count + 1, sizeof *j->items);
    if (!j->items) goto out;
    for (zip_int64_t e = 0; e < n; e++) {
        if (!selected[e]) continue;
        if (x_vet(j, z, (zip_uint64_t)e, &j->items[j->nitems]) < 0) goto out;
        j->total += j->items[j->nitems].size;
        j->nitems++;
    }
    qsort(j->items, (size_t)j->nitems, sizeof *j->items, x_cmp_size);
    rc = 0;
out:
    if (rc < 0 && j->res.status == IPSW_X_OK) ipsw_x_fail(j, IPSW_X_ENVIRONMENT, "out of memory");
    free(m);
    free(selected);
    return rc;
}
