/* vbench: the virtual bench's USB side (see README.md).
 *
 * This first increment builds a umockdev testbed, plays the scenario's
 * device/plug/unplug/quit statements as sysfs usb_device entries with their
 * descriptors (so libusb enumerates and hot-plugs them), and runs COMMAND
 * under the testbed. Normal/Restore devices also go on the stand-in usbmuxd
 * (USBMUXD_SOCKET_ADDRESS is set for COMMAND). The usbdevfs ioctl side
 * (control transfers, uploads) is not emulated yet. */
#include <glib.h>
#include <umockdev.h>
#include "muxd.h"
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VB_MAX_DEV 16

struct vb_dev {
  char name[32], port[32];
  uint32_t cpid, bdid;
  uint64_t ecid;
  char srnm[64];
  char *syspath;               /* non-NULL while plugged */
  char udid[48];               /* set while attached to the stand-in usbmuxd */
  int devnum;
};

static UMockdevTestbed *tb;
static muxd_t *mux;
static GMainLoop *loop;
static FILE *logf;
static gint64 t0;
static struct vb_dev devs[VB_MAX_DEV];
static int ndevs, next_devnum = 2, exit_status;

static void vb_log(const struct vb_dev *d, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void vb_log(const struct vb_dev *d, const char *fmt, ...)
{
  if (!logf) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(logf, "%.3f %s ", (double)(g_get_monotonic_time() - t0) / 1e6, d ? d->name : "-");
  vfprintf(logf, fmt, ap);
  fputc('\n', logf);
  fflush(logf);
  va_end(ap);
}

static struct vb_dev *vb_find(const char *name)
{
  for (int i = 0; i < ndevs; i++)
    if (!strcmp(devs[i].name, name)) return &devs[i];
  return NULL;
}

/* ProductType -> CPID/BDID from the model table (columns: type, ..., cpid, bdid
 * are looked up by header name so column order does not matter). */
static int vb_model_lookup(const char *model, uint32_t *cpid, uint32_t *bdid)
{
  const char *top = getenv("IBENCH_TOP");
  char path[4096];
  snprintf(path, sizeof path, "%s/src/models.tsv", top ? top : ".");
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int ci = -1, bi = -1, rc = -1;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    char **col = g_strsplit(line, "\t", -1);
    int n = (int)g_strv_length(col);
    if (ci < 0) {
      for (int i = 0; i < n; i++) {
        if (!g_ascii_strcasecmp(col[i], "cpid")) ci = i;
        if (!g_ascii_strcasecmp(col[i], "bdid")) bi = i;
      }
    } else if (n > ci && n > bi && bi >= 0) {
      for (int i = 0; i < n; i++)
        if (!strcmp(col[i], model)) {
          *cpid = (uint32_t)strtoul(col[ci], NULL, 16);
          *bdid = (uint32_t)strtoul(col[bi], NULL, 16);
          rc = 0;
        }
    }
    g_strfreev(col);
    if (!rc) break;
  }
  fclose(f);
  return rc;
}

static int vb_mode_pid(const char *mode)
{
  if (!strcmp(mode, "dfu")) return 0x1227;
  if (!strcmp(mode, "recovery")) return 0x1281;
  if (!strcmp(mode, "wtf")) return 0x1222;
  if (!strcmp(mode, "kis")) return 0x1881;
  if (!strcmp(mode, "port-dfu")) return 0xf014;
  if (!strcmp(mode, "normal") || !strcmp(mode, "restore")) return 0x12a8;
  return -1;
}

/* Root hub "usbB" and hubs for each prefix of PORT ("1-1" for "1-1.3"), made
 * once, so libusb derives the device's port path from its sysfs parents. */
