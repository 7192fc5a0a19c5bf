/* The virtual bench's stand-in usbmuxd: the usbmuxd side (socket, clients,
 * ListDevices / Listen / Connect / ReadBUID / ReadPairRecord). The lockdownd
 * and restored answers behind Connect live in muxd_lockdown.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* accept4 */
#endif
#include "muxd_priv.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* usbmuxd wire constants */
#define MUX_HDR_LEN        16u
#define MUX_MSG_RESULT     1u
#define MUX_MSG_PLIST      8u
#define MUX_RES_OK         0u
#define MUX_RES_BADCOMMAND 1u
#define MUX_RES_BADDEV     2u
#define MUX_RES_CONNREFUSED 3u
#define MUX_RES_BADVERSION 6u
#define MUX_NOENT          2u     /* what usbmuxd answers for a missing pair record (ENOENT) */
#define LOCKDOWN_PORT      62078u
#define ASR_PORT           12345u   /* restore mode: the filesystem image */
#define FDR_CTRL_PORT      1082u    /* restore mode: factory data recovery control */

#define MAX_MUX_MSG        (1u << 20)   /* a usbmuxd request larger than this is malformed */
#define MAX_LD_MSG         (4u << 20)   /* same for one lockdownd / restored plist */
#define MAX_OUT_BUF        (16u << 20)  /* a client that stops reading is dropped */

#define FIXED_BUID "5A1E7C3B-9D0F-4E26-8B14-7C2D3E4F5A60"

enum conn_state {
  CONN_MUX,        /* usbmuxd requests */
  CONN_LISTEN,     /* after Listen: receives Attached/Detached */
  CONN_DEVICE,     /* after Connect: lockdownd / restored stream */
  CONN_SERVICE,    /* after Connect to ASR or FDR of a Restore device (muxd_restore.c) */
};

struct conn {
  muxd_t *m;
  int fd;
  guint in_src, out_src;
  GByteArray *in, *out;
  enum conn_state state;
  uint32_t dev_id;           /* CONN_DEVICE / CONN_SERVICE: the device's DeviceID */
  uint16_t port;             /* CONN_SERVICE: which service */
  gboolean closing;          /* close once out is flushed; read no more */
};

struct pending_action {
  muxd_t *m;
  guint src;
  char *udid, *action;
};

struct muxd {
  char *path;
  int lfd;
  guint lsrc;
  GList *conns;              /* struct conn * */
  GList *devs;               /* struct mux_dev * */
  GList *actions;            /* struct pending_action * */
  uint32_t next_id;
  void (*log_fn)(void *, const char *, const char *);
  void *log_ctx;
  void (*act_fn)(void *, const char *, const char *);
  void *act_ctx;
};

/* ---------------------------------------------------------------- logging */

void muxd_logf(muxd_t *m, const char *udid, const char *fmt, ...)
{
  if (!m || !m->log_fn)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *line = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  m->log_fn(m->log_ctx, udid, line);
  g_free(line);
}

void muxd_set_log(muxd_t *m, void (*fn)(void *ctx, const char *udid, const char *line), void *ctx)
{
  if (!m)
    return;
  m->log_fn = fn;
  m->log_ctx = ctx;
}

void muxd_set_action_handler(muxd_t *m, void (*fn)(void *ctx, const char *udid, const char *action), void *ctx)
{
  if (!m)
    return;
  m->act_fn = fn;
  m->act_ctx = ctx;
}

static void pending_action_free(struct pending_action *pa)
{
  g_free(pa->udid);
  g_free(pa->action);
  g_free(pa);
}

static gboolean action_idle(gpointer data)
{
  struct pending_action *pa = data;
  muxd_t *m = pa->m;
  m->actions = g_list_remove(m->actions, pa);
  pa->src = 0;
  if (m->act_fn)
    m->act_fn(m->act_ctx, pa->udid, pa->action);   /* may detach, attach or even stop */
  pending_action_free(pa);
  return G_SOURCE_REMOVE;
}

void muxd_queue_action(muxd_t *m, const char *udid, const char *action)
{
  struct pending_action *pa = g_new0(struct pending_action, 1);
  pa->m = m;
  pa->udid = g_strdup(udid);
  pa->action = g_strdup(action);
  pa->src = g_idle_add(action_idle, pa);
  m->actions = g_list_prepend(m->actions, pa);
}

/* ---------------------------------------------------------------- devices */

