/* Actions on Normal- and Restore-mode devices through usbmuxd: enter
 * Recovery (lockdownd), restart or shut down (diagnostics relay, which needs
 * a trusted pairing), reboot out of the restore ramdisk (restored).
 * Each call blocks for the length of a few lockdownd round trips: the
 * console runs them on a worker thread, headless commands directly.
 * Returns 0, or -1 with a message that says what the technician can do. */
#ifndef IBENCH_LOCKDOWN_ACTIONS_H
#define IBENCH_LOCKDOWN_ACTIONS_H
#include <stddef.h>

int lockdown_enter_recovery(const char *udid, char *msg, size_t len);
int lockdown_restart(const char *udid, int shutdown, char *msg, size_t len);
int restored_reboot_device(const char *udid, char *msg, size_t len);

#endif
