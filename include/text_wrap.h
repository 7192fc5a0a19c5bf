/* Text laid out in terminal columns: the display width of UTF-8 text,
 * word wrapping with a hanging indent, and a path shortened in its middle
 * so that its file name stays whole. Pure: the console draws what these
 * compute. The text is sanitized first (sanitize.h): valid UTF-8 with no
 * control characters; a character wcwidth() does not know counts as one
 * column. */
#ifndef IBENCH_TEXT_WRAP_H
#define IBENCH_TEXT_WRAP_H
#include <stddef.h>

#define TEXT_WRAP_MAX 64        /* lines one wrap gives at most */

struct text_lines {
    int n;                      /* lines */
    int cut;                    /* 1 when the text needed more than TEXT_WRAP_MAX lines */
    struct { size_t off, len; } line[TEXT_WRAP_MAX];   /* byte spans of the text */
};

/* Columns that len bytes of s take. */
int text_width(const char *s, size_t len);
/* Bytes of the longest whole-character prefix of s (len bytes) that fits
 * in cols columns. */
size_t text_fit(const char *s, size_t len, int cols);
/* Wraps s into lines: the first at most `first` columns wide, the others
 * `rest`. Lines break at blanks, which the break drops; a word longer than
 * a whole line is cut at a character boundary where the line ends. An
 * empty s gives one empty line. Returns out->n. */
int text_wrap(const char *s, int first, int rest, struct text_lines *out);
/* path in at most cols columns: whole if it fits; else its last component
 * whole, the folder part before it cut in the middle with `ellipsis`; a
 * name too long even alone keeps its end. */
void text_shorten_path(char *out, size_t n, const char *path, int cols, const char *ellipsis);

#endif