struct mux_dev *muxd_find_dev(muxd_t *m, uint32_t id)
{
  for (GList *l = m->devs; l; l = l->next) {
    struct mux_dev *d = l->data;
    if (d->id == id)
      return d;
  }
  return NULL;
}

static struct mux_dev *find_dev_udid(muxd_t *m, const char *udid)
{
  if (!udid)
    return NULL;
  for (GList *l = m->devs; l; l = l->next) {
    struct mux_dev *d = l->data;
    if (strcmp(d->info.udid, udid) == 0)
      return d;
  }
  return NULL;
}

static void dev_free(struct mux_dev *d)
{
  struct mux_device_info *i = &d->info;
  muxd_restore_free(d);
  g_free((char *)i->restore_pause);
  g_free((char *)i->udid);
  g_free((char *)i->product_type);
  g_free((char *)i->product_version);
  g_free((char *)i->build_version);
  g_free((char *)i->device_name);
  g_free((char *)i->serial_number);
  g_free((char *)i->hardware_model);
  g_free((char *)i->device_class);
  g_free(d->usb_serial);
  g_free(d);
}

/* The properties dict usbmuxd reports for a device. */
static plist_t dev_properties(const struct mux_dev *d)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "ConnectionSpeed", plist_new_uint(480000000));
  plist_dict_set_item(p, "ConnectionType", plist_new_string("USB"));
  plist_dict_set_item(p, "DeviceID", plist_new_uint(d->id));
  plist_dict_set_item(p, "LocationID", plist_new_uint(d->info.location_id));
  plist_dict_set_item(p, "ProductID", plist_new_uint(d->info.product_id));
  plist_dict_set_item(p, "SerialNumber", plist_new_string(d->info.udid));
  plist_dict_set_item(p, "USBSerialNumber", plist_new_string(d->usb_serial));
  return p;
}

static plist_t attached_msg(const struct mux_dev *d)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "DeviceID", plist_new_uint(d->id));
  plist_dict_set_item(p, "MessageType", plist_new_string("Attached"));
  plist_dict_set_item(p, "Properties", dev_properties(d));
  return p;
}

static plist_t detached_msg(uint32_t id)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "DeviceID", plist_new_uint(id));
  plist_dict_set_item(p, "MessageType", plist_new_string("Detached"));
  return p;
}

/* ---------------------------------------------------------------- connections */

static gboolean conn_readable(gint fd, GIOCondition cond, gpointer data);
static gboolean conn_writable(gint fd, GIOCondition cond, gpointer data);

static void conn_free(struct conn *c)
{
  muxd_t *m = c->m;
  muxd_restore_conn_gone(m, c);
  if (c->in_src)
    g_source_remove(c->in_src);
  if (c->out_src)
    g_source_remove(c->out_src);
  if (c->fd >= 0)
    close(c->fd);
  g_byte_array_unref(c->in);
  g_byte_array_unref(c->out);
  m->conns = g_list_remove(m->conns, c);
  g_free(c);
}

static void conn_want_write(struct conn *c)
{
  if (!c->out_src && c->fd >= 0)
    c->out_src = g_unix_fd_add(c->fd, G_IO_OUT, conn_writable, c);
}

/* Close after what is queued has been written (safe from any callback). */
static void conn_close_later(struct conn *c)
{
  c->closing = TRUE;
  if (c->in_src) {
    g_source_remove(c->in_src);
    c->in_src = 0;
  }
  conn_want_write(c);
}

static void conn_queue(struct conn *c, const void *data, size_t len)
{
  g_byte_array_append(c->out, data, (guint)len);
  conn_want_write(c);
}

/* For muxd_restore.c: raw bytes, a framed plist, close after flush. */
void muxd_conn_write(struct conn *c, const void *data, size_t len)
{
  if (!c->closing || c->out_src)
    conn_queue(c, data, len);
}

void muxd_conn_send_plist(struct conn *c, plist_t p)
{
  char *xml = NULL;
  uint32_t xlen = 0;
  plist_to_xml(p, &xml, &xlen);
  if (xml) {
    uint8_t be[4] = { (uint8_t)(xlen >> 24), (uint8_t)(xlen >> 16), (uint8_t)(xlen >> 8), (uint8_t)xlen };
    muxd_conn_write(c, be, 4);
    muxd_conn_write(c, xml, xlen);
    free(xml);
  }
}

void muxd_conn_close(struct conn *c) { conn_close_later(c); }

GList *muxd_devices(muxd_t *m) { return m->devs; }

