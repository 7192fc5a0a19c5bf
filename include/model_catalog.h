/* The catalog's device list as model table rows (pure; the fetch is
 * catalog_devices.h). */
#ifndef IBENCH_MODEL_CATALOG_H
#define IBENCH_MODEL_CATALOG_H
#include <stddef.h>
#include "models.h"

/* Called once per good row; returns 0 to count it, -1 on failure (out of memory). */
typedef int (*model_catalog_emit)(void *ctx, const struct model_row *r);

/* Parses /v4/devices (len bytes of JSON): one row per board of each device;
 * entries without an identifier, name, board, CPID or BDID are skipped.
 * Returns the rows emitted, or -1 with err when the answer is not a list. */
int model_catalog_parse(const char *json, size_t len, model_catalog_emit emit, void *ctx, char *err, size_t errlen);
/* One table line (with newline) in models.tsv's columns; returns snprintf's count. */
int model_row_format(const struct model_row *r, char *out, size_t n);

#endif
