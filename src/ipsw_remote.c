/* Remote archives: placeholder until the Range-backed source lands. */
#include "ipsw.h"

#include <stdio.h>
#include <zip.h>

zip_source_t *ipsw_remote_source(const char *url, struct ipsw_transfer *xfer, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: remote archives are not supported yet", url);
    return NULL;
}