static void put_le32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void mux_send_packet(struct conn *c, uint32_t version, uint32_t type, uint32_t tag,
                            const void *payload, uint32_t len)
{
  uint8_t hdr[MUX_HDR_LEN];
  put_le32(hdr, MUX_HDR_LEN + len);
  put_le32(hdr + 4, version);
  put_le32(hdr + 8, type);
  put_le32(hdr + 12, tag);
  conn_queue(c, hdr, sizeof hdr);
  if (len)
    conn_queue(c, payload, len);
}

static void mux_send_plist(struct conn *c, uint32_t tag, plist_t p)
{
  char *xml = NULL;
  uint32_t len = 0;
  plist_to_xml(p, &xml, &len);
  if (xml)
    mux_send_packet(c, 1, MUX_MSG_PLIST, tag, xml, len);
  free(xml);
}

static void mux_send_result(struct conn *c, uint32_t tag, uint32_t number)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "MessageType", plist_new_string("Result"));
  plist_dict_set_item(p, "Number", plist_new_uint(number));
  mux_send_plist(c, tag, p);
  plist_free(p);
}

static void broadcast(muxd_t *m, plist_t msg)
{
  for (GList *l = m->conns; l; l = l->next) {
    struct conn *c = l->data;
    if (c->state == CONN_LISTEN && !c->closing)
      mux_send_plist(c, 0, msg);
  }
}

