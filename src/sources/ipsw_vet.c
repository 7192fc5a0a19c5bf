/* An IPSW's directory checked from the archive's bytes (see ipsw_vet.h):
 * the end-of-central-directory record (ZIP64 too), every central record,
 * and the local headers they point at. Every length is bounded by the file. */
#include "ipsw_vet.h"
#include "ipsw_manifest.h"
#include "ipsw_remote.h"
#include "sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define V_TAIL (65535u + 22u + 20u)   /* the longest comment, the record, the ZIP64 locator */
#define V_CDIR_MAX (256u << 20)       /* a real IPSW's directory is well under 1 MB */

struct v_entry {
    const unsigned char *name;        /* into the directory buffer, not NUL-terminated */
    unsigned nlen;
    uint64_t off, csize;
};

struct v_zip {
    zip_source_t *src;
    long long size;
    char *err;
    size_t errlen;
};

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static int v_read(struct v_zip *z, uint64_t off, void *buf, size_t n)
{
    if (off > (uint64_t)z->size || n > (uint64_t)z->size - off || zip_source_seek(z->src, (zip_int64_t)off, SEEK_SET) < 0)
        return -1;
    for (size_t got = 0; got < n;) {
        zip_int64_t r = zip_source_read(z->src, (char *)buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

/* A name as the technician may see it: control bytes shown as '?', cut. */
static void v_shown(const unsigned char *name, unsigned n, char *out, size_t outlen)
{
    size_t k = 0;
    for (unsigned i = 0; i < n && k + 4 < outlen && k < 160; i++) out[k++] = name[i] < 0x20 || name[i] == 0x7f ? '?' : (char)name[i];
    if (n > 160 && k + 4 < outlen) { memcpy(out + k, "...", 3); k += 3; }
    out[k] = 0;
}

static int v_fail(struct v_zip *z, const char *why)
{
    snprintf(z->err, z->errlen, "%s", why);
    return -1;
}

/* Where the central directory is and how many records it holds. */
static int v_find_cdir(struct v_zip *z, uint64_t *cd_off, uint64_t *cd_size, uint64_t *count)
{
    size_t tail = z->size < (long long)V_TAIL ? (size_t)z->size : V_TAIL;
    unsigned char *buf = malloc(tail ? tail : 1);
    if (!buf) return v_fail(z, "out of memory");
    int rc = -1;
    if (tail < 22 || v_read(z, (uint64_t)z->size - tail, buf, tail) < 0) { v_fail(z, "not a readable IPSW archive: cannot read the end of the archive"); goto out; }
    size_t at = tail - 22 + 1;
    while (at-- > 0)
        if (!memcmp(buf + at, "PK\5\6", 4) && at + 22 + le16(buf + at + 20) <= tail) break;
    if (at == (size_t)-1) { v_fail(z, "not a readable IPSW archive: no end of central directory (truncated, or not a zip archive)"); goto out; }
    const unsigned char *e = buf + at;
    *count = le16(e + 10);
    *cd_size = le32(e + 12);
    *cd_off = le32(e + 16);
    if (*count == 0xffff || *cd_size == 0xffffffffu || *cd_off == 0xffffffffu) {
        unsigned char z64[56];
        if (at < 20 || memcmp(e - 20, "PK\6\7", 4) || v_read(z, le64(e - 20 + 8), z64, sizeof z64) < 0 || memcmp(z64, "PK\6\6", 4)) {
            v_fail(z, "not a readable IPSW archive: damaged ZIP64 end of central directory");
            goto out;
        }
        *count = le64(z64 + 32);
        *cd_size = le64(z64 + 40);
        *cd_off = le64(z64 + 48);
    }
    if (*cd_size > V_CDIR_MAX || *cd_off > (uint64_t)z->size || *cd_size > (uint64_t)z->size - *cd_off)
        v_fail(z, "not a readable IPSW archive: the central directory lies outside the file");
    else rc = 0;
out:
    free(buf);
    return rc;
}

/* Fills e from the records in cd; ZIP64 extra fields replace saturated sizes. */
static int v_parse(struct v_zip *z, const unsigned char *cd, uint64_t len, struct v_entry *e, uint64_t count)
{
    uint64_t p = 0;
    for (uint64_t i = 0; i < count; i++) {
        if (len - p < 46 || memcmp(cd + p, "PK\1\2", 4)) return v_fail(z, "not a readable IPSW archive: damaged central directory record");
        const unsigned char *r = cd + p;
        unsigned nlen = le16(r + 28), xlen = le16(r + 30), clen = le16(r + 32);
        if (len - p - 46 < (uint64_t)nlen + xlen + clen) return v_fail(z, "not a readable IPSW archive: damaged central directory record");
        uint64_t usize = le32(r + 24);
        e[i] = (struct v_entry){r + 46, nlen, le32(r + 42), le32(r + 20)};
        for (const unsigned char *x = r + 46 + nlen, *end = x + xlen; end - x >= 4;) {
            unsigned id = le16(x), xl = le16(x + 2);
            if (end - x - 4 < xl) break;
            if (id == 0x0001) {
                const unsigned char *f = x + 4, *fe = f + xl;
                if (usize == 0xffffffffu && fe - f >= 8) f += 8;
                if (e[i].csize == 0xffffffffu && fe - f >= 8) { e[i].csize = le64(f); f += 8; }
                if (e[i].off == 0xffffffffu && fe - f >= 8) e[i].off = le64(f);
            }
            x += 4 + xl;
        }
        p += 46 + (uint64_t)nlen + xlen + clen;
    }
    return 0;
}

static int v_by_name(const void *a, const void *b)
{
    const struct v_entry *x = a, *y = b;
    int c = memcmp(x->name, y->name, x->nlen < y->nlen ? x->nlen : y->nlen);
    return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

static int v_by_offset(const void *a, const void *b)
{
    const struct v_entry *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

static int v_check(struct v_zip *z, struct v_entry *e, uint64_t n, uint64_t cd_off, int local)
{
    char a[200], b[200];
    unsigned char *h = local ? malloc(30 + 65535) : NULL;
    int rc = -1;
    if (local && !h) return v_fail(z, "out of memory");
    qsort(e, (size_t)n, sizeof *e, v_by_name);
    for (uint64_t i = 1; i < n; i++)
        if (!v_by_name(&e[i - 1], &e[i])) {
            v_shown(e[i].name, e[i].nlen, a, sizeof a);
            snprintf(z->err, z->errlen, "%s: refused: the archive holds two entries of this name (which one is meant "
                     "cannot be told)", a);
            goto out;
        }
    qsort(e, (size_t)n, sizeof *e, v_by_offset);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t head = 30 + (uint64_t)e[i].nlen;
        v_shown(e[i].name, e[i].nlen, a, sizeof a);
        if (local) {
            if (e[i].off > cd_off || v_read(z, e[i].off, h, 30) < 0 || memcmp(h, "PK\3\4", 4)) {
                snprintf(z->err, z->errlen, "%s: refused: no local header where the central directory says", a);
                goto out;
            }
            unsigned ln = le16(h + 26);
            head = 30 + (uint64_t)ln + le16(h + 28);
            if (v_read(z, e[i].off + 30, h + 30, ln) < 0 || ln != e[i].nlen || memcmp(h + 30, e[i].name, ln)) {
                v_shown(h + 30, ln, b, sizeof b);
                snprintf(z->err, z->errlen, "%s: refused: its local header names it '%s' (a forged or damaged archive)", a, b);
                goto out;
            }
        }
        uint64_t end = e[i].off + head + e[i].csize;
        if (end < e[i].off || end > cd_off) {
            snprintf(z->err, z->errlen, "%s: refused: truncated: its data runs into the central directory (the archive was cut short or forged)", a);
            goto out;
        }
        if (i + 1 < n && end > e[i + 1].off) {
            v_shown(e[i + 1].name, e[i + 1].nlen, b, sizeof b);
            snprintf(z->err, z->errlen, "%s: refused: it overlaps %s (a forged archive: the same bytes would be written "
                     "again and again)", a, b);
            goto out;
        }
    }
    rc = 0;
out:
    free(h);
    return rc;
}

int ipsw_vet(const char *file_or_url, struct ipsw_transfer *xfer, char *err, size_t errlen)
{
    struct v_zip z = {.err = err, .errlen = errlen};
    int remote = ipsw_is_url(file_or_url), rc = -1;
    char why[300];
    zip_error_t ze;
    zip_error_init(&ze);
    z.src = remote ? ipsw_remote_source(file_or_url, xfer, err, errlen) : zip_source_file_create(file_or_url, 0, -1, &ze);
    if (!z.src) {
        if (!remote) snprintf(err, errlen, "%s: not a readable IPSW archive: %s", file_or_url, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    unsigned char *cd = NULL;
    struct v_entry *e = NULL;
    uint64_t cd_off, cd_size, count;
    if (zip_source_open(z.src) < 0 || zip_source_seek(z.src, 0, SEEK_END) < 0 || (z.size = zip_source_tell(z.src)) < 0) {
        /* A copy: libzip 1.7 never frees the text of a source's own error. */
        zip_error_t *se = zip_source_error(z.src);
        zip_error_set(&ze, zip_error_code_zip(se), zip_error_code_system(se));
        if (remote && xfer && xfer->failed) snprintf(err, errlen, "%s", xfer->err);
        else snprintf(err, errlen, "%s: not a readable IPSW archive: %s", file_or_url, zip_error_strerror(&ze));
        goto out;
    }
    z.err = why;
    z.errlen = sizeof why;
    if (v_find_cdir(&z, &cd_off, &cd_size, &count) < 0) goto said;
    /* Each record takes at least 46 bytes: a count beyond that is a lie. */
    if (count > cd_size / 46) { v_fail(&z, "not a readable IPSW archive: the central directory is shorter than its entry count"); goto said; }
    cd = malloc(cd_size ? cd_size : 1);
    e = calloc(count ? count : 1, sizeof *e);
    if (!cd || !e) { v_fail(&z, "out of memory"); goto said; }
    if (v_read(&z, cd_off, cd, cd_size) < 0) { v_fail(&z, "not a readable IPSW archive: cannot read the central directory"); goto said; }
    if (v_parse(&z, cd, cd_size, e, count) < 0 || v_check(&z, e, count, cd_off, !remote) < 0) goto said;
    rc = 0;
    goto out;
said:
    if (remote && xfer && xfer->failed) snprintf(err, errlen, "%s", xfer->err);
    else snprintf(err, errlen, "%s: %s", file_or_url, why);
out:
    zip_error_fini(&ze);
    if (rc < 0) sanitize_inplace(err, errlen);   /* names and server words are the outside's */
    free(cd);
    free(e);
    zip_source_close(z.src);
    zip_source_free(z.src);
    return rc;
}
