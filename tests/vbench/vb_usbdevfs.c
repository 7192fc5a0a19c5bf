/* usbdevfs for one plugged device node, as umockdev hands us the ioctls of
 * the program under test.
 *
 * libusb sends every transfer as URBs (synchronous ones too) and keeps several
 * in flight, so each open file descriptor (umockdev client) has a queue of
 * completed URBs for REAPURB and a list of URBs the device has not answered
 * (NAK, hanging commands) that only DISCARDURB ends. When the device leaves the
 * bus, everything in flight completes with -ESHUTDOWN and later ioctls fail
 * with ENODEV, as on Linux; the socket to the client stays open because
 * umockdev's preload aborts the client when it closes. */
#include "vbench.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>          /* before linux/usbdevice_fs.h */
#include <linux/usbdevice_fs.h>

struct vb_urb {
  UMockdevIoctlData *urb, *buf;
};

struct vb_client {
  GQueue done, pending;
};

struct vb_usb {
  struct vb_dev *dev;          /* NULL once gone */
  UMockdevIoctlBase *handler;
  GHashTable *clients;         /* UMockdevIoctlClient* -> struct vb_client* */
};

static void urb_free(gpointer p)
{
  struct vb_urb *u = p;
  if (u->buf) g_object_unref(u->buf);
  g_object_unref(u->urb);
  g_free(u);
}

static void client_free(gpointer p)
{
  struct vb_client *c = p;
  g_queue_clear_full(&c->done, urb_free);
  g_queue_clear_full(&c->pending, urb_free);
  g_free(c);
}

static struct vb_client *client_of(struct vb_usb *u, UMockdevIoctlClient *client)
{
  struct vb_client *c = g_hash_table_lookup(u->clients, client);
  if (!c) {
    c = g_new0(struct vb_client, 1);
    g_queue_init(&c->done);
    g_queue_init(&c->pending);
    g_hash_table_insert(u->clients, client, c);
  }
  return c;
}

static void set_status(struct vb_urb *x, int status, int actual)
{
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;
  urb->status = status;
  urb->actual_length = actual;
}

/* Runs one URB through the emulated device; returns how it ended. */
static enum vb_xfer run_urb(struct vb_dev *d, struct vb_urb *x)
{
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;
  uint8_t *buf = x->buf ? x->buf->data : NULL;
  int blen = x->buf ? urb->buffer_length : 0;
  enum vb_xfer r;
  int actual = 0;
  if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
    if (blen < 8) return VB_STALL;
    int wlen = buf[6] | buf[7] << 8;
    if (wlen > blen - 8) wlen = blen - 8;
    actual = wlen;
    r = vb_iboot_control(d, buf, buf + 8, &actual);
  } else if (urb->type == USBDEVFS_URB_TYPE_BULK && !(urb->endpoint & 0x80)) {
    actual = blen;
    r = vb_iboot_bulk_out(d, urb->endpoint, buf, blen);
    if (r == VB_NEVER || (d->bad != VB_BAD_NONE && r == VB_STALL)) actual = 0;
  } else {
    r = d->bad == VB_BAD_STALL ? VB_STALL : VB_NEVER;  /* nothing to say on IN/interrupt pipes */
  }
  if (r == VB_DONE) set_status(x, 0, actual);
  else if (r == VB_STALL) set_status(x, -EPIPE, 0);
  else if (r == VB_GONE) set_status(x, -EPROTO, 0);
  return r;
}

static gboolean leave_later(gpointer p)
{
  struct vb_dev *d = p;
  vb_unplug(d);
  return G_SOURCE_REMOVE;
}

