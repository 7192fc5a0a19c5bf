/* Fuzz target: device text laid out for the console. Sanitized first, as
 * the console does; then every wrapped line must lie inside the text, in
 * order, and fit its width (a line may hold one character wider than the
 * width, or nothing could be drawn); a shortened path must fit its width. */
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sanitize.h"
#include "text_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) { setlocale(LC_ALL, "C.UTF-8"); ready = 1; }
    if (size < 2) return 0;
    int first = data[0] % 90, rest = data[1] % 90;
    char text[512], out[512];
    sanitize_text(text, sizeof text, (const char *)data + 2, size - 2);
    struct text_lines L;
    int n = text_wrap(text, first, rest, &L);
    size_t len = strlen(text), end = 0;
    if (n < 1 || n > TEXT_WRAP_MAX) __builtin_trap();
    for (int i = 0; i < n; i++) {
        int limit = (i ? rest : first) < 1 ? 1 : (i ? rest : first);
        if (L.line[i].off < end || L.line[i].off + L.line[i].len > len) __builtin_trap();
        int w = text_width(text + L.line[i].off, L.line[i].len);
        if (w > limit && text_fit(text + L.line[i].off, L.line[i].len, limit) != 0) __builtin_trap();
        end = L.line[i].off + L.line[i].len;
    }
    text_shorten_path(out, sizeof out, text, first, "...");
    if (text_width(out, strlen(out)) > (first > 3 ? first : 3)) __builtin_trap();
    return 0;
}
