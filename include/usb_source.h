/* USB device source: libusb hotplug on Apple's vendor ID, driven by the loop.
 * Each arriving device is identified by reading its serial (and nonce) string
 * with asynchronous control transfers on a handle opened for that read only:
 * no handle is held while the bench is idle. */
#ifndef IBENCH_USB_SOURCE_H
#define IBENCH_USB_SOURCE_H

struct sink;
struct usb_source;

/* NULL with err filled when libusb or hotplug is unavailable. */
struct usb_source *usb_source_start(const struct sink *sk, char *err, unsigned long errlen);
void usb_source_stop(struct usb_source *u);
/* Devices whose identification is still running. */
int usb_source_busy(const struct usb_source *u);

/* Software actions on a Recovery/DFU device: runs an iboot_op (ownership
 * passes to the source) on the device hotplug reported at PORT, with
 * asynchronous transfers on the loop. The handle is opened for the operation
 * and closed after it. Progress and the outcome go to the bench as STATUS and
 * NOTE events titled `title`, and to `done` (on the loop thread) if given.
 * Returns 0, or -1 with err (no such device, or one operation already running
 * on it; op is then freed). */
struct iboot_op;
typedef void (*usb_op_done_fn)(void *ctx, const char *port, int ok, const char *message, const char *answer);
int usb_source_run(struct usb_source *u, const char *port, const char *title, struct iboot_op *op,
                   usb_op_done_fn done, void *ctx, char *err, unsigned long errlen);
/* Cancels the operation on PORT; its done callback still follows. 0 if one ran. */
int usb_source_cancel(struct usb_source *u, const char *port);
int usb_source_op_running(const struct usb_source *u, const char *port);

#endif
