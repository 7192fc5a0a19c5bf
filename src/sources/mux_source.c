/* usbmuxd devices. The subscription callback runs on libusbmuxd's thread and
 * only posts events; lockdownd/restored queries block, so each runs on a
 * short-lived worker thread and posts its result. */
#include "mux_source.h"

#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/restore.h>
#include <plist/plist.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <usbmuxd.h>

#include "sink.h"
#include "pool.h"

struct mux_source {
    struct sink sink;
    usbmuxd_subscription_context_t sub;
    atomic_int stopping;
    pthread_mutex_t lock;
    struct { uint32_t handle; char udid[48]; } known[64];
    int nknown;
};

struct job { struct mux_source *m; char udid[48]; };

static void copy_string(plist_t node, char *dst, size_t n)
{
    dst[0] = 0;
    if (node && plist_get_node_type(node) == PLIST_STRING) {
        char *s = NULL;
        plist_get_string_val(node, &s);
        if (s) snprintf(dst, n, "%s", s);
        free(s);
    }
}

static int get_uint(plist_t node, uint64_t *v)
{
    if (!node || plist_get_node_type(node) != PLIST_UINT) return 0;
    plist_get_uint_val(node, v);
    return 1;
}

static void lockdown_value(lockdownd_client_t l, const char *key, char *dst, size_t n)
{
    plist_t node = NULL;
    dst[0] = 0;
    if (lockdownd_get_value(l, NULL, key, &node) == LOCKDOWN_E_SUCCESS) copy_string(node, dst, n);
    plist_free(node);
}

static void query_restored(idevice_t dev, struct bench_ev *ev)
{
    restored_client_t r = NULL;
    if (restored_client_new(dev, &r, "ibench") != RESTORE_E_SUCCESS) return;
    plist_t hw = NULL;
    if (restored_query_value(r, "HardwareInfo", &hw) == RESTORE_E_SUCCESS && hw) {
        plist_t info = plist_get_node_type(hw) == PLIST_DICT ? plist_dict_get_item(hw, "HardwareInfo") : NULL;
        if (!info) info = hw;
        if (plist_get_node_type(info) == PLIST_DICT) {
            uint64_t ecid;
            if (get_uint(plist_dict_get_item(info, "UniqueChipID"), &ecid)) { ev->has_ecid = true; ev->ecid = ecid; }
            copy_string(plist_dict_get_item(info, "ProductType"), ev->product_type, sizeof ev->product_type);
            copy_string(plist_dict_get_item(info, "HardwareModel"), ev->hw_model, sizeof ev->hw_model);
        }
    }
    plist_free(hw);
    restored_client_free(r);
}

/* The device is announced once lockdownd or restored has said which it is:
 * usbmuxd lists Normal and Restore devices alike, and an announcement made
 * before asking would put a Normal mode that never was in the history.
 * Posted under the lock so a removal seen meanwhile either comes after it
 * or stops it. */
static void announce(struct mux_source *m, const char *udid, bool restore)
{
    struct bench_ev *ev = calloc(1, sizeof *ev);
    if (!ev) return;
    ev->type = BEV_MUX_ATTACHED;
    ev->restore = restore;
    ev->now_ms = now_ms();
    snprintf(ev->udid, sizeof ev->udid, "%s", udid);
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nknown; i++)
        if (!strcmp(m->known[i].udid, udid)) { if (!m->stopping) sink_post(&m->sink, ev); break; }
    pthread_mutex_unlock(&m->lock);
    free(ev);
}

