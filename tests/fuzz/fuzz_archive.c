/* Fuzz target: an archive from anywhere, vetted as ibench vets it. The
 * bytes become a file; ipsw_read checks its structure and reads the
 * manifest (consistency check, component sizes), then an extraction plans
 * and vets every entry (names, types, sizes, encryption) and starts writing
 * into a scratch folder, cancelled at the first progress report so a bomb
 * costs nothing. Every entry name is also put to ipsw_name_is_safe, and a
 * name it accepts must not escape. */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ftw.h>
#include <unistd.h>
#include <zip.h>

#include "ipsw.h"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st; (void)flag; (void)f;
    return remove(p) < 0 ? 0 : 0;
}

static void stop(const struct ipsw_progress *p, void *user) { (void)p; atomic_store((_Atomic int *)user, 1); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64], out[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-archive", 0);
        if (fd < 0) return 0;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        snprintf(out, sizeof out, "/tmp/fuzz-archive.%d", (int)getpid());
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) return 0;
    static struct ipsw_manifest m;
    int missing = 0;
    char err[400];
    ipsw_read(path, &m, &missing, NULL, err, sizeof err);

    zip_t *z = zip_open(path, ZIP_RDONLY, NULL);
    if (z) {
        zip_int64_t n = zip_get_num_entries(z, 0);
        for (zip_int64_t i = 0; i < n && i < 4096; i++) {
            const char *name = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
            if (name && ipsw_name_is_safe(name)) {
                if (name[0] == '/') __builtin_trap();
                /* No segment may be ".." ("x../y" is a folder named "x.."). */
                for (const char *seg = name; *seg;) {
                    size_t len = strcspn(seg, "/");
                    if (len == 2 && seg[0] == '.' && seg[1] == '.') __builtin_trap();
                    seg += len + (seg[len] == '/');
                }
            }
        }
        zip_discard(z);
    }

    _Atomic int cancel = 0;
    struct ipsw_extract_opts o;
    memset(&o, 0, sizeof o);
    o.archive = path;
    o.out_dir = out;
    o.threads = 1;
    o.cancel = &cancel;
    o.progress = stop;
    o.user = &cancel;
    struct ipsw_extract_result r;
    ipsw_extract_run(&o, &r);
    if (r.err[sizeof r.err - 1] != 0 && strlen(r.err) >= sizeof r.err) __builtin_trap();
    nftw(out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
