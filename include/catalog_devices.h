/* The catalog's device list fetched into the cached model table
 * (state folder, models-catalog.tsv), for models released after this build.
 * Blocks on the network: the command line only. */
#ifndef IBENCH_CATALOG_DEVICES_H
#define IBENCH_CATALOG_DEVICES_H
#include <stddef.h>
#include "config.h"

/* The cached table's path. */
void catalog_devices_path(const struct config *c, char *out, size_t n);
/* Fetches <api_url>/v4/devices and replaces the cached table with its rows
 * (written atomically). Returns the row count, or -1 with err (the old
 * table stays). */
int catalog_devices_refresh(const struct config *c, char *err, size_t errlen);

#endif
