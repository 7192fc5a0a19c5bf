/* Emulated devices: declaration, plug/unplug as sysfs usb_device entries
 * under emulated hubs (so libusb derives port paths like 1-1.3), the device
 * node's ioctl handler, the usbmuxd mirror for Normal/Restore, and reboots. */
#include "vbench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vb_dev devs[VB_MAX_DEV];
static char *bus2;             /* the USB 3 root hub's sysfs path */
static int ndevs, next_devnum = 2;

struct vb_dev *vb_find(const char *name)
{
  for (int i = 0; i < ndevs; i++)
    if (!strcmp(devs[i].name, name)) return &devs[i];
  return NULL;
}

struct vb_dev *vb_find_udid(const char *udid)
{
  for (int i = 0; i < ndevs; i++)
    if (devs[i].udid[0] && !strcmp(devs[i].udid, udid)) return &devs[i];
  return NULL;
}

/* ProductType -> CPID/BDID from the model table (columns found by header). */
static int model_lookup(const char *model, uint32_t *cpid, uint32_t *bdid, char *hw, size_t hwn)
{
  const char *top = getenv("IBENCH_TOP");
  char path[4096];
  snprintf(path, sizeof path, "%s/src/core/models.tsv", top ? top : ".");
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int ci = -1, bi = -1, hi = -1, rc = -1;
  while (rc && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char **col = g_strsplit(line, "\t", -1);
    int n = (int)g_strv_length(col);
    if (ci < 0) {
      for (int i = 0; i < n; i++) {
        if (!g_ascii_strcasecmp(col[i], "cpid")) ci = i;
        if (!g_ascii_strcasecmp(col[i], "bdid")) bi = i;
        if (!g_ascii_strcasecmp(col[i], "hardware_model")) hi = i;
      }
    } else if (n > ci && n > bi && bi >= 0) {
      for (int i = 0; i < n && rc; i++)
        if (!strcmp(col[i], model)) {
          *cpid = (uint32_t)strtoul(col[ci], NULL, 16);
          *bdid = (uint32_t)strtoul(col[bi], NULL, 16);
          if (hi >= 0 && hi < n) {
            char *up = g_ascii_strup(col[hi], -1);
            snprintf(hw, hwn, "%s", up);
            g_free(up);
          }
          rc = 0;
        }
    }
    g_strfreev(col);
  }
  fclose(f);
  return rc;
}

int vb_mode_pid(const char *mode)
{
  static const struct { const char *name; int pid; } m[] = {
    {"dfu", 0x1227}, {"recovery", 0x1281}, {"wtf", 0x1222}, {"kis", 0x1881},
    {"port-dfu", 0xf014}, {"normal", 0x12a8}, {"restore", 0x12a8}};
  for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
    if (!strcmp(mode, m[i].name)) return m[i].pid;
  return -1;
}