static const char *dict_str(plist_t dict, const char *key)
{
  plist_t n = plist_dict_get_item(dict, key);
  if (!n || plist_get_node_type(n) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr(n, NULL);
}

static int dict_uint(plist_t dict, const char *key, uint64_t *out)
{
  plist_t n = plist_dict_get_item(dict, key);
  if (!n || plist_get_node_type(n) != PLIST_UINT)
    return 0;
  plist_get_uint_val(n, out);
  return 1;
}

/* Handles one usbmuxd plist request. Returns 0 to go on, -1 to close. */
static int mux_request(struct conn *c, uint32_t tag, plist_t req)
{
  muxd_t *m = c->m;
  const char *type = dict_str(req, "MessageType");
  if (!type) {
    muxd_logf(m, NULL, "mux malformed request (no MessageType)");
    return -1;
  }
  const char *prog = dict_str(req, "ProgName");
  if (!prog)
    prog = "?";

  if (strcmp(type, "ListDevices") == 0) {
    plist_t list = plist_new_array();
    for (GList *l = g_list_last(m->devs); l; l = l->prev) {   /* oldest first */
      struct mux_dev *d = l->data;
      plist_array_append_item(list, attached_msg(d));
    }
    plist_t p = plist_new_dict();
    plist_dict_set_item(p, "DeviceList", list);
    mux_send_plist(c, tag, p);
    plist_free(p);
    muxd_logf(m, NULL, "mux ListDevices (%s) -> %u", prog, g_list_length(m->devs));
  } else if (strcmp(type, "Listen") == 0) {
    mux_send_result(c, tag, MUX_RES_OK);
    c->state = CONN_LISTEN;
    for (GList *l = g_list_last(m->devs); l; l = l->prev) {
      plist_t a = attached_msg(l->data);
      mux_send_plist(c, 0, a);
      plist_free(a);
    }
    muxd_logf(m, NULL, "mux Listen (%s)", prog);
  } else if (strcmp(type, "Connect") == 0) {
    uint64_t id = 0, port_be = 0;
    if (!dict_uint(req, "DeviceID", &id) || !dict_uint(req, "PortNumber", &port_be) || port_be > 0xffff) {
      muxd_logf(m, NULL, "mux Connect malformed");
      mux_send_result(c, tag, MUX_RES_BADCOMMAND);
      return 0;
    }
    uint16_t port = (uint16_t)(((port_be & 0xff) << 8) | ((port_be >> 8) & 0xff));
    struct mux_dev *d = id <= UINT32_MAX ? muxd_find_dev(m, (uint32_t)id) : NULL;
    if (!d) {
      muxd_logf(m, NULL, "mux Connect device=%llu port=%u -> no such device",
                (unsigned long long)id, port);
      mux_send_result(c, tag, MUX_RES_BADDEV);
      return 0;
    }
    if (d->info.restore && (port == ASR_PORT || port == FDR_CTRL_PORT)) {
      mux_send_result(c, tag, MUX_RES_OK);
      c->state = CONN_SERVICE;
      c->dev_id = d->id;
      c->port = port;
      muxd_logf(m, d->info.udid, "mux Connect port=%u (%s) -> %s", port, prog, port == ASR_PORT ? "asr" : "fdr");
      muxd_restore_service_open(m, d, c, port);
      return 0;
    }
    if (port != LOCKDOWN_PORT) {
      muxd_logf(m, d->info.udid, "mux Connect port=%u -> refused", port);
      mux_send_result(c, tag, MUX_RES_CONNREFUSED);
      return 0;
    }
    mux_send_result(c, tag, MUX_RES_OK);
    c->state = CONN_DEVICE;
    c->dev_id = d->id;
    muxd_logf(m, d->info.udid, "mux Connect port=%u (%s) -> %s", port, prog,
              d->info.restore ? "restored" : "lockdownd");
  } else if (strcmp(type, "ReadBUID") == 0) {
    plist_t p = plist_new_dict();
    plist_dict_set_item(p, "BUID", plist_new_string(FIXED_BUID));
    mux_send_plist(c, tag, p);
    plist_free(p);
    muxd_logf(m, NULL, "mux ReadBUID");
  } else if (strcmp(type, "ReadPairRecord") == 0) {
    const char *rid = dict_str(req, "PairRecordID");
    mux_send_result(c, tag, MUX_NOENT);
    muxd_logf(m, rid && find_dev_udid(m, rid) ? rid : NULL, "mux ReadPairRecord %s -> none",
              rid ? rid : "?");
  } else if (strcmp(type, "SavePairRecord") == 0 || strcmp(type, "DeletePairRecord") == 0) {
    /* pairing never succeeds on the bench, so there is nothing to keep */
    const char *rid = dict_str(req, "PairRecordID");
    mux_send_result(c, tag, MUX_RES_OK);
    muxd_logf(m, rid && find_dev_udid(m, rid) ? rid : NULL, "mux %s %s -> ignored", type,
              rid ? rid : "?");
  } else {
    mux_send_result(c, tag, MUX_RES_BADCOMMAND);
    muxd_logf(m, NULL, "mux %.64s -> bad command", type);
  }
  return 0;
}

/* Consumes complete usbmuxd packets from c->in. Returns -1 to close. */
static int mux_process(struct conn *c)
{
  while (c->state == CONN_MUX && !c->closing && c->in->len >= MUX_HDR_LEN) {
    const uint8_t *h = c->in->data;
    uint32_t len = get_le32(h), version = get_le32(h + 4), type = get_le32(h + 8), tag = get_le32(h + 12);
    if (len < MUX_HDR_LEN || len > MAX_MUX_MSG) {
      muxd_logf(c->m, NULL, "mux malformed header (length %u)", len);
      return -1;
    }
    if (c->in->len < len)
      break;
    int rc = 0;
    if (version != 1) {
      /* the old binary protocol: say so instead of leaving the client waiting */
      uint8_t res[4];
      put_le32(res, MUX_RES_BADVERSION);
      mux_send_packet(c, version, MUX_MSG_RESULT, tag, res, sizeof res);
      muxd_logf(c->m, NULL, "mux binary message %u (version %u) -> bad version", type, version);
    } else if (type != MUX_MSG_PLIST) {
      mux_send_result(c, tag, MUX_RES_BADCOMMAND);
      muxd_logf(c->m, NULL, "mux message type %u -> bad command", type);
    } else {
      plist_t req = NULL;
      if (len > MUX_HDR_LEN)
        vb_plist_from_memory((const char *)h + MUX_HDR_LEN, len - MUX_HDR_LEN, &req);
      if (!req || plist_get_node_type(req) != PLIST_DICT) {
        muxd_logf(c->m, NULL, "mux malformed plist");
        rc = -1;
      } else {
        rc = mux_request(c, tag, req);
      }
      if (req)
        plist_free(req);
    }
    g_byte_array_remove_range(c->in, 0, len);
    if (rc < 0)
      return -1;
  }
  if (c->state == CONN_LISTEN) {
    g_byte_array_set_size(c->in, 0);   /* a listener has nothing more to say */
  }
  return 0;
}

/* Consumes complete lockdownd / restored plists (4-byte BE length + plist). */
static int device_process(struct conn *c)
{
  muxd_t *m = c->m;
  while (c->state == CONN_DEVICE && !c->closing && c->in->len >= 4) {
    const uint8_t *p = c->in->data;
    uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    struct mux_dev *d = muxd_find_dev(m, c->dev_id);
    if (!d)
      return -1;   /* the device went away */
    if (len == 0 || len > MAX_LD_MSG) {
      muxd_logf(m, d->info.udid, "%s malformed length %u", d->info.restore ? "restored" : "lockdown", len);
      return -1;
    }
    if (c->in->len < 4 + (guint)len)
      break;
    plist_t req = NULL;
    vb_plist_from_memory((const char *)p + 4, len, &req);
    g_byte_array_remove_range(c->in, 0, 4 + len);
    if (!req || plist_get_node_type(req) != PLIST_DICT) {
      muxd_logf(m, d->info.udid, "%s malformed plist", d->info.restore ? "restored" : "lockdown");
      if (req)
        plist_free(req);
      return -1;
    }
    plist_t reply = NULL;
    int rc = muxd_lockdown_request(m, d, c, req, &reply);
    plist_free(req);
    if (reply) {
      char *xml = NULL;
      uint32_t xlen = 0;
      plist_to_xml(reply, &xml, &xlen);
      plist_free(reply);
      if (xml) {
        uint8_t be[4] = { (uint8_t)(xlen >> 24), (uint8_t)(xlen >> 16), (uint8_t)(xlen >> 8), (uint8_t)xlen };
        conn_queue(c, be, 4);
        conn_queue(c, xml, xlen);
        free(xml);
      }
    }
    if (rc < 0)
      return -1;
    if (rc == 0)
      conn_close_later(c);
  }
  return 0;
}

static gboolean conn_readable(gint fd, GIOCondition cond, gpointer data)
{
  struct conn *c = data;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (c->state != CONN_LISTEN)
        g_byte_array_append(c->in, buf, (guint)n);
      if (c->state == CONN_SERVICE) {
        /* ASR streams megabytes: the service consumes as it goes, so a device
         * that leaves mid-image stops reading where a real one would */
        struct mux_dev *sd = muxd_find_dev(c->m, c->dev_id);
        int src = sd ? muxd_restore_service_data(c->m, sd, c, c->in) : -1;
        if (src < 0) {
          c->in_src = 0;
          conn_free(c);
          return G_SOURCE_REMOVE;
        }
        if (src > 0) conn_close_later(c);
        if (c->closing) return G_SOURCE_REMOVE;
      }
      if (c->in->len > MAX_LD_MSG + 64) {
        c->in_src = 0;
        conn_free(c);
        return G_SOURCE_REMOVE;
      }
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    /* EOF or error: the client has gone (a service still takes what came before) */
    if (c->state == CONN_SERVICE && c->in->len && !c->closing) {
      struct mux_dev *sd = muxd_find_dev(c->m, c->dev_id);
      if (sd) muxd_restore_service_data(c->m, sd, c, c->in);
    }
    c->in_src = 0;
    conn_free(c);
    return G_SOURCE_REMOVE;
  }
  int rc = 0;
  if (c->state == CONN_MUX)
    rc = mux_process(c);
  if (rc == 0 && c->state == CONN_DEVICE)   /* bytes pipelined right after Connect */
    rc = device_process(c);
  if (rc == 0 && c->state == CONN_SERVICE && !c->closing) {
    struct mux_dev *d = muxd_find_dev(c->m, c->dev_id);
    rc = d ? muxd_restore_service_data(c->m, d, c, c->in) : -1;
    if (rc > 0) { conn_close_later(c); rc = 0; }
  }
  if (rc < 0) {
    /* malformed: what was already answered still goes out, nothing more is read */
    if (c->out->len > 0) {
      conn_close_later(c);
    } else {
      c->in_src = 0;
      conn_free(c);
    }
    return G_SOURCE_REMOVE;
  }
  if (c->closing) {        /* conn_close_later already removed this source */
    return G_SOURCE_REMOVE;
  }
  if (c->out->len > MAX_OUT_BUF) {
    c->in_src = 0;
    conn_free(c);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean conn_writable(gint fd, GIOCondition cond, gpointer data)
{
  struct conn *c = data;
  while (c->out->len > 0) {
    ssize_t n = send(fd, c->out->data, c->out->len, MSG_NOSIGNAL);
    if (n > 0) {
      g_byte_array_remove_range(c->out, 0, (guint)n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return G_SOURCE_CONTINUE;
    c->out_src = 0;            /* peer gone */
    conn_free(c);
    return G_SOURCE_REMOVE;
  }
  c->out_src = 0;
  if (c->closing)
    conn_free(c);
  return G_SOURCE_REMOVE;
}

static gboolean accept_cb(gint fd, GIOCondition cond, gpointer data)
{
  muxd_t *m = data;
  for (;;) {
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
      if (errno == EINTR)
        continue;
      break;   /* EAGAIN, or a transient error: wait for the next wakeup */
    }
    struct conn *c = g_new0(struct conn, 1);
    c->m = m;
    c->fd = cfd;
    c->in = g_byte_array_new();
    c->out = g_byte_array_new();
    c->state = CONN_MUX;
    c->in_src = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, conn_readable, c);
    m->conns = g_list_prepend(m->conns, c);
  }
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------- API */

muxd_t *muxd_start(const char *socket_path, GError **err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (!socket_path || strlen(socket_path) >= sizeof sa.sun_path) {
    g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad usbmuxd socket path");
    return NULL;
  }
  strcpy(sa.sun_path, socket_path);
  struct stat st;
  if (lstat(socket_path, &st) == 0 && S_ISSOCK(st.st_mode))
    unlink(socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    g_set_error(err, G_IO_ERROR, g_io_error_from_errno(errno), "socket: %s", g_strerror(errno));
    return NULL;
  }
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
    int e = errno;
    close(fd);
    g_set_error(err, G_IO_ERROR, g_io_error_from_errno(e), "%s: %s", socket_path, g_strerror(e));
    return NULL;
  }
  muxd_t *m = g_new0(muxd_t, 1);
  m->path = g_strdup(socket_path);
  m->lfd = fd;
  m->next_id = 1;
  m->lsrc = g_unix_fd_add(fd, G_IO_IN, accept_cb, m);
  return m;
}

static void remove_dev(muxd_t *m, struct mux_dev *d)
{
  uint32_t id = d->id;
  muxd_logf(m, d->info.udid, "mux Detached id=%u", id);
  m->devs = g_list_remove(m->devs, d);
  plist_t msg = detached_msg(id);
  broadcast(m, msg);
  plist_free(msg);
  for (GList *l = m->conns; l; l = l->next) {
    struct conn *c = l->data;
    if ((c->state == CONN_DEVICE || c->state == CONN_SERVICE) && c->dev_id == id)
      conn_close_later(c);
  }
  dev_free(d);
}

void muxd_attach(muxd_t *m, const struct mux_device_info *in)
{
  if (!m || !in || !in->udid || !*in->udid)
    return;
  struct mux_dev *old = find_dev_udid(m, in->udid);
  if (old)
    remove_dev(m, old);
  struct mux_dev *d = g_new0(struct mux_dev, 1);
  d->info = *in;
  d->info.udid = g_strdup(in->udid);
  d->info.product_type = g_strdup(in->product_type);
  d->info.product_version = g_strdup(in->product_version);
  d->info.build_version = g_strdup(in->build_version);
  d->info.device_name = g_strdup(in->device_name);
  d->info.serial_number = g_strdup(in->serial_number);
  d->info.hardware_model = g_strdup(in->hardware_model);
  d->info.device_class = g_strdup(in->device_class);
  d->info.restore_pause = g_strdup(in->restore_pause);
  d->id = m->next_id++;
  d->m = m;
  if (m->next_id == 0)
    m->next_id = 1;
  if (!d->info.product_id)
    d->info.product_id = 0x12a8;
  if (!d->info.location_id)
    d->info.location_id = 0x01100000u + d->id;
  GString *s = g_string_new(NULL);
  for (const char *p = in->udid; *p; p++)
    if (*p != '-')
      g_string_append_c(s, *p);
  d->usb_serial = g_string_free(s, FALSE);
  m->devs = g_list_prepend(m->devs, d);
  muxd_logf(m, d->info.udid, "mux Attached id=%u %s", d->id, d->info.restore ? "restore" : "normal");
  plist_t msg = attached_msg(d);
  broadcast(m, msg);
  plist_free(msg);
}

void muxd_detach(muxd_t *m, const char *udid)
{
  if (!m)
    return;
  struct mux_dev *d = find_dev_udid(m, udid);
  if (d)
    remove_dev(m, d);
}

void muxd_stop(muxd_t *m)
{
  if (!m)
    return;
  while (m->conns)
    conn_free(m->conns->data);
  while (m->actions) {
    struct pending_action *pa = m->actions->data;
    m->actions = g_list_remove(m->actions, pa);
    if (pa->src)
      g_source_remove(pa->src);
    pending_action_free(pa);
  }
  g_list_free_full(m->devs, (GDestroyNotify)dev_free);
  if (m->lsrc)
    g_source_remove(m->lsrc);
  close(m->lfd);
  unlink(m->path);
  g_free(m->path);
  g_free(m);
}
