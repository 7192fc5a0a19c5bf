/* Normal/Restore-mode actions over usbmuxd (see lockdown_actions.h). */
#include "lockdown_actions.h"

#include <stdio.h>

#include <libimobiledevice/diagnostics_relay.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/restore.h>

#define LABEL "ibench"

static const char *pairing_advice(lockdownd_error_t e)
{
    switch (e) {
    case LOCKDOWN_E_PASSWORD_PROTECTED:
        return "the device is locked: unlock it, tap Trust when asked, and try again";
    case LOCKDOWN_E_PAIRING_DIALOG_RESPONSE_PENDING:
        return "the device is asking whether to trust this computer: tap Trust, then try again";
    case LOCKDOWN_E_USER_DENIED_PAIRING:
        return "trust was declined on the device: unplug it, plug it back in and tap Trust";
    case LOCKDOWN_E_INVALID_HOST_ID:
        return "the device no longer trusts this computer: unplug it, plug it back in and tap Trust";
    default:
        return NULL;
    }
}

static int open_device(const char *udid, idevice_t *dev, char *msg, size_t len)
{
    if (idevice_new_with_options(dev, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS) {
        snprintf(msg, len, "the device is not reachable through usbmuxd (is it still in Normal mode?)");
        return -1;
    }
    return 0;
}

/* A session with a trusted pairing; pairs first if needed. */
static int paired_client(idevice_t dev, lockdownd_client_t *client, char *msg, size_t len)
{
    lockdownd_error_t e = lockdownd_client_new_with_handshake(dev, client, LABEL);
    if (e == LOCKDOWN_E_SUCCESS) return 0;
    const char *advice = pairing_advice(e);
    if (advice) snprintf(msg, len, "%s", advice);
    else snprintf(msg, len, "lockdownd refused a trusted session (error %d)", (int)e);
    return -1;
}

int lockdown_enter_recovery(const char *udid, char *msg, size_t len)
{
    idevice_t dev = NULL;
    lockdownd_client_t client = NULL;
    if (open_device(udid, &dev, msg, len) < 0) return -1;
    int rc = -1;
    /* Before iOS 14.5 lockdownd takes EnterRecovery without a session. */
    lockdownd_error_t e = lockdownd_client_new(dev, &client, LABEL);
    if (e == LOCKDOWN_E_SUCCESS && lockdownd_enter_recovery(client) == LOCKDOWN_E_SUCCESS) {
        rc = 0;
    } else {
        if (client) lockdownd_client_free(client);
        client = NULL;
        if (paired_client(dev, &client, msg, len) == 0) {
            e = lockdownd_enter_recovery(client);
            if (e == LOCKDOWN_E_SUCCESS) rc = 0;
            else snprintf(msg, len, "lockdownd refused EnterRecovery (error %d)", (int)e);
        }
    }
    if (client) lockdownd_client_free(client);
    idevice_free(dev);
    return rc;
}

int lockdown_restart(const char *udid, int shutdown, char *msg, size_t len)
{
    idevice_t dev = NULL;
    lockdownd_client_t client = NULL;
    if (open_device(udid, &dev, msg, len) < 0) return -1;
    int rc = -1;
    if (paired_client(dev, &client, msg, len) == 0) {
        lockdownd_service_descriptor_t svc = NULL;
        lockdownd_error_t e = lockdownd_start_service(client, "com.apple.mobile.diagnostics_relay", &svc);
        if (e != LOCKDOWN_E_SUCCESS) e = lockdownd_start_service(client, "com.apple.iosdiagnostics.relay", &svc);
        diagnostics_relay_client_t diag = NULL;
        if (e != LOCKDOWN_E_SUCCESS || diagnostics_relay_client_new(dev, svc, &diag) != DIAGNOSTICS_RELAY_E_SUCCESS) {
            snprintf(msg, len, "the device did not start its diagnostics service (error %d)", (int)e);
        } else {
            diagnostics_relay_error_t d = shutdown
                ? diagnostics_relay_shutdown(diag, DIAGNOSTICS_RELAY_ACTION_FLAG_WAIT_FOR_DISCONNECT)
                : diagnostics_relay_restart(diag, DIAGNOSTICS_RELAY_ACTION_FLAG_WAIT_FOR_DISCONNECT);
            if (d == DIAGNOSTICS_RELAY_E_SUCCESS) rc = 0;
            else snprintf(msg, len, "the device refused to %s (error %d)", shutdown ? "shut down" : "restart", (int)d);
            diagnostics_relay_goodbye(diag);
            diagnostics_relay_client_free(diag);
        }
        if (svc) lockdownd_service_descriptor_free(svc);
    }
    if (client) lockdownd_client_free(client);
    idevice_free(dev);
    return rc;
}

int restored_reboot_device(const char *udid, char *msg, size_t len)
{
    idevice_t dev = NULL;
    restored_client_t client = NULL;
    if (open_device(udid, &dev, msg, len) < 0) return -1;
    int rc = -1;
    restored_error_t e = restored_client_new(dev, &client, LABEL);
    if (e != RESTORE_E_SUCCESS) snprintf(msg, len, "the restore ramdisk did not answer (error %d)", (int)e);
    else if ((e = restored_reboot(client)) != RESTORE_E_SUCCESS) snprintf(msg, len, "the restore ramdisk refused to reboot (error %d)", (int)e);
    else rc = 0;
    if (client) restored_client_free(client);
    idevice_free(dev);
    return rc;
}