static void submit(struct vb_usb *u, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  GError *err = NULL;
  UMockdevIoctlData *ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), &err);
  if (!ud) { g_clear_error(&err); umockdev_ioctl_client_complete(client, -1, EFAULT); return; }
  struct usbdevfs_urb *urb = (struct usbdevfs_urb *)ud->data;
  struct vb_urb *x = g_new0(struct vb_urb, 1);
  x->urb = ud;
  if (urb->buffer_length > 0) {
    x->buf = umockdev_ioctl_data_resolve(ud, offsetof(struct usbdevfs_urb, buffer), (gsize)urb->buffer_length, &err);
    if (!x->buf) { g_clear_error(&err); urb_free(x); umockdev_ioctl_client_complete(client, -1, EFAULT); return; }
  }
  if (!u->dev) { urb_free(x); umockdev_ioctl_client_complete(client, -1, ENODEV); return; }
  struct vb_client *c = client_of(u, client);
  struct vb_dev *d = u->dev;
  enum vb_xfer r = run_urb(d, x);
  if (r == VB_NEVER) g_queue_push_tail(&c->pending, x);
  else g_queue_push_tail(&c->done, x);
  umockdev_ioctl_client_complete(client, 0, 0);
  if (r == VB_GONE) g_idle_add(leave_later, d);
}

static void reap(struct vb_usb *u, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  struct vb_client *c = client_of(u, client);
  struct vb_urb *x = g_queue_pop_head(&c->done);
  if (!x) { umockdev_ioctl_client_complete(client, -1, u->dev ? EAGAIN : ENODEV); return; }
  GError *err = NULL;
  UMockdevIoctlData *p = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), &err);
  if (!p) { g_clear_error(&err); urb_free(x); umockdev_ioctl_client_complete(client, -1, EFAULT); return; }
  umockdev_ioctl_data_set_ptr(p, 0, x->urb);
  umockdev_ioctl_client_complete(client, 0, 0);
  g_object_unref(p);
  urb_free(x);
}

static void discard(struct vb_usb *u, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  struct vb_client *c = client_of(u, client);
  gulong addr = *(gulong *)arg->data;
  for (GList *l = c->pending.head; l; l = l->next) {
    struct vb_urb *x = l->data;
    if (x->urb->client_addr != addr) continue;
    g_queue_delete_link(&c->pending, l);
    set_status(x, -ENOENT, 0);
    g_queue_push_tail(&c->done, x);
    umockdev_ioctl_client_complete(client, 0, 0);
    return;
  }
  umockdev_ioctl_client_complete(client, -1, EINVAL);
}