static void identify(void *arg)
{
    struct job *j = arg;
    struct mux_source *m = j->m;
    struct bench_ev *ev = calloc(1, sizeof *ev);
    idevice_t dev = NULL;
    lockdownd_client_t l = NULL;
    if (!ev || m->stopping) goto out;
    ev->type = BEV_MUX_INFO;
    snprintf(ev->udid, sizeof ev->udid, "%s", j->udid);
    if (idevice_new_with_options(&dev, j->udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS) {
        announce(m, j->udid, false);
        goto out;
    }
    if (lockdownd_client_new(dev, &l, "ibench") == LOCKDOWN_E_SUCCESS) {
        char *type = NULL;
        lockdownd_query_type(l, &type);
        int restore = type && strcmp(type, "com.apple.mobile.restored") == 0;
        free(type);
        announce(m, j->udid, restore);
        if (restore) {
            ev->restore = true;
            lockdownd_client_free(l);
            l = NULL;
            query_restored(dev, ev);
        } else {
            lockdown_value(l, "ProductType", ev->product_type, sizeof ev->product_type);
            lockdown_value(l, "ProductVersion", ev->ios_version, sizeof ev->ios_version);
            lockdown_value(l, "BuildVersion", ev->build, sizeof ev->build);
            lockdown_value(l, "DeviceName", ev->device_name, sizeof ev->device_name);
            lockdown_value(l, "SerialNumber", ev->serial, sizeof ev->serial);
            lockdown_value(l, "HardwareModel", ev->hw_model, sizeof ev->hw_model);
            lockdown_value(l, "DeviceClass", ev->device_class, sizeof ev->device_class);
            plist_t node = NULL;
            uint64_t ecid;
            if (lockdownd_get_value(l, NULL, "UniqueChipID", &node) == LOCKDOWN_E_SUCCESS && get_uint(node, &ecid)) {
                ev->has_ecid = true;
                ev->ecid = ecid;
            }
            plist_free(node);
        }
    } else {
        announce(m, j->udid, true);
        ev->restore = true;
        query_restored(dev, ev);
    }
    ev->now_ms = now_ms();
    if (!m->stopping) sink_post(&m->sink, ev);
out:
    if (l) lockdownd_client_free(l);
    if (dev) idevice_free(dev);
    free(ev);
    free(j);
}

static void remember(struct mux_source *m, uint32_t handle, const char *udid, int add)
{
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nknown; i++) {
        if (m->known[i].handle != handle) continue;
        if (!add) m->known[i] = m->known[--m->nknown];
        pthread_mutex_unlock(&m->lock);
        return;
    }
    if (add && m->nknown < (int)(sizeof m->known / sizeof m->known[0])) {
        m->known[m->nknown].handle = handle;
        snprintf(m->known[m->nknown].udid, sizeof m->known[0].udid, "%s", udid);
        m->nknown++;
    }
    pthread_mutex_unlock(&m->lock);
}

static void lookup(struct mux_source *m, uint32_t handle, char *udid, size_t n)
{
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nknown; i++)
        if (m->known[i].handle == handle) snprintf(udid, n, "%s", m->known[i].udid);
    pthread_mutex_unlock(&m->lock);
}

static void on_event(const usbmuxd_event_t *e, void *user)
{
    struct mux_source *m = user;
    if (m->stopping || e->device.conn_type != CONNECTION_TYPE_USB) return;
    struct bench_ev *ev = calloc(1, sizeof *ev);
    if (!ev) return;
    ev->now_ms = now_ms();
    snprintf(ev->udid, sizeof ev->udid, "%.44s", e->device.udid);
    if (e->event == UE_DEVICE_ADD) {
        remember(m, e->device.handle, ev->udid, 1);
        ev->type = BEV_MUX_ATTACHED;   /* its place in line; announced once identify knows its mode */
        ev->mode_pending = true;
        sink_post(&m->sink, ev);
        struct job *j = calloc(1, sizeof *j);
        if (j) {
            j->m = m;
            snprintf(j->udid, sizeof j->udid, "%s", ev->udid);
            pool_submit(m->sink.pool, identify, j, NULL);
        }
    } else if (e->event == UE_DEVICE_REMOVE) {
        if (!ev->udid[0]) lookup(m, e->device.handle, ev->udid, sizeof ev->udid);
        remember(m, e->device.handle, NULL, 0);
        ev->type = BEV_MUX_DETACHED;
        sink_post(&m->sink, ev);
    }
    free(ev);
}

struct mux_source *mux_source_start(const struct sink *sk, char *err, unsigned long errlen)
{
    struct mux_source *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->sink = *sk;
    pthread_mutex_init(&m->lock, NULL);
    /* A quick look tells the technician now whether usbmuxd is there; the
     * subscription keeps retrying and picks it up when it starts later. */
    usbmuxd_device_info_t *list = NULL;
    if (usbmuxd_get_device_list(&list) < 0)
        snprintf(err, errlen, "usbmuxd is not running: Normal-mode devices will not show (start usbmuxd)");
    else
        usbmuxd_device_list_free(&list);
    if (usbmuxd_events_subscribe(&m->sub, on_event, m) != 0) {
        snprintf(err, errlen, "cannot watch usbmuxd for devices");
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

void mux_source_stop(struct mux_source *m)
{
    if (!m) return;
    m->stopping = 1;
    usbmuxd_events_unsubscribe(m->sub);
}

void mux_source_free(struct mux_source *m)
{
    if (!m) return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

int mux_source_busy(const struct mux_source *m)
{
    return pool_busy(m->sink.pool);
}
