/* USB device source: libusb hotplug on Apple's vendor ID, driven by the loop.
 * Each arriving device is identified by reading its serial (and nonce) string
 * with asynchronous control transfers on a handle opened for that read only:
 * no handle is held while the bench is idle. */
#ifndef IBENCH_USB_SOURCE_H
#define IBENCH_USB_SOURCE_H

struct console;
struct usb_source;

/* NULL with err filled when libusb or hotplug is unavailable. */
struct usb_source *usb_source_start(struct console *c, char *err, unsigned long errlen);
void usb_source_stop(struct usb_source *u);
/* Devices whose identification is still running. */
int usb_source_busy(const struct usb_source *u);

#endif