static void control(struct vb_usb *u, UMockdevIoctlClient *client, UMockdevIoctlData *arg)
{
  GError *err = NULL;
  UMockdevIoctlData *cd = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_ctrltransfer), &err);
  if (!cd) { g_clear_error(&err); umockdev_ioctl_client_complete(client, -1, EFAULT); return; }
  struct usbdevfs_ctrltransfer *ct = (struct usbdevfs_ctrltransfer *)cd->data;
  UMockdevIoctlData *dd = NULL;
  if (ct->wLength) dd = umockdev_ioctl_data_resolve(cd, offsetof(struct usbdevfs_ctrltransfer, data), ct->wLength, &err);
  g_clear_error(&err);
  uint8_t setup[8] = {ct->bRequestType, ct->bRequest, (uint8_t)ct->wValue, (uint8_t)(ct->wValue >> 8),
                      (uint8_t)ct->wIndex, (uint8_t)(ct->wIndex >> 8), (uint8_t)ct->wLength, (uint8_t)(ct->wLength >> 8)};
  int len = dd ? ct->wLength : 0;
  enum vb_xfer r = u->dev ? vb_iboot_control(u->dev, setup, dd ? dd->data : NULL, &len) : VB_GONE;
  if (r == VB_DONE) umockdev_ioctl_client_complete(client, len, 0);
  else umockdev_ioctl_client_complete(client, -1, r == VB_STALL ? EPIPE : r == VB_NEVER ? ETIMEDOUT : ENODEV);
  if (dd) g_object_unref(dd);
  g_object_unref(cd);
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer p)
{
  struct vb_usb *u = p;
  gulong req = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
  GError *err = NULL;
  (void)h;
  if (req == (gulong)USBDEVFS_SUBMITURB) submit(u, client, arg);
  else if (req == (gulong)USBDEVFS_REAPURB || req == (gulong)USBDEVFS_REAPURBNDELAY) reap(u, client, arg);
  else if (req == (gulong)USBDEVFS_DISCARDURB) discard(u, client, arg);
  else if (!u->dev) umockdev_ioctl_client_complete(client, -1, ENODEV);
  else if (req == (gulong)USBDEVFS_GET_CAPABILITIES) {
    UMockdevIoctlData *cap = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), &err);
    if (!cap) { g_clear_error(&err); umockdev_ioctl_client_complete(client, -1, EFAULT); return TRUE; }
    *(guint32 *)cap->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                            USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;
    umockdev_ioctl_client_complete(client, 0, 0);
    g_object_unref(cap);
  }
  else if (req == (gulong)USBDEVFS_CONTROL) control(u, client, arg);
  else if (req == (gulong)USBDEVFS_RESET) {
    vb_iboot_bus_reset(u->dev);
    umockdev_ioctl_client_complete(client, 0, 0);
  }
  else if (req == (gulong)USBDEVFS_RELEASEINTERFACE) {
    vb_iboot_flush(u->dev);      /* the client is done (libirecovery releases before closing) */
    umockdev_ioctl_client_complete(client, 0, 0);
  }
  else if (req == (gulong)USBDEVFS_CLAIMINTERFACE ||
           req == (gulong)USBDEVFS_SETINTERFACE || req == (gulong)USBDEVFS_SETCONFIGURATION ||
           req == (gulong)USBDEVFS_CLEAR_HALT || req == (gulong)USBDEVFS_RESETEP ||
           req == (gulong)USBDEVFS_DISCONNECT_CLAIM)
    umockdev_ioctl_client_complete(client, 0, 0);
  else if (req == (gulong)USBDEVFS_GETDRIVER || req == (gulong)USBDEVFS_IOCTL)
    umockdev_ioctl_client_complete(client, -1, ENODATA);   /* no kernel driver bound */
  else
    umockdev_ioctl_client_complete(client, -1, ENOTTY);
  return TRUE;
}

/* umockdev 0.17 never emits client-vanished; a closed client shows as its
 * "connected" property turning false. A Recovery upload ends there. */
static void on_connected_changed(GObject *obj, GParamSpec *ps, gpointer p)
{
  struct vb_usb *u = p;
  UMockdevIoctlClient *client = UMOCKDEV_IOCTL_CLIENT(obj);
  (void)ps;
  if (umockdev_ioctl_client_get_connected(client)) return;
  g_hash_table_remove(u->clients, client);
  g_signal_handlers_disconnect_by_data(obj, u);
  if (u->dev) vb_iboot_flush(u->dev);
}

static void on_connected(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer p)
{
  (void)h;
  g_signal_connect(client, "notify::connected", G_CALLBACK(on_connected_changed), p);
}

struct vb_usb *vb_usb_attach(struct vb_dev *d, const char *devnode)
{
  struct vb_usb *u = g_new0(struct vb_usb, 1);
  u->dev = d;
  u->clients = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, client_free);
  u->handler = umockdev_ioctl_base_new();
  g_signal_connect(u->handler, "handle-ioctl", G_CALLBACK(on_ioctl), u);
  g_signal_connect(u->handler, "client-connected", G_CALLBACK(on_connected), u);
  GError *err = NULL;
  if (!umockdev_testbed_attach_ioctl(vb_testbed, devnode, u->handler, &err)) {
    vb_log(d, "error attaching %s: %s", devnode, err ? err->message : "?");
    g_clear_error(&err);
  }
  return u;
}

/* The handler stays attached (and u allocated) for as long as clients may
 * still hold the node open; it only answers ENODEV from now on. */
void vb_usb_gone(struct vb_usb *u)
{
  if (!u) return;
  u->dev = NULL;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, u->clients);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    struct vb_client *c = v;
    struct vb_urb *x;
    while ((x = g_queue_pop_head(&c->pending))) {
      set_status(x, -ESHUTDOWN, 0);
      g_queue_push_tail(&c->done, x);
    }
  }
}
