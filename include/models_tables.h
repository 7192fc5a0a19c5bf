/* The model tables on disk, read at start so that models released after
 * this build are known: the installed table, the cached catalog table and
 * the technician's own, merged over the compiled one (models.h). */
#ifndef IBENCH_MODELS_TABLES_H
#define IBENCH_MODELS_TABLES_H
#include <stdio.h>
#include "config.h"

/* Reads, lowest precedence first: $IBENCH_DATADIR (default the build's data
 * folder)/models.tsv, <state>/models-catalog.tsv, then
 * $XDG_CONFIG_HOME/ibench/models.tsv. Missing files are fine; each malformed
 * row is skipped with "PATH:LINE: reason" on warn. */
void models_tables_load(const struct config *c, FILE *warn);
/* `ibench models --refresh`: fetches the catalog's device list into the
 * cached table and reloads it. Returns the row count or -1 with err. */
int models_tables_refresh(const struct config *c, FILE *warn, char *err, size_t errlen);

#endif