static enum vb_bad bad_from(const char *s)
{
  static const char *names[] = {"none", "garbage-serial", "long-serial", "stall", "nak",
                                "vanish-upload", "hang-command", "vanish-asr", "restore-fail"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    if (!strcmp(s, names[i])) return (enum vb_bad)i;
  return (enum vb_bad)-1;
}

#define COPY(f) snprintf(d->f, sizeof d->f, "%s", val)
int vb_set(struct vb_dev *d, const char *key, const char *val)
{
  if (!strcmp(key, "model")) { COPY(model); return model_lookup(val, &d->cpid, &d->bdid, d->hwmodel, sizeof d->hwmodel); }
  if (!strcmp(key, "cpid")) d->cpid = (uint32_t)strtoul(val, NULL, 16);
  else if (!strcmp(key, "bdid")) d->bdid = (uint32_t)strtoul(val, NULL, 16);
  else if (!strcmp(key, "ecid")) d->ecid = strtoull(val, NULL, 16);
  else if (!strcmp(key, "port")) COPY(port);
  else if (!strcmp(key, "srnm")) COPY(srnm);
  else if (!strcmp(key, "imei")) COPY(imei);
  else if (!strcmp(key, "ios")) COPY(ios);
  else if (!strcmp(key, "build")) COPY(build);
  else if (!strcmp(key, "name")) COPY(devname);
  else if (!strcmp(key, "ibootver")) COPY(ibootver);
  else if (!strcmp(key, "srtg")) COPY(srtg);
  else if (!strcmp(key, "nonce")) COPY(nonce);
  else if (!strcmp(key, "snon")) COPY(snon);
  else if (!strcmp(key, "cpfm")) COPY(cpfm);
  else if (!strcmp(key, "ibfl")) COPY(ibfl);
  else if (!strcmp(key, "scep")) COPY(scep);
  else if (!strcmp(key, "cprv")) COPY(cprv);
  else if (!strcmp(key, "on-reboot")) COPY(on_reboot);
  else if (!strcmp(key, "bad")) {
    enum vb_bad b = bad_from(val);
    if ((int)b < 0) return -1;
    d->bad = b;
  } else return -1;
  return 0;
}
#undef COPY

/* "A key=value key="value with spaces" ..." (g_shell_parse_argv quoting). */
int vb_declare(const char *args)
{
  int argc = 0;
  char **argv = NULL;
  if (ndevs >= VB_MAX_DEV || !g_shell_parse_argv(args, &argc, &argv, NULL)) return -1;
  struct vb_dev *d = vb_find(argv[0]);
  int fresh = !d;
  if (fresh) {
    d = &devs[ndevs];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", argv[0]);
    snprintf(d->port, sizeof d->port, "1-%d", ndevs + 1);
    d->cpid = 0x8015; d->bdid = 0x02;
    snprintf(d->model, sizeof d->model, "iPhone10,1");
    snprintf(d->ibootver, sizeof d->ibootver, "iBoot-8422.141.2");
    snprintf(d->srtg, sizeof d->srtg, "iBoot-3332.0.0.1.23");
    snprintf(d->cpfm, sizeof d->cpfm, "03");
    snprintf(d->ibfl, sizeof d->ibfl, "3C");
    snprintf(d->scep, sizeof d->scep, "01");
    snprintf(d->cprv, sizeof d->cprv, "11");
    snprintf(d->on_reboot, sizeof d->on_reboot, "auto");
    d->env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    d->saved = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  }
  int rc = 0;
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) { rc = -1; continue; }
    *eq = 0;
    if (vb_set(d, argv[i], eq + 1)) { vb_log(d, "error key %s", argv[i]); rc = -1; }
  }
  if (fresh) {
    char e[24];
    snprintf(e, sizeof e, "%016" PRIX64, d->ecid);
    if (!d->nonce[0]) {
      char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, e, -1);
      snprintf(d->nonce, sizeof d->nonce, "%s", h);
      g_free(h);
    }
    if (!d->snon[0]) {
      char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, e, -1);
      snprintf(d->snon, sizeof d->snon, "%s", h);
      g_free(h);
    }
    if (!d->srnm[0]) snprintf(d->srnm, sizeof d->srnm, "F%010" PRIX64, (uint64_t)(d->ecid & 0xFFFFFFFFFFu));
    /* iBoot's defaults: a device in a recovery loop has auto-boot false. */
    g_hash_table_insert(d->saved, g_strdup("auto-boot"), g_strdup("false"));
    g_hash_table_insert(d->saved, g_strdup("build-version"), g_strdup(d->ibootver));
    g_hash_table_insert(d->saved, g_strdup("build-style"), g_strdup("RELEASE"));
    ndevs++;
  }
  g_strfreev(argv);
  return rc;
}

/* Root hub "usbB" and hubs for each prefix of PORT ("1-1" for "1-1.3"),
 * made on first use so libusb derives port paths from sysfs parents. */
static char *hub(const char *name, const char *parent)
{
  static GHashTable *hubs;
  if (!hubs) hubs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char *sp = g_hash_table_lookup(hubs, name);
  if (sp) return sp;
  int devnum = next_devnum++;
  char dn[8], devname[64], dev[16];
  snprintf(dn, sizeof dn, "%d\n", devnum);
  snprintf(devname, sizeof devname, "/dev/bus/usb/001/%03d", devnum);
  snprintf(dev, sizeof dev, "189:%d", devnum - 1);
  sp = umockdev_testbed_add_device(vb_testbed, "usb", name, parent,
      "busnum", "1\n", "devnum", dn, "dev", dev, "speed", "480\n",
      "bConfigurationValue", "1\n", "idVendor", "1d6b\n", "idProduct", "0002\n", NULL,
      "DEVNAME", devname, "DEVTYPE", "usb_device", "SUBSYSTEM", "usb", NULL);
  if (!sp) return NULL;
  static guint8 desc[] = {   /* umockdev takes a non-const pointer */
    18, 1, 0x00, 0x02, 9, 0, 1, 64, 0x6b, 0x1d, 0x02, 0x00, 0, 0, 0, 0, 0, 1,
    9, 2, 25, 0, 1, 1, 0, 0xe0, 0,
    9, 4, 0, 0, 1, 9, 0, 0, 0,
    7, 5, 0x81, 3, 4, 0, 12 };
  umockdev_testbed_set_attribute_binary(vb_testbed, sp, "descriptors", desc, sizeof desc);
  g_hash_table_insert(hubs, g_strdup(name), sp);
  return sp;
}

