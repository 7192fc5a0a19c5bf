/* The virtual bench's stand-in usbmuxd: what a device answers behind
 * Connect(62078) without a pairing — lockdownd for Normal devices, restored
 * for Restore devices. Each request is a plist dict with a "Request" key; the
 * reply is a plist dict (muxd.c frames and writes it). */
#include "muxd_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESTORE_PROTOCOL_VERSION 14

/* A fixed RSA public key for the emulated device. libimobiledevice fetches
 * DevicePublicKey and builds certificates from it before it sends Pair, so it
 * has to be a real key (generated once for the bench; no secret). */
static const char device_public_key[] =
  "-----BEGIN RSA PUBLIC KEY-----\n"
  "MIIBCgKCAQEA3Sk5O3aXKIl2DHEoRUaeKlW+mTrz4/S17rZ4p+3ZLk7+iGojIrz9\n"
  "UHEgafkW+CC/jV/WmVoI42F6JBs7ant9tCrqMjLEM0roQ+GX9G4+WIaJyzm0eJKc\n"
  "Er9CykqY5hiqMjw8yniElxyYeu+jJanobs6AJfZ9C3a6xz8tYZFcgtKUH9b6rhP6\n"
  "tTwAFMvSZ6SK3CULAa8l9NnpyRMrPGyQQjUEXmqmE05MWgyosv/m8LnpT6aLTF1g\n"
  "7AokfC6DI3o6rNCe7GakHiWvOgciS7r5Y0f1CbhVukjDYjGod3MsQvfQgUtUUMhp\n"
  "mOqFlS0JmBqN+cCPw8ympeAAfR2UAXkBSwIDAQAB\n"
  "-----END RSA PUBLIC KEY-----\n";

/* Printable, bounded form of a client-supplied string for the log. */
static char *log_str(const char *s)
{
  if (!s)
    return g_strdup("?");
  char *cut = g_strndup(s, 64);
  char *e = g_strescape(cut, NULL);
  g_free(cut);
  return e;
}

