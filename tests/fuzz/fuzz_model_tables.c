/* Fuzz target: model table rows as a technician or a file on disk gives them,
 * and the catalog's device list; every row either side accepts is added to
 * the merged table, looked up, and the table reset. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model_catalog.h"
#include "models.h"

static int add(void *ctx, const struct model_row *r)
{
    (void)ctx;
    if (strlen(r->short_name) > MODEL_SHORT_MAX || !r->name[0]) __builtin_trap();
    return models_add(r, MODEL_CATALOG, "catalog");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char err[160];
    struct model_row r;
    /* Line by line, as a table file is read. */
    for (size_t at = 0; at < size;) {
        const char *nl = memchr(s + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (s + at)) : size - at;
        if (model_row_parse(s + at, len, &r, err, sizeof err) == 1) add(NULL, &r);
        at += len + 1;
    }
    model_catalog_parse(s, size, add, NULL, err, sizeof err);
    const struct model *m = models_by_chip(0x8160, 0x0c);
    if (m && (!m->short_name || !m->source)) __builtin_trap();
    models_reset();
    return 0;
}
