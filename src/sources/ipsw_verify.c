/* Every entry of an IPSW read to its end (see ipsw_verify.h). libzip checks
 * an entry's CRC only when a read reaches its end, so nothing short of
 * reading all of it says the archive is intact. */
#include "ipsw_verify.h"
#include "ipsw_archive.h"
#include "ipsw_vet.h"
#include "sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zip.h>

#define V_BUF (1u << 20)
#define V_PROGRESS_NS 100000000LL

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *v_reason(int code)
{
    switch (code) {
    case ZIP_ER_CRC: return "CRC mismatch: the data is damaged";
    case ZIP_ER_READ: case ZIP_ER_EOF: case ZIP_ER_SEEK: return "cannot be read: the archive is truncated or unreadable";
    case ZIP_ER_INCONS: return "inconsistent with the central directory (damaged or forged)";
    case ZIP_ER_COMPNOTSUPP: return "compression method not supported";
    case ZIP_ER_ENCRNOTSUPP: case ZIP_ER_NOPASSWD: return "encrypted";
    default: return "damaged";
    }
}

int ipsw_verify(const char *path, ipsw_verify_progress_fn progress, ipsw_verify_stop_fn stop, void *user, char *err,
                size_t errlen)
{
    if (ipsw_vet(path, NULL, err, errlen) < 0) return IPSW_VERIFY_DAMAGED;   /* its text is sanitized */
    zip_t *z = ipsw_open(path, 1, NULL, err, errlen);
    if (!z) return IPSW_VERIFY_UNREADABLE;
    char *buf = malloc(V_BUF);
    zip_int64_t n = zip_get_num_entries(z, 0);
    long long total = 0, done = 0, last = 0;
    int rc = IPSW_VERIFY_INTACT;
    zip_stat_t st;
    for (zip_int64_t i = 0; i < n; i++)
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) total += (long long)st.size;
    if (!buf) { snprintf(err, errlen, "out of memory"); rc = IPSW_VERIFY_UNREADABLE; goto out; }
    if (progress) progress(0, total, user);
    for (zip_int64_t i = 0; i < n && rc == IPSW_VERIFY_INTACT; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        zip_stat_init(&st);
        if (!name || zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
            snprintf(err, errlen, "%s: entry #%lld: unreadable directory record", path, (long long)i);
            rc = IPSW_VERIFY_DAMAGED;
            break;
        }
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        if (!f) {
            snprintf(err, errlen, "%s: %s: %s", path, name, v_reason(zip_error_code_zip(zip_get_error(z))));
            rc = IPSW_VERIFY_DAMAGED;
            break;
        }
        long long got = 0;
        for (;;) {
            if (stop && stop(user)) { rc = IPSW_VERIFY_STOPPED; snprintf(err, errlen, "stopped"); break; }
            zip_int64_t r = zip_fread(f, buf, V_BUF);
            if (r < 0) {
                snprintf(err, errlen, "%s: %s: %s", path, name, v_reason(zip_error_code_zip(zip_file_get_error(f))));
                rc = IPSW_VERIFY_DAMAGED;
                break;
            }
            if (r == 0) break;
            got += r;
            done += r;
            if (got > (long long)st.size) {
                snprintf(err, errlen, "%s: %s: lying size: more data than the %llu bytes the central directory states", path,
                         name, (unsigned long long)st.size);
                rc = IPSW_VERIFY_DAMAGED;
                break;
            }
            long long t = now_ns();
            if (progress && t - last >= V_PROGRESS_NS) { last = t; progress(done, total, user); }
        }
        if (rc == IPSW_VERIFY_INTACT && got != (long long)st.size) {
            snprintf(err, errlen, "%s: %s: truncated: %lld of the %llu bytes the central directory states", path, name, got,
                     (unsigned long long)st.size);
            rc = IPSW_VERIFY_DAMAGED;
        }
        zip_fclose(f);
    }
    if (rc == IPSW_VERIFY_INTACT && progress) progress(done, total, user);
out:
    if (rc != IPSW_VERIFY_INTACT) sanitize_inplace(err, errlen);   /* entry names are the archive's */
    free(buf);
    zip_discard(z);
    return rc;
}
