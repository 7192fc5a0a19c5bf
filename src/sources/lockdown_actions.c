/* Normal/Restore-mode actions over usbmuxd (see lockdown_actions.h). */
#include "lockdown_actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libimobiledevice/diagnostics_relay.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/property_list_service.h>
#include <libimobiledevice/restore.h>

#define LABEL "ibench"

#define RESTORED_PORT 62078
#define RESTORED_TIMEOUT_MS 5000

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

/* One request to restored, its answer read with a time limit; NULL when
 * none came. */
static plist_t restored_ask(property_list_service_client_t pl, const char *request)
{
    plist_t q = plist_new_dict();
    plist_dict_set_item(q, "Request", plist_new_string(request));
    plist_dict_set_item(q, "Label", plist_new_string(LABEL));
    plist_t answer = NULL;
    if (property_list_service_send_xml_plist(pl, q) == PROPERTY_LIST_SERVICE_E_SUCCESS)
        property_list_service_receive_plist_with_timeout(pl, &answer, RESTORED_TIMEOUT_MS);
    plist_free(q);
    return answer;
}

/* Reboot out of the restore ramdisk. Spoken on a plain connection to
 * restored's port rather than through restored_client: that client says
 * Goodbye when freed, and once the device has gone down to reboot some
 * libimobiledevice versions retry that send for ever. */
int restored_reboot_device(const char *udid, char *msg, size_t len)
{
    idevice_t dev = NULL;
    if (open_device(udid, &dev, msg, len) < 0) return -1;
    struct lockdownd_service_descriptor port = {.port = RESTORED_PORT, .ssl_enabled = 0, .identifier = NULL};
    property_list_service_client_t pl = NULL;
    int rc = -1;
    if (property_list_service_client_new(dev, &port, &pl) != PROPERTY_LIST_SERVICE_E_SUCCESS) {
        snprintf(msg, len, "the restore ramdisk did not answer");
        idevice_free(dev);
        return -1;
    }
    plist_t type = restored_ask(pl, "QueryType"), node = type ? plist_dict_get_item(type, "Type") : NULL;
    char *name = NULL;
    if (node && plist_get_node_type(node) == PLIST_STRING) plist_get_string_val(node, &name);
    if (!name || strcmp(name, "com.apple.mobile.restored")) {
        snprintf(msg, len, "the device is not in the restore ramdisk (no restored answered)");
    } else {
        plist_t answer = restored_ask(pl, "Reboot");
        /* The device may drop the connection as it goes down: a sent request
         * with no answer still reboots it. */
        node = answer ? plist_dict_get_item(answer, "Result") : NULL;
        char *result = NULL;
        if (node && plist_get_node_type(node) == PLIST_STRING) plist_get_string_val(node, &result);
        if (result && strcmp(result, "Success")) snprintf(msg, len, "the restore ramdisk refused to reboot (%.60s)", result);
        else rc = 0;
        free(result);
        plist_free(answer);
    }
    free(name);
    plist_free(type);
    property_list_service_client_free(pl);
    idevice_free(dev);
    return rc;
}