static char *vb_hub(const char *name, const char *parent)
{
  static GHashTable *hubs;
  if (!hubs) hubs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char *sp = g_hash_table_lookup(hubs, name);
  if (sp) return sp;
  int devnum = next_devnum++;
  char dn[8], devname[64], dev[16];
  snprintf(dn, sizeof dn, "%d", devnum);
  snprintf(devname, sizeof devname, "/dev/bus/usb/001/%03d", devnum);
  snprintf(dev, sizeof dev, "189:%d", devnum - 1);
  sp = umockdev_testbed_add_device(tb, "usb", name, parent,
      "busnum", "1", "devnum", dn, "dev", dev, "speed", "480",
      "bConfigurationValue", "1", "idVendor", "1d6b", "idProduct", "0002", NULL,
      "DEVNAME", devname, "DEVTYPE", "usb_device", "SUBSYSTEM", "usb", NULL);
  if (!sp) return NULL;
  static guint8 desc[] = {   /* umockdev takes a non-const pointer */
    18, 1, 0x00, 0x02, 9, 0, 1, 64, 0x6b, 0x1d, 0x02, 0x00, 0, 0, 0, 0, 0, 1,
    9, 2, 25, 0, 1, 1, 0, 0xe0, 0,
    9, 4, 0, 0, 1, 9, 0, 0, 0,
    7, 5, 0x81, 3, 4, 0, 12 };
  umockdev_testbed_set_attribute_binary(tb, sp, "descriptors", desc, sizeof desc);
  g_hash_table_insert(hubs, g_strdup(name), sp);
  return sp;
}

static char *vb_port_parent(const char *port)
{
  const char *dash = strchr(port, '-');
  if (!dash) return NULL;
  char name[40];
  snprintf(name, sizeof name, "usb%.*s", (int)(dash - port), port);
  char *parent = vb_hub(name, NULL);
  for (const char *dot = strchr(dash, '.'); dot && parent; dot = strchr(dot + 1, '.')) {
    snprintf(name, sizeof name, "%.*s", (int)(dot - port), port);
    parent = vb_hub(name, parent);
  }
  return parent;
}

static void vb_plug(struct vb_dev *d, const char *mode)
{
  int pid = vb_mode_pid(mode);
  if (pid < 0 || d->syspath) { vb_log(d, "error plug %s", mode); return; }
  char serial[256];
  if (!strcmp(mode, "dfu") || !strcmp(mode, "wtf") || !strcmp(mode, "port-dfu"))
    snprintf(serial, sizeof serial,
             "CPID:%04X CPRV:11 CPFM:03 SCEP:01 BDID:%02X ECID:%016" PRIX64 " IBFL:3C SRTG:[iBoot-3332.0.0.1.23]",
             d->cpid, d->bdid, d->ecid);
  else if (pid == 0x12a8) {
    /* UDID: CPID-ECID on A12 and later, else 40 hex (derived from the ECID here). */
    if (d->cpid >= 0x8020) {
      snprintf(serial, sizeof serial, "%08X%016" PRIX64, d->cpid, d->ecid);
      snprintf(d->udid, sizeof d->udid, "%08X-%016" PRIX64, d->cpid, d->ecid);
    } else {
      char e[24];
      snprintf(e, sizeof e, "%016" PRIX64, d->ecid);
      char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA1, e, -1);
      snprintf(serial, sizeof serial, "%s", h);
      snprintf(d->udid, sizeof d->udid, "%s", h);
      g_free(h);
    }
    if (mux) {
      struct mux_device_info mi = { .udid = d->udid, .ecid = d->ecid, .cpid = d->cpid, .bdid = d->bdid,
                                    .serial_number = d->srnm[0] ? d->srnm : NULL,
                                    .restore = !strcmp(mode, "restore") };
      muxd_attach(mux, &mi);
    }
  }
  else
    snprintf(serial, sizeof serial,
             "CPID:%04X CPRV:11 CPFM:03 SCEP:01 BDID:%02X ECID:%016" PRIX64 " IBFL:3C SRNM:[%s]",
             d->cpid, d->bdid, d->ecid, d->srnm);
  d->devnum = next_devnum++;
  char devnum[8], devname[64], dev[16], pidbuf[8];
  snprintf(devnum, sizeof devnum, "%d", d->devnum);
  snprintf(devname, sizeof devname, "/dev/bus/usb/001/%03d", d->devnum);
  snprintf(dev, sizeof dev, "189:%d", d->devnum - 1);
  snprintf(pidbuf, sizeof pidbuf, "%04x", pid);
  d->syspath = umockdev_testbed_add_device(tb, "usb", d->port, vb_port_parent(d->port),
      "busnum", "1", "devnum", devnum, "dev", dev, "speed", "480",
      "bConfigurationValue", "1", "idVendor", "05ac", "idProduct", pidbuf,
      "serial", serial, NULL,
      "DEVNAME", devname, "DEVTYPE", "usb_device", "SUBSYSTEM", "usb", NULL);
  if (!d->syspath) { vb_log(d, "error plug %s", mode); return; }
  /* Device descriptor, then one configuration with one interface; Recovery
   * has bulk OUT 0x04 for uploads. */
  int rec = pid >= 0x1280 && pid <= 0x1283;
  guint8 desc[64] = {
    18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xac, 0x05, (guint8)pid, (guint8)(pid >> 8),
    0x00, 0x00, 1, 2, 3, 1,
    9, 2, (guint8)(rec ? 25 : 18), 0, 1, 1, 0, 0x80, 0xfa,
    9, 4, 0, 0, (guint8)(rec ? 1 : 0), (guint8)(rec ? 0xff : 0xfe), (guint8)(rec ? 0xff : 1), 0, 0,
    7, 5, 0x04, 2, 0x00, 0x02, 0 };
  umockdev_testbed_set_attribute_binary(tb, d->syspath, "descriptors", desc, rec ? 18 + 25 : 18 + 18);
  umockdev_testbed_uevent(tb, d->syspath, "add");
  vb_log(d, "plugged %s port=%s pid=0x%04x", mode, d->port, pid);
}

