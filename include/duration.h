/* The one notation for spans of time in the console and the command line:
 * "13s", "4m 05s", "25m", "2h 10m", "3d 04h". Seconds show for the first ten
 * minutes, so a young device's time in its mode moves every second; older
 * spans coarsen, and an idle screen changes once a minute at most. "ago" is
 * added only for past events. Pure. */
#ifndef IBENCH_DURATION_H
#define IBENCH_DURATION_H
#include <stddef.h>
#include <stdint.h>

/* ms < 0 counts as 0 (a clock read a moment before the event). */
void duration_format(char *out, size_t n, int64_t ms);
/* A span still to run, in whole seconds rounded up (a countdown never
 * shows 0s while time is left). */
void duration_format_left(char *out, size_t n, int64_t ms);
/* A past event: "13s ago", "2h 10m ago". */
void duration_ago(char *out, size_t n, int64_t ms);
/* Milliseconds until duration_format's text for a span of ms changes: a
 * timer that wakes then redraws only when something visible moved. */
int64_t duration_next_change(int64_t ms);

#endif
