/* Device rows as JSON and as one line of text. Every string in a row has
 * already been sanitized by the bench. */
#include "device_json.h"

#include <stdio.h>
#include <time.h>

static void set_str(json_t *o, const char *k, const char *v)
{
    json_object_set_new(o, k, v && *v ? json_string(v) : json_null());
}

/* The bench keeps monotonic times (immune to clock changes); scripts need
 * the wall-clock moment, so it is derived from "now" on both clocks. */
static void set_since(json_t *o, int64_t since_ms, int64_t now_ms, int64_t wall_ms)
{
    int64_t age_ms = now_ms > since_ms ? now_ms - since_ms : 0;
    time_t at = (time_t)((wall_ms - age_ms) / 1000);
    struct tm tm;
    char stamp[32];
    if (gmtime_r(&at, &tm) && strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm)) set_str(o, "mode_since", stamp);
    else set_str(o, "mode_since", NULL);
    json_object_set_new(o, "mode_age_s", json_integer(age_ms / 1000));
}

json_t *device_to_json(const struct device *d, int64_t now_ms, int64_t wall_ms)
{
    json_t *o = json_object();
    char buf[24], ecid[17];
    json_object_set_new(o, "id", json_integer(d->id));
    json_object_set_new(o, "mode", json_string(mode_key(d->mode)));
    json_object_set_new(o, "presence", json_string(d->presence == PRESENCE_PRESENT ? "present" : "disconnected"));
    set_str(o, "product_type", d->model ? d->model->product_type : d->product_type);
    set_str(o, "name", d->model ? d->model->name : NULL);
    set_str(o, "board", d->model ? d->model->board : d->hw_model);
    if (d->cpid) { snprintf(buf, sizeof buf, "0x%04x", d->cpid); set_str(o, "cpid", buf); }
    else set_str(o, "cpid", NULL);
    if (d->model || (d->has_serial_info && (d->sn.present & SF_BDID))) {
        snprintf(buf, sizeof buf, "0x%02x", d->model ? d->model->bdid : d->bdid);
        set_str(o, "bdid", buf);
    } else {
        set_str(o, "bdid", NULL);
    }
    device_ecid_hex(d, ecid);
    set_str(o, "ecid", ecid);
    set_str(o, "serial", d->serial);
    set_str(o, "port", d->port);
    set_str(o, "slot", d->slot);
    set_str(o, "udid", d->udid);
    set_str(o, "ios_version", d->ios_version);
    set_str(o, "build", d->build);
    set_str(o, "device_name", d->device_name);
    set_str(o, "iboot", d->has_serial_info ? d->sn.srtg : NULL);
    snprintf(buf, sizeof buf, "0x%04x", d->pid);
    set_str(o, "usb_pid", d->pid ? buf : NULL);
    json_object_set_new(o, "identified", json_boolean(d->identified));
    set_str(o, "error", d->ident_error);
    set_since(o, d->mode_since_ms, now_ms, wall_ms);
    if (d->merged_into) json_object_set_new(o, "merged_into", json_integer(d->merged_into));
    return o;
}

void device_summary(const struct device *d, char *out, size_t n)
{
    char ecid[17];
    device_ecid_hex(d, ecid);
    const char *ver = d->ios_version[0] ? d->ios_version : (d->has_serial_info ? d->sn.srtg : "");
    snprintf(out, n, "%-10s %-9s %-24s %-12s %-16s %s%s%s", device_label(d), mode_name(d->mode),
             device_display_name(d), d->model ? d->model->product_type : d->product_type, ecid[0] ? ecid : "-",
             ver, d->ident_error[0] ? "  ! " : "", d->ident_error);
}