static void vb_unplug(struct vb_dev *d)
{
  if (!d->syspath) return;
  if (mux && d->udid[0]) muxd_detach(mux, d->udid);
  d->udid[0] = 0;
  umockdev_testbed_uevent(tb, d->syspath, "remove");   /* before removal: libusb needs DEVNAME */
  umockdev_testbed_remove_device(tb, d->syspath);
  g_free(d->syspath);
  d->syspath = NULL;
  vb_log(d, "unplugged");
}

static void vb_step(const char *step);
static gboolean vb_step_cb(gpointer p) { vb_step(p); return G_SOURCE_REMOVE; }

/* Executes one step ("plug A dfu", "unplug A", "quit"). */
static void vb_step(const char *step)
{
  char **w = g_strsplit_set(step, " \t", -1);
  char *v[8] = {0};
  int n = 0;
  for (int i = 0; w[i] && n < 8; i++) if (*w[i]) v[n++] = w[i];
  struct vb_dev *d = n > 1 ? vb_find(v[1]) : NULL;
  if (n >= 1 && !strcmp(v[0], "quit")) g_main_loop_quit(loop);
  else if (n >= 3 && d && !strcmp(v[0], "plug")) vb_plug(d, v[2]);
  else if (n >= 2 && d && !strcmp(v[0], "unplug")) vb_unplug(d);
  else if (n >= 3 && d && !strcmp(v[0], "mode") && vb_mode_pid(v[2]) >= 0) {
    /* Leaves the bus, comes back on the same port after gap (default 0.3 s). */
    double gap = n >= 4 && !strncmp(v[3], "gap=", 4) ? g_ascii_strtod(v[3] + 4, NULL) : 0.3;
    vb_unplug(d);
    g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)(gap > 0 ? gap * 1000 : 0), vb_step_cb,
                       g_strdup_printf("plug %s %s", d->name, v[2]), g_free);
  }
  else vb_log(NULL, "error step \"%s\"", step);
  g_strfreev(w);
}


static int vb_parse_device(char *rest)
{
  if (ndevs >= VB_MAX_DEV) return -1;
  struct vb_dev *d = &devs[ndevs];
  memset(d, 0, sizeof *d);
  snprintf(d->port, sizeof d->port, "1-%d", ndevs + 1);
  d->cpid = 0x8015; d->bdid = 0x02;
  char **w = g_strsplit_set(rest, " \t", -1);
  int named = 0;
  for (int i = 0; w[i]; i++) {
    if (!*w[i]) continue;
    char *eq = strchr(w[i], '=');
    if (!named) { snprintf(d->name, sizeof d->name, "%s", w[i]); named = 1; continue; }
    if (!eq) continue;
    *eq++ = 0;
    if (!strcmp(w[i], "model")) vb_model_lookup(eq, &d->cpid, &d->bdid);
    else if (!strcmp(w[i], "cpid")) d->cpid = (uint32_t)strtoul(eq, NULL, 16);
    else if (!strcmp(w[i], "bdid")) d->bdid = (uint32_t)strtoul(eq, NULL, 16);
    else if (!strcmp(w[i], "ecid")) d->ecid = strtoull(eq, NULL, 16);
    else if (!strcmp(w[i], "port")) snprintf(d->port, sizeof d->port, "%s", eq);
    else if (!strcmp(w[i], "srnm")) snprintf(d->srnm, sizeof d->srnm, "%s", eq);
  }
  g_strfreev(w);
  if (!named) return -1;
  ndevs++;
  return 0;
}

