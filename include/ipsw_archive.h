/* IPSW archives (libzip): a local file or an http(s) URL opened read-only,
 * its manifest read and its component sizes taken from the central
 * directory. Blocking (disk, network): run on the pool or the command line. */
#ifndef IBENCH_IPSW_ARCHIVE_H
#define IBENCH_IPSW_ARCHIVE_H
#include <stddef.h>

#include "ipsw_manifest.h"
#include "ipsw_types.h"

struct zip;

/* Opens a local file or an http(s) URL read-only as a libzip archive (a URL is
 * read with HTTP Range requests). check: also verify every local header against
 * the central directory (ZIP_CHECKCONS; local files only). xfer may be NULL.
 * Each handle serves one thread. NULL with a reason. */
struct zip *ipsw_open(const char *file_or_url, int check, struct ipsw_transfer *xfer, char *err, size_t errlen);

/* Opens FILE or URL, checks the archive, reads the manifest and fills component
 * sizes (-1 where a manifest path has no entry). *missing counts those. */
int ipsw_read(const char *path, struct ipsw_manifest *m, int *missing, struct ipsw_transfer *xfer, char *err,
              size_t errlen);
/* The same on an archive already open. */
int ipsw_read_zip(struct zip *z, const char *label, struct ipsw_manifest *m, int *missing, char *err, size_t errlen);

#endif
