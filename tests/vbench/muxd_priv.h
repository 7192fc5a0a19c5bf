/* Internals shared by muxd.c (usbmuxd side) and muxd_lockdown.c
 * (lockdownd / restored side). Not part of the vbench API. */
#ifndef VBENCH_MUXD_PRIV_H
#define VBENCH_MUXD_PRIV_H

#include "muxd.h"
#include <plist/plist.h>

struct restore_sess;             /* muxd_restore.c */
struct conn;                     /* one client connection (muxd.c) */

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
  muxd_t *m;
  struct restore_sess *rs;       /* restore mode after StartRestore, else NULL */
};

/* Connections, for the restore services. */
void muxd_conn_write(struct conn *c, const void *data, size_t len);
void muxd_conn_send_plist(struct conn *c, plist_t p);   /* 4-byte BE length + XML */
void muxd_conn_close(struct conn *c);                    /* after what is queued */
GList *muxd_devices(muxd_t *m);                          /* struct mux_dev * */

/* muxd_restore.c: restored after StartRestore, ASR, FDR. */
void muxd_restore_start(muxd_t *m, struct mux_dev *d, struct conn *c, plist_t req);
int muxd_restore_client_msg(muxd_t *m, struct mux_dev *d, struct conn *c, plist_t msg); /* 1 taken */
void muxd_restore_service_open(muxd_t *m, struct mux_dev *d, struct conn *c, uint16_t port);
/* Consumes bytes from in; 0 go on, 1 close after flush, -1 close now. */
int muxd_restore_service_data(muxd_t *m, struct mux_dev *d, struct conn *c, GByteArray *in);
void muxd_restore_conn_gone(muxd_t *m, struct conn *c);
void muxd_restore_goodbye(muxd_t *m, struct mux_dev *d, struct conn *c);
void muxd_restore_free(struct mux_dev *d);

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
int muxd_lockdown_request(muxd_t *m, struct mux_dev *dev, struct conn *c, plist_t req, plist_t *reply);

#endif
