/* `ibench models --refresh`: the catalog's device list into the cached model
 * table. The JSON is read by the pure model_catalog.c. */
#include "catalog_devices.h"
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

static size_t on_data(char *p, size_t sz, size_t nm, void *ud)
{
    return put(ud, p, sz * nm, DEVICES_BODY_MAX) == 0 ? sz * nm : 0;
}

static int get(const struct config *c, struct buf *b, char *err, size_t errlen)
{
    char url[1024], ebuf[CURL_ERROR_SIZE] = "";
    snprintf(url, sizeof url, "%s/v4/devices", c->api_url);
    CURL *h = curl_easy_init();
    if (!h) { snprintf(err, errlen, "cannot start HTTP"); return -1; }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ibench/" IBENCH_VERSION);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", b->too_big ? "device list too large" : ebuf[0] ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    if (status != 200) { snprintf(err, errlen, "catalog server answered HTTP %ld for the device list", status); return -1; }
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
    if (get(c, &body, err, errlen) == 0 && put(&table, head, sizeof head - 1, SIZE_MAX) == 0 &&
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
