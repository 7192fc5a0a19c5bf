/* The DFU countdown, driven by synthetic time and port events. */
#include <string.h>

#include "dfu_helper.h"
#include "tap.h"

static struct dfu_helper H;

static void setup(const char *product)
{
    struct guide g;
    guide_build(models_by_product(product), GUIDE_ENTER_DFU, NULL, &g);
    dfu_helper_init(&H, &g, "1-1.3", 10000);
    dfu_helper_start(&H, 0);
}

TEST(counts_down_through_the_steps)
{
    setup("iPhone10,3"); /* 1 s, 1 s, 10 s, 5 s, 8 s */
    CHECK_INT(H.state, DFU_RUNNING);
    CHECK_INT(H.step, 0);
    dfu_helper_tick(&H, 1500);
    CHECK_INT(H.step, 1);
    dfu_helper_tick(&H, 2000);
    CHECK_INT(H.step, 2);
    CHECK_INT(dfu_helper_ms_left(&H, 5000), 7000);
    dfu_helper_tick(&H, 12000);
    CHECK_INT(H.step, 3);
    dfu_helper_tick(&H, 25000);
    CHECK_INT(H.state, DFU_WAITING);
    CHECK_INT(dfu_helper_ms_left(&H, 25000), 10000);
}

TEST(dfu_on_the_port_is_success)
{
    setup("iPhone10,3");
    dfu_helper_tick(&H, 13000);
    dfu_helper_on_device(&H, 13000, "1-1.3", MODE_RECOVERY, false); /* screen goes black: expected */
    CHECK_INT(H.state, DFU_RUNNING);
    dfu_helper_on_device(&H, 19000, "1-1.3", MODE_DFU, true);
    CHECK_INT(H.state, DFU_SUCCESS);
    CHECK(strstr(H.message, "DFU reached"));
    dfu_helper_tick(&H, 60000);
    CHECK_INT(H.state, DFU_SUCCESS);
}

TEST(recovery_after_leaving_means_held_too_long)
{
    setup("iPad8,1");
    dfu_helper_on_device(&H, 3000, "1-1.3", MODE_NORMAL, false);
    dfu_helper_on_device(&H, 9000, "1-1.3", MODE_RECOVERY, true);
    CHECK_INT(H.state, DFU_HELD_TOO_LONG);
    CHECK(strstr(H.message, "Top was held too long"));
}

TEST(nothing_happening_says_check_the_cable)
{
    setup("iPhone9,1"); /* 10 s + 8 s, then 10 s of watching */
    dfu_helper_tick(&H, 27999);
    CHECK_INT(H.state, DFU_WAITING);
    dfu_helper_tick(&H, 28000);
    CHECK_INT(H.state, DFU_NOTHING);
    CHECK(strstr(H.message, "check the cable"));
}

TEST(other_ports_are_ignored_and_retry_and_cancel_work)
{
    setup("iPhone8,1");
    dfu_helper_on_device(&H, 100, "1-1.4", MODE_DFU, true);
    CHECK_INT(H.state, DFU_RUNNING);
    dfu_helper_cancel(&H);
    CHECK_INT(H.state, DFU_CANCELLED);
    CHECK(!dfu_helper_active(&H));
    dfu_helper_on_device(&H, 200, "1-1.3", MODE_DFU, true);
    CHECK_INT(H.state, DFU_CANCELLED);
    dfu_helper_start(&H, 1000); /* try again */
    CHECK_INT(H.state, DFU_RUNNING);
    CHECK_INT(H.step, 0);
    dfu_helper_on_device(&H, 2000, "1-1.3", MODE_RECOVERY, true); /* still there, never left: not a verdict */
    CHECK_INT(H.state, DFU_RUNNING);
}

int main(void)
{
    RUN(counts_down_through_the_steps);
    RUN(dfu_on_the_port_is_success);
    RUN(recovery_after_leaving_means_held_too_long);
    RUN(nothing_happening_says_check_the_cable);
    RUN(other_ports_are_ignored_and_retry_and_cancel_work);
    return TAP_DONE();
}
