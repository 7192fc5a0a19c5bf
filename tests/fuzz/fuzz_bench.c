/* Fuzz target: usbmuxd/lockdownd values and USB identities as the bench
 * applies them (BEV_MUX_INFO carries lockdownd's raw strings), with rows
 * merged, moved and expired in any order. Every string that leaves the
 * bench (device JSON, summaries, labels, the event log) must be printable. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "device_json.h"

struct in { const uint8_t *p; size_t n; };
static uint8_t take(struct in *in) { if (!in->n) return 0; in->n--; return *in->p++; }
static void str(struct in *in, char *out, size_t cap)
{
    size_t n = take(in) % cap;
    for (size_t i = 0; i < n; i++) out[i] = (char)take(in);
    out[n] = 0;
}

static void printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) __builtin_trap();
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) __builtin_trap();   /* C1 */
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) __builtin_trap();   /* bidi */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bench b;
    static struct bench_ev ev;
    bench_init(&b, 5000);
    bench_add_slot(&b, "1-1", "Bay 1");
    struct in in = {data, size};
    static const char *const ports[] = {"1-1", "1-2", "2-1.4"};
    static const char *const udids[] = {"00008030-001A2B3C4D5E6F70", "0123456789abcdef0123456789abcdef01234567"};
    int64_t now = 1000;
    for (int k = 0; in.n && k < 64; k++) {
        memset(&ev, 0, sizeof ev);
        uint8_t t = take(&in);
        ev.type = (enum bench_ev_type)(t % (BEV_OP_DONE + 1));
        now += take(&in) * 100;
        ev.now_ms = now;
        uint8_t sel = take(&in);
        snprintf(ev.port, sizeof ev.port, "%s", ports[sel % 3]);
        snprintf(ev.udid, sizeof ev.udid, "%s", udids[(sel >> 2) & 1]);
        ev.pid = (uint16_t)(0x1220 + take(&in) % 0x1a0);
        ev.restore = sel & 8;
        ev.has_ecid = sel & 16;
        ev.ecid = (sel & 32) ? 0x001A2B3C4D5E6F70ULL : take(&in);
        switch (ev.type) {
        case BEV_USB_IDENTIFIED:
            str(&in, ev.serial_str, sizeof ev.serial_str);
            str(&in, ev.nonce_str, sizeof ev.nonce_str);
            break;
        case BEV_MUX_INFO:
            str(&in, ev.product_type, sizeof ev.product_type);
            str(&in, ev.ios_version, sizeof ev.ios_version);
            str(&in, ev.build, sizeof ev.build);
            str(&in, ev.device_name, sizeof ev.device_name);
            str(&in, ev.serial, sizeof ev.serial);
            str(&in, ev.hw_model, sizeof ev.hw_model);
            str(&in, ev.device_class, sizeof ev.device_class);
            break;
        default:
            str(&in, ev.text, sizeof ev.text);
            ev.progress = (int8_t)take(&in);
            ev.restoring = (signed char)(take(&in) % 3) - 1;
            ev.job_id = take(&in);
            ev.job_state = (enum bench_job_state)(take(&in) % 3);
            break;
        }
        bench_apply(&b, &ev);
    }
    for (int i = 0; i < b.ndev; i++) {
        const struct device *d = b.dev[i];
        json_t *j = device_to_json(d, 5000, 1795000000000);
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (j && !s) __builtin_trap();   /* a string jansson refused: not valid UTF-8 */
        free(s);
        json_decref(j);
        char line[512];
        device_summary(d, line, sizeof line);
        printable(line);
        device_describe(d, 1, line, sizeof line);
        printable(line);
        printable(device_label(d));
        printable(device_display_name(d));
    }
    for (unsigned i = 0; bench_log_get(&b, i); i++) printable(bench_log_get(&b, i)->text);
    bench_done(&b);
    return 0;
}