/* The machine's two root hubs: bus 1 (USB 2, where the scenario's ports are)
 * and bus 2 (USB 3, empty). Bus 2 also keeps an Apple device from being
 * first in libusb's device list: libirecovery 1.0.0 reads that list after
 * freeing it, and survives only when the device it opened is not first
 * (malloc reuses the first slots of the freed array). */
void vb_bus_init(void)
{
  hub("usb1", NULL);
  static guint8 desc[] = {
    18, 1, 0x00, 0x03, 9, 0, 3, 9, 0x6b, 0x1d, 0x03, 0x00, 0, 0, 0, 0, 0, 1,
    9, 2, 31, 0, 1, 1, 0, 0xe0, 0,
    9, 4, 0, 0, 1, 9, 0, 0, 0,
    7, 5, 0x81, 3, 4, 0, 12,
    6, 48, 0, 0, 2, 0 };
  char *sp = umockdev_testbed_add_device(vb_testbed, "usb", "usb2", NULL,
      "busnum", "2\n", "devnum", "1\n", "dev", "189:128", "speed", "5000\n",
      "bConfigurationValue", "1\n", "idVendor", "1d6b\n", "idProduct", "0003\n", NULL,
      "DEVNAME", "/dev/bus/usb/002/001", "DEVTYPE", "usb_device", "SUBSYSTEM", "usb", NULL);
  if (sp) umockdev_testbed_set_attribute_binary(vb_testbed, sp, "descriptors", desc, sizeof desc);
  bus2 = sp;
}

/* libusb puts a device that arrives at the head of its list, so a device that
 * re-enumerates after booting an image (iBSS -> iBEC -> ...) would be first,
 * where libirecovery 1.0.0 (in the restore engine, which opens it again)
 * crashes (it keeps reading the list it has freed, whose first two slots the
 * allocator reuses). Announcing bus 2's root hub again after such an arrival
 * keeps a non-Apple device at the head, as at the bench's start. Only then:
 * other clients see the hub's remove/add as hotplug events. */
static void keep_hub_first(void)
{
  if (!bus2) return;
  vb_netlink_sweep();
  umockdev_testbed_uevent(vb_testbed, bus2, "remove");
  umockdev_testbed_uevent(vb_testbed, bus2, "add");
}

static char *port_parent(const char *port)
{
  const char *dash = strchr(port, '-');
  if (!dash) return NULL;
  char name[40];
  snprintf(name, sizeof name, "usb%.*s", (int)(dash - port), port);
  char *parent = hub(name, NULL);
  for (const char *dot = strchr(dash, '.'); dot && parent; dot = strchr(dot + 1, '.')) {
    snprintf(name, sizeof name, "%.*s", (int)(dot - port), port);
    parent = hub(name, parent);
  }
  return parent;
}

/* UDID: CPID-ECID on A12 and later, else 40 hex (derived from the ECID). */
static void make_udid(struct vb_dev *d, char *usb_serial, size_t n)
{
  if (d->cpid >= 0x8020) {
    snprintf(usb_serial, n, "%08X%016" PRIX64, d->cpid, d->ecid);
    snprintf(d->udid, sizeof d->udid, "%08X-%016" PRIX64, d->cpid, d->ecid);
  } else {
    char e[24];
    snprintf(e, sizeof e, "%016" PRIX64, d->ecid);
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, e, -1);
    snprintf(usb_serial, n, "%s", h);
    snprintf(d->udid, sizeof d->udid, "%s", h);
    g_free(h);
  }
}

