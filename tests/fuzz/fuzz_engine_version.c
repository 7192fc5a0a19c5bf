/* Fuzz target: a restore engine's version line and --help text (engine_version.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct engine_info e;
    memset(&e, 0, sizeof e);
    size_t cut = size ? data[0] % (size + 1) : 0;     /* the first part is the version line, the rest the help */
    e.opts = engine_help_parse((const char *)data + cut, size - cut);
    engine_version_parse(&e, (const char *)data, cut);
    if (strlen(e.version) >= sizeof e.version || strlen(e.suffix) >= sizeof e.suffix || strlen(e.git_hash) >= sizeof e.git_hash)
        __builtin_trap();
    char why[600], limits[400], ios[64], product[64];
    size_t a = size - cut < sizeof ios - 1 ? size - cut : sizeof ios - 1;   /* the help text's start as an iOS version, */
    memcpy(ios, data + cut, a);
    ios[a] = 0;
    size_t b = cut < sizeof product - 1 ? cut : sizeof product - 1;          /* the version line's as a product type */
    memcpy(product, data, b);
    product[b] = 0;
    engine_can_restore(&e, ios, product, why, sizeof why);
    engine_limits(&e, limits, sizeof limits);
    if (e.kind == ENGINE_2020 && e.commits > 0) __builtin_trap();   /* never a git build read as 2020 */
    return 0;
}
