/* Button guides per scheme, checked against the reference sequences. */
#include <string.h>

#include "guide.h"
#include "model_match.h"
#include "tap.h"

static struct guide g;

static const struct model *M(const char *pt) { return models_by_product(pt); }

TEST(faceid_dfu_is_vol_up_vol_down_then_three_holds)
{
    CHECK(guide_build(M("iPhone10,3"), GUIDE_ENTER_DFU, NULL, &g) == 0);
    CHECK_INT(g.nsteps, 5);
    CHECK(strstr(g.steps[0].text, "Volume Up") && g.steps[0].hold_ms == 0);
    CHECK(strstr(g.steps[1].text, "Volume Down") && g.steps[1].hold_ms == 0);
    CHECK_STR(g.steps[2].text, "Press and hold Side");
    CHECK_INT(g.steps[2].hold_ms, 10000);
    CHECK(strstr(g.steps[3].text, "Side") && strstr(g.steps[3].text, "Volume Down"));
    CHECK_INT(g.steps[3].hold_ms, 5000);
    CHECK_STR(g.steps[4].text, "Release Side; keep holding Volume Down");
    CHECK_INT(g.steps[4].hold_ms, 8000);
}

TEST(ipad_without_home_uses_top)
{
    CHECK(guide_build(M("iPad8,1"), GUIDE_ENTER_DFU, NULL, &g) == 0);
    CHECK_STR(g.power, "Top");
    CHECK_STR(g.steps[2].text, "Press and hold Top");
    CHECK(guide_build(M("iPad8,1"), GUIDE_ENTER_RECOVERY, NULL, &g) == 0);
    CHECK_INT(g.nsteps, 3);
    CHECK_INT(g.steps[2].hold_ms, GUIDE_UNTIL);
}

TEST(voldown_scheme_iphone7_and_ipod7)
{
    CHECK(guide_build(M("iPhone9,1"), GUIDE_ENTER_DFU, NULL, &g) == 0);
    CHECK_INT(g.nsteps, 2);
    CHECK_STR(g.steps[0].text, "Press and hold Side and Volume Down together");
    CHECK_INT(g.steps[0].hold_ms, 10000);
    CHECK_STR(g.steps[1].text, "Release Side; keep holding Volume Down");
    CHECK_INT(g.steps[1].hold_ms, 8000);
    CHECK(guide_build(M("iPod9,1"), GUIDE_ENTER_DFU, NULL, &g) == 0);
    CHECK_STR(g.steps[0].text, "Press and hold Top and Volume Down together");
}

TEST(home_scheme_side_or_top_and_wtf_timing)
{
    CHECK(guide_build(M("iPhone8,1"), GUIDE_ENTER_DFU, NULL, &g) == 0); /* 6s: Side */
    CHECK_STR(g.steps[0].text, "Press and hold Side and Home together");
    CHECK_STR(g.steps[1].text, "Release Side; keep holding Home");
    CHECK_INT(g.steps[1].hold_ms, 8000);
    CHECK(guide_build(M("iPhone6,1"), GUIDE_ENTER_DFU, NULL, &g) == 0); /* 5s: Top */
    CHECK_STR(g.power, "Top");
    CHECK(guide_build(M("iPhone8,4"), GUIDE_ENTER_DFU, NULL, &g) == 0); /* SE 1st gen: Top */
    CHECK_STR(g.power, "Top");
    CHECK(guide_build(M("iPad7,5"), GUIDE_ENTER_RECOVERY, NULL, &g) == 0);
    CHECK(strstr(g.steps[0].text, "Top and Home"));
    CHECK(guide_build(M("iPhone1,1"), GUIDE_ENTER_DFU, NULL, &g) == 0); /* S5L8900 -> WTF */
    CHECK_INT(g.steps[1].hold_ms, 13000);
}

TEST(exits_are_force_restarts)
{
    CHECK(guide_build(M("iPhone14,2"), GUIDE_EXIT_RECOVERY, NULL, &g) == 0);
    CHECK(strstr(g.steps[2].text, "Apple logo") && g.steps[2].hold_ms == GUIDE_UNTIL);
    CHECK(strstr(g.note, "ibench recovery exit"));
    CHECK(guide_build(M("iPhone14,2"), GUIDE_EXIT_DFU, NULL, &g) == 0);
    CHECK(strstr(g.note, "cannot"));
}

