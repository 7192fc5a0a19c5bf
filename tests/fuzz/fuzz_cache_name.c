/* Fuzz target: file names in the shared firmware cache folder, and the sizes
 * given to `fw prune --max-size` (both come from outside ibench). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    char product[32], version[32], build[32];
    if (fw_cache_parse_name(s, product, version, build) == 0) {
        /* Whatever parsed must be a bounded, NUL-terminated token. */
        if (strlen(product) >= 32 || strlen(version) >= 32 || strlen(build) >= 32) abort();
    }
    (void)fw_cache_parse_size(s);
    free(s);
    return 0;
}
