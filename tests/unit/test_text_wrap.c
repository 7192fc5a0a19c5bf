/* Columns, wrapping and path shortening (text_wrap.h). */
#include <locale.h>
#include <string.h>

#include "tap.h"
#include "text_wrap.h"

static struct text_lines L;
static char buf[512];

static const char *line(const char *s, int i)
{
    snprintf(buf, sizeof buf, "%.*s", (int)L.line[i].len, s + L.line[i].off);
    return buf;
}

TEST(width_counts_columns_not_bytes)
{
    CHECK_INT(text_width("abc", 3), 3);
    CHECK_INT(text_width("\xe2\x86\x93 5", 5), 3);           /* a down arrow is one column */
    CHECK_INT(text_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);  /* two wide characters */
    CHECK_INT(text_fit("\xe6\x97\xa5\xe6\x9c\xac", 6, 3), 3); /* never half a character */
    CHECK_INT(text_fit("abcdef", 6, 4), 4);
}

TEST(wraps_at_blanks_with_a_hanging_width)
{
    const char *s = "Type the last 4 digits of its ECID (...CDEF): ";
    CHECK_INT(text_wrap(s, 20, 30, &L), 2);     /* the blank at the end makes no line */
    CHECK_STR(line(s, 0), "Type the last 4");
    CHECK_STR(line(s, 1), "digits of its ECID (...CDEF):");
    CHECK_INT(text_wrap("", 10, 10, &L), 1);
    CHECK_INT(L.line[0].len, 0);
    CHECK_INT(text_wrap("fits exactly", 12, 12, &L), 1);
}

TEST(a_word_longer_than_a_line_is_cut_where_the_line_ends)
{
    const char *s = "IPSW: /a/very/long/folder/name/iPhone10,1_17.5.1_21F90_Restore.ipsw";
    text_wrap(s, 30, 30, &L);
    CHECK_STR(line(s, 0), "IPSW: /a/very/long/folder/name");
    CHECK_STR(line(s, 1), "/iPhone10,1_17.5.1_21F90_Resto");
    CHECK_STR(line(s, 2), "re.ipsw");
    /* A word that fits a line of its own moves there instead. */
    s = "hold 10 s";
    text_wrap(s, 7, 7, &L);
    CHECK_STR(line(s, 0), "hold 10");
    CHECK_STR(line(s, 1), "s");
}

TEST(leading_blanks_stay_on_the_first_line)
{
    const char *s = " Upload x? [y/N]";
    CHECK_INT(text_wrap(s, 80, 80, &L), 1);
    CHECK_STR(line(s, 0), " Upload x? [y/N]");
}

TEST(too_many_lines_says_so)
{
    char s[400];
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = 0;
    CHECK_INT(text_wrap(s, 2, 2, &L), TEXT_WRAP_MAX);
    CHECK_INT(L.cut, 1);
}

TEST(paths_keep_their_file_name)
{
    const char *p = "/tmp/firmware-cache-on-the-shared-bench-disk/ipsw/iPhone10,1_17.5.1_21F90_Restore.ipsw";
    char out[256];
    text_shorten_path(out, sizeof out, p, 60, "...");
    CHECK_INT((int)strlen(out), 60);
    CHECK(strncmp(out, "/tmp/", 5) == 0);
    CHECK(strstr(out, "...") != NULL);
    CHECK(strstr(out, "/iPhone10,1_17.5.1_21F90_Restore.ipsw") != NULL);
    text_shorten_path(out, sizeof out, p, 200, "...");
    CHECK_STR(out, p);
    text_shorten_path(out, sizeof out, p, 20, "...");    /* the name alone is too long: its end */
    CHECK_STR(out, "...1F90_Restore.ipsw");
    text_shorten_path(out, sizeof out, "/a/b/\xe2\x86\x93\xe2\x86\x93\xe2\x86\x93/name", 12, "\xe2\x80\xa6");
    CHECK_INT(text_width(out, strlen(out)), 12);
    CHECK(strstr(out, "/name") != NULL);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    RUN(width_counts_columns_not_bytes);
    RUN(wraps_at_blanks_with_a_hanging_width);
    RUN(a_word_longer_than_a_line_is_cut_where_the_line_ends);
    RUN(leading_blanks_stay_on_the_first_line);
    RUN(too_many_lines_says_so);
    RUN(paths_keep_their_file_name);
    return TAP_DONE();
}