TEST(configured_timings_and_unsupported_models)
{
    int ms[3] = {4000, 3000, 10000};
    CHECK(guide_build(M("iPhone12,8"), GUIDE_ENTER_DFU, ms, &g) == 0);
    CHECK_INT(g.steps[2].hold_ms, 4000);
    CHECK_INT(g.steps[3].hold_ms, 3000);
    CHECK_INT(g.steps[4].hold_ms, 10000);
    const struct model *watch = NULL;
    for (size_t i = 0; i < models_count && !watch; i++)
        if (models_table[i].scheme == SCHEME_NONE) watch = &models_table[i];
    CHECK(watch && guide_build(watch, GUIDE_ENTER_DFU, NULL, &g) < 0);
    CHECK(guide_build(NULL, GUIDE_ENTER_DFU, NULL, &g) < 0);
    CHECK_INT(guide_action_parse("exit-dfu"), GUIDE_EXIT_DFU);
    CHECK_INT(guide_action_parse("sideways"), -1);
}

TEST(advice_covers_the_basics)
{
    int n = 0, has4013 = 0, has3194 = 0, update = 0;
    for (; guide_advice[n]; n++) {
        has4013 |= strstr(guide_advice[n], "4013") != NULL;
        has3194 |= strstr(guide_advice[n], "3194") != NULL;
        update |= strstr(guide_advice[n], "Update before Restore") != NULL;
    }
    CHECK(n >= 6 && has4013 && has3194 && update);
}

/* Matching what was typed, and when one guide serves several models. */
TEST(matching_typed_models)
{
    const struct model *fit[16];
    CHECK_INT((long)models_match("iPhone 7", fit, 16), 4);
    CHECK_STR(fit[0]->product_type, "iPhone9,1");
    CHECK_INT((long)models_match("IPHONE9,1", fit, 16), 1);
    CHECK_STR(fit[0]->product_type, "iPhone9,1");
    CHECK_INT((long)models_match("d10ap", fit, 16), 1);
    CHECK_INT((long)models_match("iPhone 7 (Global)", fit, 16), 1);
    /* A word must end where the typed text ends: "iPhone 1" is not iPhone 11. */
    CHECK_INT((long)models_match("iPhone 1", fit, 16), 0);
    CHECK_INT((long)models_match("iPhone 5s", fit, 16), 2);   /* (GSM) and (Global) */
    CHECK_INT((long)models_match("iPhone 6s", fit, 16), 1);   /* a whole name is that model, not 6s Plus too */
    CHECK_STR(fit[0]->product_type, "iPhone8,1");
    CHECK_INT((long)models_match("", fit, 16), 0);
    CHECK(models_match("iPad Pro", fit, 2) > 2);                    /* the count goes past max */
    CHECK_STR(models_nearest("iphne 7")->product_type, "iPhone9,1");
    CHECK(models_nearest("zzzzzz") == NULL);
    CHECK(guide_same(models_by_product("iPhone9,1"), models_by_product("iPhone9,2"), NULL));
    CHECK(guide_same(models_by_product("iPhone10,1"), models_by_product("iPhone16,2"), NULL));
    CHECK(!guide_same(models_by_product("iPad4,1"), models_by_product("iPad13,1"), NULL));
    CHECK(!guide_same(models_by_product("iPhone9,1"), models_by_product("iPod9,1"), NULL)); /* Side, not Top */
}

int main(void)
{
    RUN(faceid_dfu_is_vol_up_vol_down_then_three_holds);
    RUN(ipad_without_home_uses_top);
    RUN(voldown_scheme_iphone7_and_ipod7);
    RUN(home_scheme_side_or_top_and_wtf_timing);
    RUN(exits_are_force_restarts);
    RUN(configured_timings_and_unsupported_models);
    RUN(advice_covers_the_basics);
    RUN(matching_typed_models);
    return TAP_DONE();
}
