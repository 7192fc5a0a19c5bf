/* Device modes, and the mode an Apple USB product ID means. Pure, no I/O. */
#ifndef IBENCH_MODE_H
#define IBENCH_MODE_H
#include <stdint.h>

#define APPLE_VID 0x05ac

enum dev_mode {
    MODE_UNKNOWN = 0, /* an Apple product ID we do not know: shown, never ignored */
    MODE_NORMAL,      /* booted iOS, talks usbmux (PID 0x1290-0x12af) */
    MODE_RECOVERY,    /* iBoot/iBSS/iBEC recovery (0x1280-0x1283) */
    MODE_DFU,         /* SecureROM DFU (0x1227) */
    MODE_PORT_DFU,    /* USB-C port controller DFU (0xf014) */
    MODE_WTF,         /* S5L8900 pre-DFU (0x1222) */
    MODE_KIS,         /* DFU over debug USB on A16+ (0x1881) */
    MODE_RESTORE,     /* restore ramdisk: seen through usbmuxd (QueryType restored) */
    MODE_COUNT
};

/* The mode of an Apple USB device from its product ID; MODE_UNKNOWN for other
 * Apple IDs. Returns -1 when vid is not Apple's (not ours to show). */
int mode_from_usb(uint16_t vid, uint16_t pid);
/* Display name ("Recovery", "Port DFU") and stable JSON key ("recovery", "port_dfu"). */
const char *mode_name(enum dev_mode m);
const char *mode_key(enum dev_mode m);
/* Parses a JSON key or a loose name ("port-dfu", "DFU"); -1 if unknown. */
int mode_parse(const char *s);
/* Recovery/DFU-like modes speak iBoot's USB protocol (serial string, commands). */
int mode_is_iboot(enum dev_mode m);
/* The DFU-like modes (DFU, WTF, KIS, Port DFU): SecureROM, left only by a
 * force restart; uploads go over DFU class requests. */
int mode_is_securerom(enum dev_mode m);

#endif