static const char *dict_str(plist_t dict, const char *key)
{
  plist_t n = plist_dict_get_item(dict, key);
  if (!n || plist_get_node_type(n) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr(n, NULL);
}

static const char *device_class_of(const struct mux_device_info *i)
{
  if (i->device_class)
    return i->device_class;
  const char *pt = i->product_type;
  if (!pt)
    return NULL;
  static const char *const classes[] = { "iPhone", "iPad", "iPod", "AppleTV", "Watch", "AudioAccessory" };
  for (size_t k = 0; k < G_N_ELEMENTS(classes); k++)
    if (g_str_has_prefix(pt, classes[k]))
      return classes[k];
  return NULL;
}

static const char *cpu_arch_of(uint32_t cpid)
{
  if (!cpid)
    return NULL;
  if (cpid >= 0x8020 && cpid < 0x8900)
    return "arm64e";                 /* A12 and later */
  if (cpid == 0x8960 || (cpid >= 0x7000 && cpid < 0x8020))
    return "arm64";                  /* A7 .. A11 */
  if (cpid == 0x8950 || cpid == 0x8955)
    return "armv7s";
  return "armv7";
}

/* iOS version as major*100+minor; 0 when unknown. */
static int version_num(const char *v)
{
  int maj = 0, min = 0;
  if (!v || sscanf(v, "%d.%d", &maj, &min) < 1)
    return 0;
  return maj * 100 + min;
}

/* One lockdownd value, or NULL when the device does not know it. */
static plist_t ld_value(const struct mux_dev *d, const char *key)
{
  const struct mux_device_info *i = &d->info;
#define STR(k, v) if (strcmp(key, k) == 0) return (v) ? plist_new_string(v) : NULL
  STR("ProductType", i->product_type);
  STR("ProductVersion", i->product_version);
  STR("BuildVersion", i->build_version);
  STR("DeviceName", i->device_name);
  STR("SerialNumber", i->serial_number);
  STR("UniqueDeviceID", i->udid);
  STR("HardwareModel", i->hardware_model);
  STR("DeviceClass", device_class_of(i));
  STR("CPUArchitecture", cpu_arch_of(i->cpid));
  STR("ActivationState", "Activated");
  STR("ProtocolVersion", "2");
  STR("ProductName", "iPhone OS");
#undef STR
  if (strcmp(key, "UniqueChipID") == 0)
    return i->ecid ? plist_new_uint(i->ecid) : NULL;
  if (strcmp(key, "ChipID") == 0)
    return i->cpid ? plist_new_uint(i->cpid) : NULL;
  if (strcmp(key, "BoardId") == 0)
    return i->cpid ? plist_new_uint(i->bdid) : NULL;
  if (strcmp(key, "PasswordProtected") == 0)
    return plist_new_bool(1);
  if (strcmp(key, "DevicePublicKey") == 0)
    return plist_new_data(device_public_key, sizeof device_public_key - 1);
  if (strcmp(key, "WiFiAddress") == 0) {
    /* a stable locally administered MAC derived from the ECID */
    uint64_t e = i->ecid;
    char mac[18];
    snprintf(mac, sizeof mac, "02:%02x:%02x:%02x:%02x:%02x", (unsigned)(e >> 32) & 0xff,
             (unsigned)(e >> 24) & 0xff, (unsigned)(e >> 16) & 0xff, (unsigned)(e >> 8) & 0xff,
             (unsigned)e & 0xff);
    return plist_new_string(mac);
  }
  return NULL;
}

/* The values an unpaired device hands out for GetValue without a Key. */
static const char *const ld_all_keys[] = {
  "ActivationState", "BoardId", "BuildVersion", "CPUArchitecture", "ChipID", "DeviceClass",
  "DeviceName", "HardwareModel", "ProductName", "ProductType", "ProductVersion",
  "ProtocolVersion", "SerialNumber", "UniqueChipID", "UniqueDeviceID", "WiFiAddress",
};

static plist_t reply_new(const char *request)
{
  plist_t r = plist_new_dict();
  if (request)
    plist_dict_set_item(r, "Request", plist_new_string(request));
  return r;
}

static plist_t reply_error(const char *request, const char *error)
{
  plist_t r = reply_new(request);
  plist_dict_set_item(r, "Error", plist_new_string(error));
  return r;
}

static plist_t reply_success(const char *request)
{
  plist_t r = reply_new(request);
  plist_dict_set_item(r, "Result", plist_new_string("Success"));
  return r;
}

static int lockdownd(muxd_t *m, struct mux_dev *d, const char *rq, plist_t req, plist_t *reply)
{
  const char *udid = d->info.udid;
  char *lrq = log_str(rq);
  int keep = 1;

  if (strcmp(rq, "QueryType") == 0) {
    *reply = reply_new(rq);
    plist_dict_set_item(*reply, "Type", plist_new_string("com.apple.mobile.lockdown"));
    muxd_logf(m, udid, "lockdown QueryType");
  } else if (strcmp(rq, "GetValue") == 0) {
    const char *key = dict_str(req, "Key"), *domain = dict_str(req, "Domain");
    char *lkey = log_str(key), *ldom = log_str(domain);
    if (plist_dict_get_item(req, "Key") && !key) {
      *reply = reply_error(rq, "MissingKey");
      muxd_logf(m, udid, "lockdown GetValue (bad key) -> MissingKey");
    } else if (domain) {
      /* no domain is readable without a session */
      *reply = reply_error(rq, "MissingValue");
      if (key)
        plist_dict_set_item(*reply, "Key", plist_new_string(key));
      plist_dict_set_item(*reply, "Domain", plist_new_string(domain));
      muxd_logf(m, udid, "lockdown GetValue %s/%s -> MissingValue", ldom, key ? lkey : "(all)");
    } else if (!key) {
      plist_t all = plist_new_dict();
      for (size_t k = 0; k < G_N_ELEMENTS(ld_all_keys); k++) {
        plist_t v = ld_value(d, ld_all_keys[k]);
        if (v)
          plist_dict_set_item(all, ld_all_keys[k], v);
      }
      *reply = reply_new(rq);
      plist_dict_set_item(*reply, "Value", all);
      muxd_logf(m, udid, "lockdown GetValue (all)");
    } else {
      plist_t v = ld_value(d, key);
      if (v) {
        *reply = reply_new(rq);
        plist_dict_set_item(*reply, "Key", plist_new_string(key));
        plist_dict_set_item(*reply, "Value", v);
        muxd_logf(m, udid, "lockdown GetValue %s", lkey);
      } else {
        *reply = reply_error(rq, "MissingValue");
        plist_dict_set_item(*reply, "Key", plist_new_string(key));
        muxd_logf(m, udid, "lockdown GetValue %s -> MissingValue", lkey);
      }
    }
    g_free(lkey);
    g_free(ldom);
  } else if (strcmp(rq, "EnterRecovery") == 0) {
    int v = version_num(d->info.product_version);
    if (v == 0 || v < 1405) {
      *reply = reply_success(rq);
      muxd_logf(m, udid, "lockdown EnterRecovery -> allowed");
      muxd_queue_action(m, udid, "recovery");
    } else {
      /* since iOS 14.5 lockdownd wants a paired session for this */
      *reply = reply_error(rq, "SessionInactive");
      muxd_logf(m, udid, "lockdown EnterRecovery -> SessionInactive");
    }
  } else if (strcmp(rq, "Pair") == 0 || strcmp(rq, "ValidatePair") == 0) {
    /* the device is locked with a passcode: no trust dialog can be answered */
    *reply = reply_error(rq, "PasswordProtected");
    muxd_logf(m, udid, "lockdown %s -> PasswordProtected", lrq);
  } else if (strcmp(rq, "Unpair") == 0) {
    *reply = reply_error(rq, "InvalidHostID");
    muxd_logf(m, udid, "lockdown Unpair -> InvalidHostID");
  } else if (strcmp(rq, "StartSession") == 0) {
    *reply = reply_error(rq, "InvalidHostID");
    muxd_logf(m, udid, "lockdown StartSession -> InvalidHostID");
  } else if (strcmp(rq, "StartService") == 0) {
    char *svc = log_str(dict_str(req, "Service"));
    *reply = reply_error(rq, "SessionInactive");
    muxd_logf(m, udid, "lockdown StartService %s -> SessionInactive", svc);
    g_free(svc);
  } else if (strcmp(rq, "StopSession") == 0 || strcmp(rq, "SetValue") == 0 ||
             strcmp(rq, "RemoveValue") == 0 || strcmp(rq, "Activate") == 0 ||
             strcmp(rq, "Deactivate") == 0) {
    *reply = reply_error(rq, "SessionInactive");
    muxd_logf(m, udid, "lockdown %s -> SessionInactive", lrq);
  } else if (strcmp(rq, "Goodbye") == 0) {
    *reply = reply_success(rq);
    muxd_logf(m, udid, "lockdown Goodbye");
    keep = 0;
  } else {
    *reply = reply_error(rq, "InvalidRequest");
    muxd_logf(m, udid, "lockdown %s -> InvalidRequest", lrq);
  }
  g_free(lrq);
  return keep;
}

static int restored(muxd_t *m, struct mux_dev *d, struct conn *c, const char *rq, plist_t req, plist_t *reply)
{
  const struct mux_device_info *i = &d->info;
  const char *udid = i->udid;
  int keep = 1;

  if (strcmp(rq, "QueryType") == 0) {
    *reply = reply_new(NULL);
    plist_dict_set_item(*reply, "Type", plist_new_string("com.apple.mobile.restored"));
    plist_dict_set_item(*reply, "RestoreProtocolVersion", plist_new_uint(RESTORE_PROTOCOL_VERSION));
    /* libimobiledevice's restored_get_value reads these from this answer */
    if (i->serial_number)
      plist_dict_set_item(*reply, "SerialNumber", plist_new_string(i->serial_number));
    if (i->hardware_model)
      plist_dict_set_item(*reply, "HardwareModel", plist_new_string(i->hardware_model));
    muxd_logf(m, udid, "restored QueryType");
  } else if (strcmp(rq, "QueryValue") == 0) {
    const char *key = dict_str(req, "QueryKey");
    char *lkey = log_str(key);
    plist_t v = NULL;
    if (key && strcmp(key, "HardwareInfo") == 0) {
      v = plist_new_dict();
      if (i->ecid)
        plist_dict_set_item(v, "UniqueChipID", plist_new_uint(i->ecid));
      if (i->product_type)
        plist_dict_set_item(v, "ProductType", plist_new_string(i->product_type));
      if (i->cpid) {
        plist_dict_set_item(v, "BoardID", plist_new_uint(i->bdid));
        plist_dict_set_item(v, "ChipID", plist_new_uint(i->cpid));
      }
      if (i->hardware_model)
        plist_dict_set_item(v, "HardwareModel", plist_new_string(i->hardware_model));
      plist_dict_set_item(v, "ProductionMode", plist_new_bool(1));
      plist_dict_set_item(v, "SupportsImage4", plist_new_bool(1));
    } else if (key && strcmp(key, "SerialNumber") == 0 && i->serial_number) {
      v = plist_new_string(i->serial_number);
    }
    *reply = reply_new(NULL);
    if (v) {
      plist_dict_set_item(*reply, key, v);
      muxd_logf(m, udid, "restored QueryValue %s", lkey);
    } else {
      plist_dict_set_item(*reply, "Error", plist_new_string("MissingValue"));
      muxd_logf(m, udid, "restored QueryValue %s -> MissingValue", lkey);
    }
    g_free(lkey);
  } else if (strcmp(rq, "Reboot") == 0) {
    *reply = reply_success(NULL);
    muxd_logf(m, udid, "restored Reboot");
    muxd_queue_action(m, udid, "restart");
    keep = 0;
  } else if (strcmp(rq, "Goodbye") == 0) {
    *reply = reply_success(NULL);
    muxd_logf(m, udid, "restored Goodbye");
    muxd_restore_goodbye(m, d, c);        /* a finished restore reboots now */
    keep = 0;
  } else if (strcmp(rq, "StartRestore") == 0) {
    muxd_restore_start(m, d, c, req);     /* no answer: restored starts talking */
  } else {
    char *lrq = log_str(rq);
    *reply = reply_new(NULL);
    plist_dict_set_item(*reply, "Result", plist_new_string("Failure"));
    muxd_logf(m, udid, "restored %s -> Failure", lrq);
    g_free(lrq);
  }
  return keep;
}

int muxd_lockdown_request(muxd_t *m, struct mux_dev *d, struct conn *c, plist_t req, plist_t *reply)
{
  *reply = NULL;
  const char *rq = dict_str(req, "Request");
  if (!rq && d->info.restore && muxd_restore_client_msg(m, d, c, req))
    return 1;                             /* the client's answer to a data request */
  if (!rq) {
    muxd_logf(m, d->info.udid, "%s request without Request", d->info.restore ? "restored" : "lockdown");
    return -1;
  }
  return d->info.restore ? restored(m, d, c, rq, req, reply) : lockdownd(m, d, rq, req, reply);
}
