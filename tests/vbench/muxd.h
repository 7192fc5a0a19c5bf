/* The virtual bench's stand-in usbmuxd.
 *
 * Serves the usbmuxd plist protocol on a Unix socket (point libusbmuxd at it
 * with USBMUXD_SOCKET_ADDRESS=UNIX:<path>) and, behind Connect to port 62078,
 * the unpaired answers of lockdownd (Normal devices) or restored (Restore
 * devices). Everything runs on the default GMainContext, non-blocking; each
 * client connection is its own small state machine and malformed input only
 * closes that client.
 *
 * What a connected client gets (answers in XML, as a real device does):
 *  lockdownd  QueryType -> com.apple.mobile.lockdown; GetValue without Key ->
 *             dict of the unpaired values; GetValue Key -> ProductType,
 *             ProductVersion, BuildVersion, DeviceName, SerialNumber,
 *             UniqueDeviceID, UniqueChipID, HardwareModel, DeviceClass (derived
 *             from ProductType when NULL), ChipID, BoardId, CPUArchitecture,
 *             ActivationState, ProtocolVersion, ProductName, WiFiAddress,
 *             DevicePublicKey, PasswordProtected; unknown/NULL -> MissingValue;
 *             any Domain -> MissingValue.
 *             EnterRecovery -> Success + action "recovery" when product_version
 *             is below 14.5 (or unknown), else Error SessionInactive.
 *             Pair/ValidatePair -> PasswordProtected (a passcode-locked device),
 *             StartSession -> InvalidHostID, StartService/SetValue/... ->
 *             SessionInactive, Goodbye -> Success and close.
 *  restored   QueryType -> com.apple.mobile.restored + RestoreProtocolVersion
 *             (+ SerialNumber, HardwareModel); QueryValue HardwareInfo /
 *             SerialNumber; Reboot -> Success + action "restart"; Goodbye;
 *             StartRestore -> the restore script of muxd_restore.c, which also
 *             serves ASR (port 12345) and FDR (1082) of Restore devices.
 * Nothing emits "shutdown" yet: unpaired lockdownd has no reboot/shutdown
 * request (that needs diagnostics_relay over a paired session).
 */
#ifndef VBENCH_MUXD_H
#define VBENCH_MUXD_H

#include <glib.h>
#include <stdint.h>

struct mux_device_info {
  const char *udid;            /* as usbmuxd reports it (dash after 8 digits for the 24-digit form) */
  const char *product_type, *product_version, *build_version, *device_name,
             *serial_number, *hardware_model, *device_class;   /* NULL = unknown */
  uint64_t ecid; uint32_t cpid, bdid;
  int restore;                 /* 1: QueryType answers com.apple.mobile.restored */
  /* Restore mode: what the emulated restored does after StartRestore. */
  int restore_fault;           /* MUXD_FAULT_* */
  const char *restore_pause;   /* phases to hold at: words "asr", "verify", "flash" (NULL none) */
  uint64_t ticket_ecid;        /* the ECID a personalised image must name (0: do not check) */
  uint32_t location_id; uint16_t product_id;   /* 0 = defaults (derived / 0x12a8) */
};

enum { MUXD_FAULT_NONE, MUXD_FAULT_VANISH_ASR, MUXD_FAULT_FAIL_STATUS };

typedef struct muxd muxd_t;

/* Creates the socket (a stale socket file at socket_path is replaced) and
 * starts serving on the default GMainContext. NULL + *err on failure. */
muxd_t *muxd_start(const char *socket_path, GError **err);

/* Adds a device (copies everything) and tells every Listen client "Attached".
 * Attaching a udid that is already present replaces it (Detached, then
 * Attached with a new DeviceID). */
void muxd_attach(muxd_t *m, const struct mux_device_info *d);

/* Removes a device, tells listeners "Detached" and closes the lockdownd /
 * restored streams connected to it (after what was already answered has been
 * written). Unknown udid: no-op. */
void muxd_detach(muxd_t *m, const char *udid);

/* One line per request a client makes, e.g. "lockdown GetValue ProductType",
 * "lockdown EnterRecovery -> allowed", "mux Connect port=62078 -> 0".
 * udid is the device the line is about, or NULL for lines that concern no
 * device (ListDevices, Listen, ReadBUID, ...). */
void muxd_set_log(muxd_t *m, void (*fn)(void *ctx, const char *udid, const char *line), void *ctx);

/* Called (from an idle callback, after the answer has been queued to the
 * client) when lockdownd accepts EnterRecovery ("recovery") or restored
 * receives Reboot ("restart"). It may call muxd_detach/muxd_attach. */
void muxd_set_action_handler(muxd_t *m, void (*fn)(void *ctx, const char *udid, const char *action), void *ctx);
/* action: "recovery", "restart", "shutdown"; from a restore: "restored VERSION BUILD"
 * (finished: reboot into the new iOS), "restore-failed" (reboot into Recovery),
 * "vanish" (the device leaves the bus now). */

/* Releases a restore held at a phase (see restore_pause). */
void muxd_restore_resume(muxd_t *m, const char *udid);

/* Closes every client and the socket, removes the socket file, frees m.
 * Must not be called from inside the log or action callback. */
void muxd_stop(muxd_t *m);

#endif
