/* Reads an IPSW's manifest through libzip, with the archive checked first
 * (ipsw_vet, then ZIP_CHECKCONS) and sizes taken from the central directory. */
#include "ipsw_archive.h"
#include "ipsw_remote.h"
#include "ipsw_vet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

static void zip_error_text(int code, char *out, size_t n)
{
    zip_error_t e;
    zip_error_init_with_code(&e, code);
    snprintf(out, n, "%s", zip_error_strerror(&e));
    zip_error_fini(&e);
}

zip_t *ipsw_open(const char *file_or_url, int check, struct ipsw_transfer *xfer, char *err, size_t errlen)
{
    int code = 0;
    zip_t *z;
    if (ipsw_is_url(file_or_url)) {
        zip_source_t *src = ipsw_remote_source(file_or_url, xfer, err, errlen);
        if (!src) return NULL;
        zip_error_t ze;
        zip_error_init(&ze);
        z = zip_open_from_source(src, ZIP_RDONLY, &ze);
        if (!z) {
            if (xfer && xfer->failed) snprintf(err, errlen, "%s", xfer->err);
            else snprintf(err, errlen, "%s: not a readable IPSW archive: %s", file_or_url, zip_error_strerror(&ze));
            zip_source_free(src);
        }
        zip_error_fini(&ze);
        return z;
    }
    z = zip_open(file_or_url, ZIP_RDONLY | (check ? ZIP_CHECKCONS : 0), &code);
    if (!z) {
        char why[160];
        zip_error_text(code, why, sizeof why);
        snprintf(err, errlen, "%s: not a readable IPSW archive: %s", file_or_url, why);
    }
    return z;
}

int ipsw_read(const char *path, struct ipsw_manifest *m, int *missing, struct ipsw_transfer *xfer, char *err,
              size_t errlen)
{
    *missing = 0;
    if (ipsw_vet(path, xfer, err, errlen) < 0) return -1;
    zip_t *z = ipsw_open(path, 1, xfer, err, errlen);
    if (!z) return -1;
    int rc = ipsw_read_zip(z, path, m, missing, err, errlen);
    zip_discard(z);
    return rc;
}

int ipsw_read_zip(zip_t *z, const char *path, struct ipsw_manifest *m, int *missing, char *err, size_t errlen)
{
    *missing = 0;
    int rc = -1;
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(z, "BuildManifest.plist", 0);
    if (idx < 0 || zip_stat_index(z, (zip_uint64_t)idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
        snprintf(err, errlen, "%s: no BuildManifest.plist: not an IPSW", path);
        goto out;
    }
    if (st.size > IPSW_MANIFEST_MAX) { snprintf(err, errlen, "%s: BuildManifest.plist is implausibly large", path); goto out; }
    char *buf = malloc(st.size ? st.size : 1);
    zip_file_t *f = buf ? zip_fopen_index(z, (zip_uint64_t)idx, 0) : NULL;
    zip_int64_t got = f ? zip_fread(f, buf, st.size) : -1;
    /* libzip checks the CRC when a read reaches the end of the entry. */
    char extra;
    int crc_ok = f && got == (zip_int64_t)st.size && zip_fread(f, &extra, 1) == 0;
    if (f && !crc_ok) snprintf(err, errlen, "%s", zip_file_strerror(f));
    if (f) zip_fclose(f);
    if (got != (zip_int64_t)st.size || !crc_ok) {
        char why[160];
        snprintf(why, sizeof why, "%s", f ? err : "cannot read");
        snprintf(err, errlen, "%s: BuildManifest.plist is damaged (%s)", path, why);
        free(buf);
        goto out;
    }
    char perr[200];
    if (ipsw_manifest_parse(buf, st.size, m, perr, sizeof perr) < 0) {
        snprintf(err, errlen, "%s: %s", path, perr);
        free(buf);
        goto out;
    }
    free(buf);
    for (int i = 0; i < m->nidentities; i++) {
        for (int k = 0; k < m->identities[i].ncomponents; k++) {
            struct ipsw_component *c = &m->identities[i].components[k];
            zip_int64_t e = zip_name_locate(z, c->path, 0);
            if (e >= 0 && zip_stat_index(z, (zip_uint64_t)e, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE))
                c->size = (int64_t)st.size;
            else
                (*missing)++;
        }
    }
    rc = 0;
out:
    return rc;
}
