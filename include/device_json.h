/* The stable JSON shape of a device (documented in ibench(1)). */
#ifndef IBENCH_DEVICE_JSON_H
#define IBENCH_DEVICE_JSON_H
#include <jansson.h>
#include "bench.h"

/* now_ms (monotonic, as the bench's times) and wall_ms (real time) are the
 * same moment: they turn the row's mode_since_ms into a wall-clock time. */
json_t *device_to_json(const struct device *d, int64_t now_ms, int64_t wall_ms);
/* "iPhone X (Global)  Recovery  1-1.3  ECID 0016519820F8402E ..." for one-line output. */
void device_summary(const struct device *d, char *out, size_t n);

#endif
