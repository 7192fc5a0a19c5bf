/* Which models a technician means by what they typed: a product type
 * (iPhone9,1), a board (d10ap), or the start of a marketing name ("iPhone 7",
 * "ipad air"), case-insensitive; and the nearest names when nothing fits. Pure. */
#ifndef IBENCH_MODEL_MATCH_H
#define IBENCH_MODEL_MATCH_H
#include <stddef.h>
#include "models.h"

/* Fills out[] (up to max) with one row per product type that fits, in table
 * order, and returns how many fit (may exceed max). An exact product type,
 * board or whole name gives that model alone. */
size_t models_match(const char *what, const struct model **out, size_t max);
/* The row whose name, product type or board is nearest to what (edit
 * distance, case-insensitive), or NULL when none is reasonably close. */
const struct model *models_nearest(const char *what);

#endif
