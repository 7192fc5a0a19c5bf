/* USB product ID -> device mode (see modes table in ibench(1)). */
#include "mode.h"

#include <string.h>
#include <strings.h>

static const char *const names[MODE_COUNT] = {
    [MODE_UNKNOWN] = "Unknown", [MODE_NORMAL] = "Normal", [MODE_RECOVERY] = "Recovery",
    [MODE_DFU] = "DFU", [MODE_PORT_DFU] = "Port DFU", [MODE_WTF] = "WTF",
    [MODE_KIS] = "KIS DFU", [MODE_RESTORE] = "Restore",
};
static const char *const keys[MODE_COUNT] = {
    [MODE_UNKNOWN] = "unknown", [MODE_NORMAL] = "normal", [MODE_RECOVERY] = "recovery",
    [MODE_DFU] = "dfu", [MODE_PORT_DFU] = "port_dfu", [MODE_WTF] = "wtf",
    [MODE_KIS] = "kis", [MODE_RESTORE] = "restore",
};

int mode_from_usb(uint16_t vid, uint16_t pid)
{
    if (vid != APPLE_VID) return -1;
    if (pid == 0x1222) return MODE_WTF;
    if (pid == 0x1227) return MODE_DFU;
    if (pid >= 0x1280 && pid <= 0x1283) return MODE_RECOVERY;
    if (pid == 0x1881) return MODE_KIS;
    if (pid == 0xf014) return MODE_PORT_DFU;
    if (pid >= 0x1290 && pid <= 0x12af) return MODE_NORMAL;
    return MODE_UNKNOWN;
}

const char *mode_name(enum dev_mode m)
{
    return (unsigned)m < MODE_COUNT ? names[m] : names[MODE_UNKNOWN];
}

const char *mode_key(enum dev_mode m)
{
    return (unsigned)m < MODE_COUNT ? keys[m] : keys[MODE_UNKNOWN];
}

int mode_parse(const char *s)
{
    if (!s) return -1;
    char norm[16];
    size_t n = strlen(s);
    if (n >= sizeof norm) return -1;
    for (size_t i = 0; i <= n; i++) norm[i] = (s[i] == '-' || s[i] == ' ') ? '_' : s[i];
    for (int m = 0; m < MODE_COUNT; m++)
        if (strcasecmp(norm, keys[m]) == 0) return m;
    if (strcasecmp(norm, "kis_dfu") == 0) return MODE_KIS;
    return -1;
}

int mode_is_securerom(enum dev_mode m)
{
    return m == MODE_DFU || m == MODE_WTF || m == MODE_KIS || m == MODE_PORT_DFU;
}

int mode_is_iboot(enum dev_mode m)
{
    return m == MODE_RECOVERY || mode_is_securerom(m);
}
