/* `ibench models --refresh`: the catalog's device list into the cached model
 * table. The JSON is read by the pure model_catalog.c. */
#include "catalog_devices.h"
#include "catalog.h"
#include "model_catalog.h"
#include "fsutil.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEVICES_BODY_MAX (4u << 20)

struct buf { char *data; size_t len, cap; int too_big; };

static int put(struct buf *b, const char *p, size_t n, size_t max)
{
    if (b->len + n > max) { b->too_big = 1; return -1; }
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *q = realloc(b->data, cap);
        if (!q) return -1;
        b->data = q;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

void catalog_devices_path(const struct config *c, char *out, size_t n)
{
    snprintf(out, n, "%s/models-catalog.tsv", c->state_dir);
}

static int emit(void *ctx, const struct model_row *r)
{
    char line[256];
    int n = model_row_format(r, line, sizeof line);
    return n > 0 && (size_t)n < sizeof line ? put(ctx, line, (size_t)n, SIZE_MAX) : -1;
}

int catalog_devices_refresh(const struct config *c, char *err, size_t errlen)
{
    struct buf body = {0}, table = {0};
    static const char head[] = "# The catalog's device list, written by `ibench models --refresh`.\n"
                               "product_type\tmarketing_name\thardware_model\tcpid\tbdid\tfamily\tbutton_scheme\tshort_name\n";
    int rows = -1;
    if (catalog_get(c, "/v4/devices", DEVICES_BODY_MAX, &body.data, &body.len, err, errlen) == 0 && put(&table, head, sizeof head - 1, SIZE_MAX) == 0 &&
        (rows = model_catalog_parse(body.data, body.len, emit, &table, err, errlen)) == 0) {
        snprintf(err, errlen, "the device list has no usable rows");
        rows = -1;
    }
    if (rows > 0) {
        char path[PATH_MAX];
        catalog_devices_path(c, path, sizeof path);
        if (mkdir_p(c->state_dir) < 0 || write_file_atomic(path, table.data, table.len) < 0) {
            snprintf(err, errlen, "cannot write %s", path);
            rows = -1;
        }
    }
    free(body.data);
    free(table.data);
    return rows;
}