void vb_plug(struct vb_dev *d, const char *mode)
{
  int pid = vb_mode_pid(mode);
  if (pid < 0 || d->syspath) { vb_log(d, "error plug %s", mode); return; }
  snprintf(d->mode, sizeof d->mode, "%s", mode);
  if (strcmp(mode, "recovery") && strcmp(mode, "restore")) {   /* nothing booted survives */
    d->stage[0] = d->ramdisk[0] = 0;
    d->devicetree = d->firmware = 0;
  }
  char serial[64] = "";
  if (pid == 0x12a8) {
    make_udid(d, serial, sizeof serial);
    if (vb_mux) {
      struct mux_device_info mi = {
        .udid = d->udid, .ecid = d->ecid, .cpid = d->cpid, .bdid = d->bdid,
        .product_type = d->model[0] ? d->model : NULL,
        .product_version = d->ios[0] ? d->ios : NULL, .build_version = d->build[0] ? d->build : NULL,
        .device_name = d->devname[0] ? d->devname : NULL,
        .serial_number = d->srnm[0] ? d->srnm : NULL, .restore = !strcmp(mode, "restore"),
        .hardware_model = d->hwmodel[0] ? d->hwmodel : NULL };
      if (mi.restore) vb_restore_info(d, &mi);
      muxd_attach(vb_mux, &mi);
    }
  }
  /* The sysfs serial attribute carries the iBoot string too (udev shows it). */
  GString *s = g_string_new(NULL);
  if (pid != 0x12a8) {
    g_string_append_printf(s, "CPID:%04X CPRV:%s CPFM:%s SCEP:%s BDID:%02X ECID:%016" PRIX64 " IBFL:%s",
                           d->cpid, d->cprv, d->cpfm, d->scep, d->bdid, d->ecid, d->ibfl);
    if (pid == 0x1281) g_string_append_printf(s, " SRNM:[%s]", d->srnm);
    else g_string_append_printf(s, " SRTG:[%s]", d->srtg);
  } else g_string_append(s, serial);
  g_string_append_c(s, '\n');
  d->devnum = next_devnum++;
  char devnum[8], devname[64], dev[16], pidbuf[8];
  snprintf(devnum, sizeof devnum, "%d\n", d->devnum);
  snprintf(devname, sizeof devname, "/dev/bus/usb/001/%03d", d->devnum);
  snprintf(dev, sizeof dev, "189:%d", d->devnum - 1);
  snprintf(pidbuf, sizeof pidbuf, "%04x\n", pid);
  /* Work the wire protocol of the node before it appears, so a client that
   * opens it on the add event finds someone answering. */
  g_hash_table_remove_all(d->env);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, d->saved);
  while (g_hash_table_iter_next(&it, &k, &v)) g_hash_table_insert(d->env, g_strdup(k), g_strdup(v));
  vb_iboot_reset(d);
  char *node = g_build_filename(umockdev_testbed_get_root_dir(vb_testbed), devname, NULL);
  char *dir = g_path_get_dirname(node);
  g_mkdir_with_parents(dir, 0755);
  g_file_set_contents(node, "", 0, NULL);   /* usbfs nodes are plain files under umockdev */
  g_free(dir);
  g_free(node);
  d->usb = vb_usb_attach(d, devname);
  char *parent = port_parent(d->port);
  d->syspath = umockdev_testbed_add_device(vb_testbed, "usb", d->port, parent,
      "busnum", "1\n", "devnum", devnum, "dev", dev, "speed", "480\n",
      "bConfigurationValue", "1\n", "idVendor", "05ac\n", "idProduct", pidbuf,
      "serial", s->str, NULL,
      "DEVNAME", devname, "DEVTYPE", "usb_device", "SUBSYSTEM", "usb", NULL);
  g_string_free(s, TRUE);
  if (!d->syspath) { vb_log(d, "error plug %s", mode); vb_usb_gone(d->usb); d->usb = NULL; return; }
  guint8 desc[64];
  int n = vb_iboot_descriptors(d, pid, desc, (int)sizeof desc);
  umockdev_testbed_set_attribute_binary(vb_testbed, d->syspath, "descriptors", desc, (gssize)n);
  vb_netlink_sweep();
  umockdev_testbed_uevent(vb_testbed, d->syspath, "add");
  if (pid != 0x12a8 && d->reenum) keep_hub_first();
  d->reenum = 0;
  vb_log(d, "plugged %s port=%s pid=0x%04x", mode, d->port, pid);
}