/* Declares devices, runs "at 0" steps now and schedules the others. */
static int vb_load_scenario(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) { fprintf(stderr, "vbench: %s: %s\n", path, strerror(errno)); return -1; }
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "#\r\n")] = 0;
    char *s = g_strstrip(line);
    if (!*s) continue;
    if (!strncmp(s, "device ", 7)) {
      if (vb_parse_device(s + 7)) fprintf(stderr, "vbench: bad device line\n");
    } else if (!strncmp(s, "at ", 3)) {
      char *end;
      double t = g_ascii_strtod(s + 3, &end);
      char *step = g_strstrip(end);
      if (t <= 0) vb_step(step);
      else g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)(t * 1000), vb_step_cb, g_strdup(step), g_free);
    }
  }
  fclose(f);
  return 0;
}

static void vb_child_exit(GPid pid, gint status, gpointer p)
{
  exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  g_spawn_close_pid(pid);
  g_main_loop_quit(loop);
}

int main(int argc, char **argv)
{
  const char *scenario = NULL, *logpath = NULL, *muxpath = NULL;
  if (!getenv("VBENCH_WRAPPED")) {
    /* uevents only reach programs under the preload, so the sender must be too. */
    setenv("VBENCH_WRAPPED", "1", 1);
    char **av = g_new0(char *, argc + 2);
    av[0] = "umockdev-wrapper";
    av[1] = g_file_read_link("/proc/self/exe", NULL);
    for (int i = 1; i < argc; i++) av[i + 1] = argv[i];
    execvp(av[0], av);
    fprintf(stderr, "vbench: umockdev-wrapper: %s\n", strerror(errno));
    return 127;
  }
  static const struct option opts[] = {
    {"scenario", 1, 0, 's'}, {"log", 1, 0, 'l'}, {"upload-dir", 1, 0, 'u'},
    {"mux-socket", 1, 0, 'm'}, {"fifo", 1, 0, 'f'}, {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    if (c == 's') scenario = optarg;
    else if (c == 'l') logpath = optarg;
    else if (c == 'm') muxpath = optarg;
    else if (c == '?') return 2;
  }
  t0 = g_get_monotonic_time();
  if (logpath && !(logf = fopen(logpath, "a"))) {
    fprintf(stderr, "vbench: %s: %s\n", logpath, strerror(errno));
    return 2;
  }
  tb = umockdev_testbed_new();
  loop = g_main_loop_new(NULL, FALSE);
  char *muxdef = g_strdup_printf("%s/vbench-%d.sock", g_get_tmp_dir(), (int)getpid());
  GError *merr = NULL;
  if (!(mux = muxd_start(muxpath ? muxpath : muxdef, &merr))) {
    fprintf(stderr, "vbench: usbmuxd socket: %s\n", merr->message);
    return 2;
  }
  char *addr = g_strdup_printf("UNIX:%s", muxpath ? muxpath : muxdef);
  g_setenv("USBMUXD_SOCKET_ADDRESS", addr, TRUE);
  g_free(addr);
  g_free(muxdef);
  if (scenario && vb_load_scenario(scenario)) return 2;
  vb_log(NULL, "ready");
  if (optind < argc) {
    GPid pid;
    GError *err = NULL;
    if (!g_spawn_async(NULL, argv + optind, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                       NULL, NULL, &pid, &err)) {
      fprintf(stderr, "vbench: %s\n", err->message);
      return 127;
    }
    g_child_watch_add(pid, vb_child_exit, NULL);
  }
  g_main_loop_run(loop);
  for (int i = 0; i < ndevs; i++) vb_unplug(&devs[i]);
  muxd_stop(mux);
  g_object_unref(tb);
  if (logf) fclose(logf);
  return exit_status;
}
