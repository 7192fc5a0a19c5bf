/* The virtual bench's shared state: emulated devices and what they remember
 * across re-plugs (iBoot environment, upload counter, bad behaviour).
 *
 * vbench_main.c  options, testbed, scenario file, control FIFO, COMMAND
 * vb_device.c    device declarations, plug/unplug/reboot, usbmuxd mirror
 * vb_usbdevfs.c  usbdevfs ioctls (URBs) for one plugged device node
 * vb_iboot.c     what iBoot / SecureROM answer on the control and bulk pipes,
 *                and what they boot (IMG4 images personalised for the device)
 * vb_tss.c       the loopback signing server (TSS) and proxy for restore engines
 */
#ifndef VBENCH_H
#define VBENCH_H

#include <glib.h>
#include <stdint.h>
#include <umockdev.h>

#include "muxd.h"

#define VB_MAX_DEV 64

enum vb_bad {
  VB_BAD_NONE, VB_BAD_GARBAGE_SERIAL, VB_BAD_LONG_SERIAL, VB_BAD_STALL,
  VB_BAD_NAK, VB_BAD_VANISH_UPLOAD, VB_BAD_HANG_COMMAND,
  VB_BAD_VANISH_ASR,           /* leaves the bus halfway through the filesystem image */
  VB_BAD_RESTORE_FAIL          /* restored ends with a failure status */
};

struct vb_usb;                 /* one plugged instance, see vb_usbdevfs.c */

struct vb_dev {
  char name[32], port[32];
  uint32_t cpid, bdid;
  uint64_t ecid;
  char model[32], hwmodel[16], srnm[64], imei[32], ios[32], build[32], devname[128];
  char ibootver[64], srtg[64], nonce[160], snon[96];
  char cpfm[8], ibfl[8], scep[8], cprv[8];
  char mode[16];               /* current mode while plugged */
  char on_reboot[16];          /* "auto", "none" or a mode */
  enum vb_bad bad;
  GHashTable *env, *saved;     /* iBoot environment: working copy, saveenv'd copy */
  int uploads;                 /* numbering of saved uploads */
  char *syspath;               /* non-NULL while plugged */
  char udid[48];               /* set while attached to the stand-in usbmuxd */
  int devnum;
  struct vb_usb *usb;          /* ioctl state of the current plug, or NULL */
  /* per plug (vb_iboot_reset) */
  int dfu_state;               /* DFU class state (2 idle, 5 dnload-idle, 6..8 manifest) */
  GByteArray *up;              /* upload in progress, or NULL */
  int up_dfu;                  /* ... arriving by DFU DNLOAD rather than Recovery bulk */
  char answer[256];            /* what a vendor IN request reads back (getenv) */
  /* booting (kept across plugs while a restore goes on) */
  GByteArray *last;            /* the last complete upload */
  char stage[8];               /* what runs in Recovery: "" (iBoot), "ibss", "ibec" */
  int reenum;                  /* the next plug is a re-enumeration after a boot */
  char ramdisk[96];            /* description of the loaded restore ramdisk, "" if none */
  int devicetree, firmware;    /* device tree loaded; firmware images loaded */
  char pause[64];              /* restore phases to hold at ("asr verify flash"), see resume */
};

extern UMockdevTestbed *vb_testbed;
extern muxd_t *vb_mux;
extern const char *vb_upload_dir;

void vb_log(const struct vb_dev *d, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* vb_netlink.c: keeps every client's emulated uevent socket reachable */
void vb_netlink_watch(const char *testbed_root);
void vb_netlink_sweep(void);

/* vb_device.c */
struct vb_dev *vb_find(const char *name);
struct vb_dev *vb_find_udid(const char *udid);
int vb_declare(const char *args);               /* "A model=... ecid=..." */
int vb_set(struct vb_dev *d, const char *key, const char *val);
int vb_mode_pid(const char *mode);
void vb_bus_init(void);                        /* root hubs */
void vb_plug(struct vb_dev *d, const char *mode);
void vb_unplug(struct vb_dev *d);
void vb_unplug_all(void);
void vb_mode_later(struct vb_dev *d, const char *mode, double gap);
void vb_reboot(struct vb_dev *d);               /* iBoot "reboot" */
void vb_mux_action(void *ctx, const char *udid, const char *action);
void vb_mux_log(void *ctx, const char *udid, const char *line);
void vb_restore_info(struct vb_dev *d, struct mux_device_info *mi);

/* vb_tss.c: starts the signing server on 127.0.0.1 (ephemeral port); returns its port. */
int vb_tss_start(void);
void vb_tss_mode(int refuse);                   /* scenario "tss sign" / "tss refuse" */

/* vb_usbdevfs.c */
struct vb_usb *vb_usb_attach(struct vb_dev *d, const char *devnode);
void vb_usb_gone(struct vb_usb *u);             /* device left: fail what is in flight */

/* vb_iboot.c: the device's side of one transfer. */
enum vb_xfer { VB_DONE, VB_STALL, VB_NEVER, VB_GONE };
void vb_iboot_reset(struct vb_dev *d);          /* per plug: DFU state, upload buffer */
enum vb_xfer vb_iboot_control(struct vb_dev *d, const uint8_t setup[8], uint8_t *data, int *len);
enum vb_xfer vb_iboot_bulk_out(struct vb_dev *d, uint8_t ep, const uint8_t *data, int len);
void vb_iboot_flush(struct vb_dev *d);          /* client closed: a Recovery upload ends */
void vb_iboot_bus_reset(struct vb_dev *d);      /* USBDEVFS_RESET */
int vb_iboot_descriptors(const struct vb_dev *d, int pid, uint8_t *out, int max);

#endif
