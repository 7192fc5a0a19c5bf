/* Internals shared by muxd.c (usbmuxd side) and muxd_lockdown.c
 * (lockdownd / restored side). Not part of the vbench API. */
#ifndef VBENCH_MUXD_PRIV_H
#define VBENCH_MUXD_PRIV_H

#include "muxd.h"
#include <plist/plist.h>

/* libplist 2.3 (Debian 13 has 2.6) gave plist_from_memory() a fourth argument,
 * the format it found; Debian 12's 2.2 takes three. tests/vbench/features.sh
 * (used by the Makefile and every script that compiles muxd*.c) passes
 * -DVB_PLIST_FROM_MEMORY_FORMAT when pkg-config reports libplist >= 2.3. */
#ifdef VB_PLIST_FROM_MEMORY_FORMAT
#define vb_plist_from_memory(data, len, plist) plist_from_memory((data), (len), (plist), NULL)
#else
#define vb_plist_from_memory(data, len, plist) plist_from_memory((data), (len), (plist))
#endif

struct mux_dev {                 /* an attached device, owned by muxd */
  struct mux_device_info info;   /* strings are g_strdup'ed copies */
  uint32_t id;                   /* usbmuxd DeviceID */
  char *usb_serial;              /* udid without dashes (USBSerialNumber) */
};

/* Looks up an attached device by DeviceID (NULL when it has gone). */
struct mux_dev *muxd_find_dev(muxd_t *m, uint32_t id);

/* Logging with printf formatting; udid may be NULL. */
void muxd_logf(muxd_t *m, const char *udid, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Schedules the action handler for udid (deferred to an idle callback). */
void muxd_queue_action(muxd_t *m, const char *udid, const char *action);

/* Handles one lockdownd / restored request plist from a client connected
 * to dev. Sets *reply (XML-encoded to the client by the caller; may stay
 * NULL) and returns 1 to keep the stream open, 0 to close it after the
 * reply has been written, -1 for malformed input (close at once). */
int muxd_lockdown_request(muxd_t *m, struct mux_dev *dev, plist_t req, plist_t *reply);

#endif
