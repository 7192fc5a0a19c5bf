/* Columns, wrapping and path shortening for the console (text_wrap.h).
 * UTF-8 is decoded here rather than with mbrtowc so that the byte
 * boundaries never depend on the locale; only a character's width does
 * (wcwidth), and an unknown width counts as one column. */
#include "text_wrap.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Length in bytes of the character at s (at least 1) and its columns. */
static size_t next_char(const char *s, size_t len, int *cols)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] < 0x80 ? 1 : u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
    if (n > len) n = len;
    wchar_t wc = n == 1 ? u[0] : u[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) { n = i; break; }   /* broken: take what was whole */
        wc = (wc << 6) | (u[i] & 0x3f);
    }
    int w = wcwidth(wc);
    *cols = w < 0 ? 1 : w;
    return n;
}

int text_width(const char *s, size_t len)
{
    int cols = 0, w;
    for (size_t i = 0; i < len && s[i];) {
        i += next_char(s + i, len - i, &w);
        cols += w;
    }
    return cols;
}

size_t text_fit(const char *s, size_t len, int cols)
{
    size_t i = 0;
    int used = 0, w;
    while (i < len && s[i]) {
        size_t k = next_char(s + i, len - i, &w);
        if (used + w > cols) break;
        used += w;
        i += k;
    }
    return i;
}

/* Columns of the word starting at s (up to the next blank). */
static int word_width(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] && s[n] != ' ') n++;
    return text_width(s, n);
}

int text_wrap(const char *s, int first, int rest, struct text_lines *out)
{
    size_t len = s ? strlen(s) : 0, pos = 0;
    out->n = 0;
    out->cut = 0;
    if (first < 1) first = 1;
    if (rest < 1) rest = 1;
    do {
        if (out->n == TEXT_WRAP_MAX) { out->cut = 1; break; }
        int limit = out->n ? rest : first, used = 0, w;
        size_t i = pos, brk = 0;     /* brk: the last blank a line may end at */
        while (i < len) {
            size_t k = next_char(s + i, len - i, &w);
            if (used + w > limit) break;
            if (s[i] == ' ' && i > pos) brk = i;
            used += w;
            i += k;
        }
        size_t end = i;
        if (i < len && s[i] != ' ' && brk && word_width(s + brk + 1, len - brk - 1) <= rest) end = brk;
        if (end == pos && i < len) end = pos + next_char(s + pos, len - pos, &w);  /* wider than the line */
        size_t e = end;
        while (e > pos && s[e - 1] == ' ') e--;
        out->line[out->n].off = pos;
        out->line[out->n].len = e - pos;
        out->n++;
        pos = end;
        while (pos < len && s[pos] == ' ') pos++;
    } while (pos < len);
    return out->n;
}

/* Bytes from the end of s (len bytes) that fit in cols columns, whole characters. */
static size_t tail_fit(const char *s, size_t len, int cols)
{
    int left = text_width(s, len), w;     /* columns from i to the end */
    size_t i = 0;
    while (i < len && left > cols) {
        i += next_char(s + i, len - i, &w);
        left -= w;
    }
    return len - i;
}

void text_shorten_path(char *out, size_t n, const char *path, int cols, const char *ellipsis)
{
    size_t len = strlen(path);
    int ew = text_width(ellipsis, strlen(ellipsis));
    if (text_width(path, len) <= cols || cols <= ew) {
        snprintf(out, n, "%.*s", (int)text_fit(path, len, cols), path);
        return;
    }
    const char *slash = strrchr(path, '/');
    const char *name = slash && slash[1] ? slash + 1 : path;
    int nw = text_width(name, strlen(name)), room = cols - ew;
    if (name == path || nw >= room) {
        size_t keep = tail_fit(path, len, room);
        snprintf(out, n, "%s%s", ellipsis, path + len - keep);
        return;
    }
    /* Half of what is left over keeps the folder's start, half its end. */
    int spare = room - nw;
    size_t tail = tail_fit(path, len, nw + spare / 2);
    size_t head = text_fit(path, len - tail, room - text_width(path + len - tail, tail));
    snprintf(out, n, "%.*s%s%s", (int)head, path, ellipsis, path + len - tail);
}
