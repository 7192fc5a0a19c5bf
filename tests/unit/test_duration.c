/* One notation for spans of time (duration.h). */
#include "duration.h"
#include "tap.h"

static char buf[32];
static const char *fmt(int64_t ms) { duration_format(buf, sizeof buf, ms); return buf; }

TEST(spans_in_one_notation)
{
    CHECK_STR(fmt(0), "0s");
    CHECK_STR(fmt(-400), "0s");               /* read a moment before the event */
    CHECK_STR(fmt(13999), "13s");
    CHECK_STR(fmt(59999), "59s");
    CHECK_STR(fmt(60000), "1m 00s");
    CHECK_STR(fmt(245000), "4m 05s");
    CHECK_STR(fmt(599999), "9m 59s");
    CHECK_STR(fmt(600000), "10m");            /* past ten minutes the seconds go */
    CHECK_STR(fmt(3599999), "59m");
    CHECK_STR(fmt(3600000), "1h 00m");
    CHECK_STR(fmt(7800000 + 59000), "2h 10m");
    CHECK_STR(fmt(86400000LL * 3 + 4 * 3600000LL), "3d 04h");
}

TEST(past_events_say_ago)
{
    duration_ago(buf, sizeof buf, 6000);
    CHECK_STR(buf, "6s ago");
    duration_ago(buf, sizeof buf, 245000);
    CHECK_STR(buf, "4m 05s ago");
}

TEST(next_change_ticks_seconds_while_young_then_minutes)
{
    CHECK_INT(duration_next_change(0), 1000);
    CHECK_INT(duration_next_change(12300), 700);
    CHECK_INT(duration_next_change(599500), 500);        /* 9m 59s -> 10m */
    CHECK_INT(duration_next_change(600000), 60000);      /* then minutes move */
    CHECK_INT(duration_next_change(3600000), 60000);
    CHECK_INT(duration_next_change(3630000), 30000);
    CHECK_INT(duration_next_change(86400000), 3600000);  /* days: hours move */
    CHECK_INT(duration_next_change(-250), 250);
}

int main(void)
{
    RUN(spans_in_one_notation);
    RUN(past_events_say_ago);
    RUN(next_change_ticks_seconds_while_young_then_minutes);
    return TAP_DONE();
}