void vb_unplug(struct vb_dev *d)
{
  if (!d->syspath) return;
  if (vb_mux && d->udid[0]) muxd_detach(vb_mux, d->udid);
  d->udid[0] = 0;
  vb_iboot_flush(d);
  vb_usb_gone(d->usb);
  d->usb = NULL;
  vb_netlink_sweep();
  umockdev_testbed_uevent(vb_testbed, d->syspath, "remove");   /* before removal: libusb needs DEVNAME */
  umockdev_testbed_remove_device(vb_testbed, d->syspath);
  g_free(d->syspath);
  d->syspath = NULL;
  d->mode[0] = 0;
  vb_log(d, "unplugged");
}

void vb_unplug_all(void)
{
  for (int i = 0; i < ndevs; i++) vb_unplug(&devs[i]);
}

struct later { struct vb_dev *d; char mode[16]; };

static gboolean plug_later(gpointer p)
{
  struct later *l = p;
  vb_unplug(l->d);       /* a step in between may have plugged it already */
  vb_plug(l->d, l->mode);
  return G_SOURCE_REMOVE;
}

/* Leaves the bus now, returns on the same port in MODE after GAP seconds. */
void vb_mode_later(struct vb_dev *d, const char *mode, double gap)
{
  vb_unplug(d);
  struct later *l = g_new0(struct later, 1);
  l->d = d;
  snprintf(l->mode, sizeof l->mode, "%s", mode);
  g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)(gap > 0 ? gap * 1000 : 0), plug_later, l, g_free);
}

static gboolean reboot_now(gpointer p)
{
  struct vb_dev *d = p;
  const char *to = d->on_reboot;
  if (!strcmp(to, "auto")) {
    const char *ab = g_hash_table_lookup(d->saved, "auto-boot");
    to = ab && !strcmp(ab, "true") ? "normal" : "recovery";
  }
  vb_log(d, "reboot -> %s", to);
  if (vb_mode_pid(to) < 0) vb_unplug(d);
  else vb_mode_later(d, to, 0.3);
  return G_SOURCE_REMOVE;
}

/* The answer to "reboot" goes out first; the device leaves a moment later. */
void vb_reboot(struct vb_dev *d)
{
  g_timeout_add(50, reboot_now, d);
}

/* lockdownd EnterRecovery, restored Reboot: the device goes where asked. */
void vb_mux_action(void *ctx, const char *udid, const char *action)
{
  (void)ctx;
  struct vb_dev *d = vb_find_udid(udid);
  if (!d) return;
  vb_log(d, "%s requested over usbmuxd", action);
  if (!strncmp(action, "restored ", 9)) {
    /* The restore finished: the device reboots into the iOS it was given. */
    char **w = g_strsplit(action + 9, " ", 2);
    if (w[0] && w[1]) { vb_set(d, "ios", w[0]); vb_set(d, "build", w[1]); }
    g_strfreev(w);
    d->stage[0] = 0;
    vb_mode_later(d, "normal", 0.5);
  } else if (!strcmp(action, "restore-failed")) {
    d->stage[0] = 0;
    vb_mode_later(d, "recovery", 0.5);
  } else if (!strcmp(action, "vanish")) vb_unplug(d);
  else if (!strcmp(action, "recovery")) vb_mode_later(d, "recovery", 0.5);
  else if (!strcmp(action, "restart")) vb_mode_later(d, "normal", 0.5);
  else if (!strcmp(action, "shutdown")) vb_unplug(d);
}

/* What the emulated restored needs from the device: its faults, where it
 * holds, and the ECID its tickets must name. */
void vb_restore_info(struct vb_dev *d, struct mux_device_info *mi)
{
  mi->restore_fault = d->bad == VB_BAD_VANISH_ASR ? MUXD_FAULT_VANISH_ASR
                    : d->bad == VB_BAD_RESTORE_FAIL ? MUXD_FAULT_FAIL_STATUS : MUXD_FAULT_NONE;
  mi->restore_pause = d->pause[0] ? d->pause : NULL;
  mi->ticket_ecid = d->ecid;
}

/* The stand-in usbmuxd's lines about a restore (restored, ASR, FDR) go to the log. */
void vb_mux_log(void *ctx, const char *udid, const char *line)
{
  (void)ctx;
  if (strncmp(line, "restored ", 9) && strncmp(line, "asr ", 4) && strncmp(line, "fdr ", 4)) return;
  vb_log(udid ? vb_find_udid(udid) : NULL, "%s", line);
}
