/* Spans of time in words (see duration.h). Two units at most, the smaller
 * zero-padded, so a column of them lines up and never reads like "1m 5". */
#include "duration.h"

#include <inttypes.h>
#include <stdio.h>

#define SEC 1000
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

void duration_format(char *out, size_t n, int64_t ms)
{
    if (ms < 0) ms = 0;
    int64_t s = ms / SEC;
    if (ms < MIN) snprintf(out, n, "%" PRId64 "s", s);
    else if (ms < 10 * MIN) snprintf(out, n, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
    else if (ms < HOUR) snprintf(out, n, "%" PRId64 "m", s / 60);
    else if (ms < DAY) snprintf(out, n, "%" PRId64 "h %02" PRId64 "m", s / 3600, s / 60 % 60);
    else snprintf(out, n, "%" PRId64 "d %02" PRId64 "h", s / 86400, s / 3600 % 24);
}

void duration_format_left(char *out, size_t n, int64_t ms)
{
    duration_format(out, n, (ms + 999) / 1000 * 1000);
}

void duration_ago(char *out, size_t n, int64_t ms)
{
    char d[32];
    duration_format(d, sizeof d, ms);
    snprintf(out, n, "%s ago", d);
}

int64_t duration_next_change(int64_t ms)
{
    if (ms < 0) return -ms;
    int64_t unit = ms < 10 * MIN ? SEC : ms < DAY ? MIN : HOUR;
    return unit - ms % unit;
}
