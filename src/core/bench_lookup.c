/* Finding and naming the bench's rows (see bench.h): by port, ECID, UDID,
 * row id, or whatever a technician typed; and the words a row is called by
 * in confirmations, messages and the board. Reads the bench only. */
#include "bench.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *device_label(const struct device *d)
{
    static __thread char buf[16];
    if (d->slot[0]) return d->slot;
    if (d->port[0]) return d->port;
    snprintf(buf, sizeof buf, "id %u", d->id);  /* not "#N": that is a row number */
    return buf;
}

const char *device_display_name(const struct device *d)
{
    if (d->model) return d->model->name;
    if (d->product_type[0]) return d->product_type;
    return "Unknown Apple device";
}

const char *device_short_name(const struct device *d)
{
    return d->model ? d->model->short_name : device_display_name(d);
}

void device_ecid_hex(const struct device *d, char out[17])
{
    if (d->has_ecid) snprintf(out, 17, "%016" PRIX64, d->ecid);
    else out[0] = 0;
}

void device_describe(const struct device *d, int short_ecid, char *out, size_t n)
{
    char ecid[17];
    device_ecid_hex(d, ecid);
    snprintf(out, n, "%s (%s%s%s)", device_label(d), device_display_name(d),
             !ecid[0] ? "" : short_ecid ? ", ECID ..." : ", ECID ", short_ecid && ecid[0] ? ecid + 10 : ecid);
}

struct device *bench_find_port(const struct bench *b, const char *port)
{
    if (!port || !*port) return NULL;
    for (int i = 0; i < b->ndev; i++)
        if (strcmp(b->dev[i]->port, port) == 0) return b->dev[i];
    return NULL;
}

struct device *bench_find_ecid(const struct bench *b, uint64_t ecid)
{
    for (int i = 0; i < b->ndev; i++)
        if (b->dev[i]->has_ecid && b->dev[i]->ecid == ecid) return b->dev[i];
    return NULL;
}

struct device *bench_find_udid(const struct bench *b, const char *udid)
{
    if (!udid || !*udid) return NULL;
    for (int i = 0; i < b->ndev; i++)
        if (strcasecmp(b->dev[i]->udid, udid) == 0) return b->dev[i];
    return NULL;
}

struct device *bench_find_id(const struct bench *b, unsigned id)
{
    for (int i = 0; i < b->ndev; i++)
        if (b->dev[i]->id == id) return b->dev[i];
    return NULL;
}

int bench_parse_u64(const char *s, int base, uint64_t *out)
{
    if (!*s || strlen(s) > 20) return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        int dgt;
        if (isdigit((unsigned char)*s)) dgt = *s - '0';
        else if (base == 16 && isxdigit((unsigned char)*s)) dgt = tolower((unsigned char)*s) - 'a' + 10;
        else return -1;
        if (v > (UINT64_MAX - (uint64_t)dgt) / (uint64_t)base) return -1;
        v = v * (uint64_t)base + (uint64_t)dgt;
    }
    *out = v;
    return 0;
}

/* Rows are kept in one order (bench_apply sorts them), which the board and
 * `list` show: the row number is the place in it. */
int bench_row_of(const struct bench *b, const struct device *d)
{
    for (int i = 0; i < b->ndev; i++)
        if (b->dev[i] == d) return i + 1;
    return 0;
}

struct device *bench_resolve(const struct bench *b, const char *what)
{
    if (!what || !*what) return NULL;
    struct device *hit = NULL;
    int n = 0;
    for (int i = 0; i < b->ndev; i++)
        if (b->dev[i]->slot[0] && strcasecmp(b->dev[i]->slot, what) == 0) { hit = b->dev[i]; n++; }
    if (n == 1) return hit;
    if (n > 1) return NULL;
    if ((hit = bench_find_port(b, what)) || (hit = bench_find_udid(b, what))) return hit;
    if (what[0] == '#') {
        uint64_t row;
        return bench_parse_u64(what + 1, 10, &row) == 0 && row >= 1 && row <= (uint64_t)b->ndev ? b->dev[row - 1] : NULL;
    }
    uint64_t v;
    if ((what[0] == '0' && (what[1] == 'x' || what[1] == 'X')))
        return bench_parse_u64(what + 2, 16, &v) == 0 ? bench_find_ecid(b, v) : NULL;
    /* ECIDs are shown in hex; the restore engine prints them in decimal. */
    if (bench_parse_u64(what, 16, &v) == 0 && (hit = bench_find_ecid(b, v))) return hit;
    if (bench_parse_u64(what, 10, &v) == 0 && (hit = bench_find_ecid(b, v))) return hit;
    return NULL;
}
