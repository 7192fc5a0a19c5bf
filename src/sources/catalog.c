/* Catalog fetch (curl, blocking: the pool or the command line) and its copy
 * on disk; the parser is the pure catalog_parse.c. */
#include "catalog.h"
#include "sanitize.h"
#include "fsutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CATALOG_BODY_MAX (8u << 20)

struct body { char *data; size_t len, max; int too_big; };

static size_t on_data(char *p, size_t sz, size_t nm, void *ud)
{
    struct body *b = ud;
    size_t n = sz * nm;
    if (b->len + n > b->max) { b->too_big = 1; return 0; }
    char *q = realloc(b->data, b->len + n + 1);
    if (!q) return 0;
    b->data = q;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return n;
}

static void cache_file(const struct config *c, const char *product, char *out, size_t n)
{
    snprintf(out, n, "%s/catalog/%s.json", c->state_dir, product);
}

int catalog_get(const struct config *c, const char *what, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
    char url[1024], ebuf[CURL_ERROR_SIZE] = "";
    struct body body = {.max = max}, *b = &body;
    *data = NULL;
    *len = 0;
    snprintf(url, sizeof url, "%s%s", c->api_url, what);
    CURL *h = curl_easy_init();
    if (!h) { snprintf(err, errlen, "cannot start HTTP"); return -1; }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)c->low_speed_bps);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)c->low_speed_s);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "ibench/" IBENCH_VERSION);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", b->too_big ? "catalog answer too large" : ebuf[0] ? ebuf : curl_easy_strerror(rc));
        free(b->data);
        return -1;
    }
    if (status != 200) { snprintf(err, errlen, "catalog server answered HTTP %ld for %s", status, what); free(b->data); return -1; }
    *data = b->data;
    *len = b->len;
    return 0;
}

int catalog_load(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen)
{
    memset(cat, 0, sizeof *cat);
    if (!catalog_is_token(product) || strlen(product) >= sizeof cat->product) {
        snprintf(err, errlen, "'%s' is not a product type", product);
        return -1;
    }
    snprintf(cat->product, sizeof cat->product, "%s", product);
    char path[PATH_MAX], ferr[256] = ""; /* stays "" when the fetch worked and the parse failed */
    cache_file(c, product, path, sizeof path);
    struct body b = {0};
    char what[128];
    snprintf(what, sizeof what, "/v4/device/%s?type=ipsw", product);
    if (catalog_get(c, what, CATALOG_BODY_MAX, &b.data, &b.len, ferr, sizeof ferr) == 0 &&
        catalog_parse(b.data, b.len, cat, err, errlen) == 0) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s/catalog", c->state_dir);
        mkdir_p(dir);
        write_file_atomic(path, b.data, b.len); /* a failed cache write only costs offline use */
        cat->fetched = time(NULL);
        free(b.data);
        return 0;
    } else if (b.data && !ferr[0]) {
        snprintf(ferr, sizeof ferr, "%s", err);
    }
    free(b.data);
    /* Offline, or the server misbehaved: fall back to the last good answer. */
    char cerr[256];
    int rc = catalog_load_cached(c, product, cat, cerr, sizeof cerr);
    if (rc < 0) { snprintf(err, errlen, "catalog unavailable: %s (and %s)", ferr, cerr); return -1; }
    snprintf(cat->note, sizeof cat->note, "offline: %s", ferr);
    return 0;
}

int catalog_load_cached(const struct config *c, const char *product, struct catalog *cat, char *err, size_t errlen)
{
    memset(cat, 0, sizeof *cat);
    if (!catalog_is_token(product) || strlen(product) >= sizeof cat->product) {
        snprintf(err, errlen, "'%s' is not a product type", product);
        return -1;
    }
    snprintf(cat->product, sizeof cat->product, "%s", product);
    char path[PATH_MAX];
    cache_file(c, product, path, sizeof path);
    /* The state folder may be shared: a link planted at the copy's name is not followed. */
    int fd = fsutil_open_regular(path, O_RDONLY, 0);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f && fd >= 0) close(fd);
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0 || st.st_size <= 0 || st.st_size > (off_t)CATALOG_BODY_MAX) {
        if (f) fclose(f);
        snprintf(err, errlen, "no catalog copy was ever fetched");
        return -1;
    }
    char *data = malloc((size_t)st.st_size);
    size_t got = data ? fread(data, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    char perr[128];
    int rc = got == (size_t)st.st_size ? catalog_parse(data, got, cat, perr, sizeof perr) : -1;
    free(data);
    if (rc < 0) { snprintf(err, errlen, "cached copy unreadable"); return -1; }
    cat->from_cache = true;
    cat->fetched = st.st_mtime;
    cat->stale = time(NULL) - st.st_mtime > c->catalog_max_age_s;
    return 0;
}

int catalog_cached_at(const struct config *c, const char *product, time_t *when)
{
    char path[PATH_MAX];
    struct stat st;
    if (!catalog_is_token(product)) return -1;
    cache_file(c, product, path, sizeof path);
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) return -1;
    *when = st.st_mtime;
    return 0;
}
