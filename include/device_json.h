/* The stable JSON shape of a device (documented in ibench(1)). */
#ifndef IBENCH_DEVICE_JSON_H
#define IBENCH_DEVICE_JSON_H
#include <jansson.h>
#include "bench.h"

json_t *device_to_json(const struct device *d);
/* "iPhone X (Global)  Recovery  1-1.3  ECID 0016519820F8402E ..." for one-line output. */
void device_summary(const struct device *d, char *out, size_t n);

#endif
