/* Fuzz target: serial and nonce strings straight from a device, and the
 * sanitizer/JSON quoting their text goes through. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sanitize.h"
#include "serial.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct serial_info si;
    struct nonce_info ni;
    char err[160], out[256], q[256];
    serial_parse((const char *)data, size, &si, err, sizeof err);
    nonce_parse((const char *)data, size, &ni, err, sizeof err);
    sanitize_text(out, sizeof out, (const char *)data, size);
    if (strlen(out) >= sizeof out) __builtin_trap();
    json_quote(q, sizeof q, out);
    return 0;
}
