/* Fuzz target: restore-engine output, fed in uneven chunks. */
#include <stddef.h>
#include <stdint.h>

#include "engine_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct engine_state s;
    int retry;
    const char *cause, *next;
    engine_parse_init(&s, NULL, NULL);
    for (size_t i = 0; i < size;) {
        size_t n = 1 + (data[i] % 37);
        if (n > size - i) n = size - i;
        engine_parse_feed(&s, (const char *)data + i, n);
        i += n;
    }
    engine_parse_finish(&s);
    engine_triage(&s, size ? data[0] : 0, &retry, &cause, &next);
    if (s.progress < 0 || s.progress > 1000) __builtin_trap();
    return 0;
}
