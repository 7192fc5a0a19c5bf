/* The one sanitizer for outward strings (sanitize.h): escape sequences go
 * whole, C0/C1 controls and bidi overrides go, broken UTF-8 becomes '?',
 * and a cut never lands inside a UTF-8 sequence. */
#include <string.h>

#include "sanitize.h"
#include "tap.h"

static char out[256];
static const char *clean(const char *s) { sanitize_text(out, sizeof out, s, strlen(s)); return out; }

TEST(escape_sequences_are_dropped_whole)
{
    CHECK_STR(clean("F2LZ\x1b[31mEVIL\x1b[0m"), "F2LZEVIL");            /* CSI with parameters */
    CHECK_STR(clean("a\x1b[?1049hb"), "ab");                           /* private CSI */
    CHECK_STR(clean("x\x1b]0;pwned\x07y"), "xy");                      /* OSC ended by BEL */
    CHECK_STR(clean("x\x1b]2;title\x1b\\y"), "xy");                    /* OSC ended by ST */
    CHECK_STR(clean("x\x1b]8;;http://e/\x1b\\link\x1b]8;;\x1b\\"), "xlink"); /* hyperlink */
    CHECK_STR(clean("x\x1bPq#0;2;0;0;0\x1b\\y"), "xy");                /* DCS */
    CHECK_STR(clean("x\x1b(0y"), "xy");                                /* charset switch */
    CHECK_STR(clean("x\x1b" "cy"), "xy");                              /* reset */
    CHECK_STR(clean("x\xc2\x9b" "2Jy"), "xy");                         /* C1 CSI */
    CHECK_STR(clean("x\xc2\x9d" "0;t\x07y"), "xy");                    /* C1 OSC */
    CHECK_STR(clean("x\x1b]0;never ended"), "x");                      /* unterminated string */
    CHECK_STR(clean("tail\x1b"), "tail");
}

TEST(controls_and_bidi_are_dropped)
{
    CHECK_STR(clean("a\x01\x07\x08\t\r\nb\x7f"), "ab");
    CHECK_STR(clean("a\xc2\x80\xc2\x85\xc2\x99" "b"), "ab");           /* C1 U+0080-U+009F */
    CHECK_STR(clean("a\xc2\x9f" "apc\xc2\x9c" "b"), "ab");              /* C1 APC ... ST */
    CHECK_STR(clean("evil\xe2\x80\xaetxt.exe"), "eviltxt.exe");        /* U+202E */
    CHECK_STR(clean("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad" "a"), "a");
    CHECK_STR(clean("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9" "b"), "b"); /* U+2066-U+2069 */
    CHECK_STR(clean("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xb1"), "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xb1");
    CHECK_STR(clean("\xc2\xa0nbsp"), "\xc2\xa0nbsp");                  /* U+00A0 is printable */
}

TEST(broken_utf8_is_replaced)
{
    CHECK_STR(clean("a\xff" "b"), "a?b");
    CHECK_STR(clean("\xc0\xaf"), "??");                                /* overlong */
    CHECK_STR(clean("\xed\xa0\x80"), "???");                           /* surrogate */
    CHECK_STR(clean("\xf4\x90\x80\x80"), "????");                      /* past U+10FFFF */
    CHECK_STR(clean("cut \xe2\x80"), "cut ??");                        /* truncated sequence */
    CHECK_STR(clean("\x9b" "31m"), "?31m");                            /* a raw C1 byte is not UTF-8 */
}

TEST(cuts_fall_on_character_boundaries)
{
    char small[6];
    CHECK_INT(sanitize_text(small, sizeof small, "\xc3\xa9\xc3\xa9\xc3\xa9", 6), 4);
    CHECK_STR(small, "\xc3\xa9\xc3\xa9");
    CHECK_INT(sanitize_text(small, sizeof small, "ab\xf0\x9f\x93\xb1", 6), 2);
    CHECK_STR(small, "ab");
    /* srclen cuts the source mid-sequence: the fragment is broken UTF-8 */
    CHECK_INT(sanitize_text(small, sizeof small, "a\xc3\xa9", 2), 2);
    CHECK_STR(small, "a?");
    char one[1] = {'x'};
    CHECK_INT(sanitize_text(one, 1, "abc", 3), 0);
    CHECK(one[0] == 0);
    CHECK_INT(sanitize_text(small, 0, "abc", 3), 0);
    sanitize_text(small, sizeof small, NULL, 5);
    CHECK_STR(small, "");
}

TEST(in_place_and_json)
{
    char s[64] = "Bob\x1b[7m \xe2\x80\xae\x07phone\xc3";
    CHECK_INT(sanitize_inplace(s, sizeof s), strlen("Bob phone?"));
    CHECK_STR(s, "Bob phone?");
    /* every sanitized string is valid UTF-8, so a JSON writer never drops it */
    char q[64];
    json_quote(q, sizeof q, s);
    CHECK_STR(q, "\"Bob phone?\"");
    CHECK_INT(sanitize_inplace(NULL, 4), 0);
}

int main(void)
{
    RUN(escape_sequences_are_dropped_whole);
    RUN(controls_and_bidi_are_dropped);
    RUN(broken_utf8_is_replaced);
    RUN(cuts_fall_on_character_boundaries);
    RUN(in_place_and_json);
    return TAP_DONE();
}
