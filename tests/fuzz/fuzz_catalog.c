/* Fuzz target: firmware catalog JSON from a server. */
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct catalog c;
    char err[256];
    if (catalog_parse((const char *)data, size, &c, err, sizeof err) == 0) catalog_newest(&c);
    return 0;
}
