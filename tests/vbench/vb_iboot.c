/* What an emulated device answers on its pipes.
 *
 * Standard GET_DESCRIPTOR on every mode. iBoot (Recovery): vendor OUT 0x40
 * carries a NUL-terminated command, vendor IN 0xC0 reads back the last answer
 * (getenv), 0x41 starts an upload that then arrives as bulk OUT on 0x04.
 * SecureROM (DFU, WTF, KIS, Port DFU): DFU class requests DNLOAD, GETSTATUS,
 * GETSTATE, CLRSTATUS, ABORT; the image ends with the 16-byte DFU suffix whose
 * CRC is checked and stripped before the upload is saved. */
#include "vbench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VB_VANISH_AFTER (64 * 1024)
#define VB_UPLOAD_MAX (1024u * 1024 * 1024)

enum { DFU_IDLE = 2, DFU_DNLOAD_SYNC = 3, DFU_DNLOAD_IDLE = 5, DFU_MANIFEST_SYNC = 6,
       DFU_MANIFEST = 7, DFU_MANIFEST_WAIT_RESET = 8, DFU_ERROR = 10 };

static int is_securerom(const struct vb_dev *d)
{
  return !strcmp(d->mode, "dfu") || !strcmp(d->mode, "wtf") || !strcmp(d->mode, "kis") ||
         !strcmp(d->mode, "port-dfu");
}

static int is_iboot(const struct vb_dev *d) { return !strcmp(d->mode, "recovery"); }

static int is_normal(const struct vb_dev *d) { return !strcmp(d->mode, "normal") || !strcmp(d->mode, "restore"); }

void vb_iboot_reset(struct vb_dev *d)
{
  d->dfu_state = DFU_IDLE;
  if (d->up) g_byte_array_free(d->up, TRUE);
  d->up = NULL;
  d->answer[0] = 0;
}

/* The serial-number string as the device sends it (ASCII, or raw for the
 * garbage behaviour, which is then encoded as UTF-16 code units). */
static void serial_string(const struct vb_dev *d, GString *s)
{
  if (is_normal(d)) { g_string_append(s, d->udid); return; }
  g_string_append_printf(s, "CPID:%04X CPRV:%s CPFM:%s SCEP:%s BDID:%02X ECID:%016" G_GINT64_MODIFIER "X IBFL:%s",
                         d->cpid, d->cprv, d->cpfm, d->scep, d->bdid, (guint64)d->ecid, d->ibfl);
  if (is_securerom(d)) g_string_append_printf(s, " SRTG:[%s]", d->srtg);
  else {
    g_string_append_printf(s, " SRNM:[%s]", d->srnm);
    if (d->imei[0]) g_string_append_printf(s, " IMEI:[%s]", d->imei);
  }
}

static int utf16_descriptor(const gunichar2 *u, long n, uint8_t *out, int max, int lie_length)
{
  int len = 2;
  for (long i = 0; i < n && len + 2 <= 255 && len + 2 <= max; i++) {
    out[len++] = (uint8_t)(u[i] & 0xff);
    out[len++] = (uint8_t)(u[i] >> 8);
  }
  out[0] = (uint8_t)(lie_length ? 255 : len);
  out[1] = 3;
  return len;
}

static int string_descriptor(const struct vb_dev *d, int index, uint8_t *out, int max)
{
  if (max < 2) return -1;
  if (index == 0) {
    static const uint8_t langs[] = {4, 3, 0x09, 0x04};
    int n = max < 4 ? max : 4;
    memcpy(out, langs, (size_t)n);
    return n;
  }
  GString *s = g_string_new(NULL);
  int normal = is_normal(d), base = normal ? 1 : 2;
  if (!normal && index == 1) {
    g_string_append_printf(s, " NONC:%s SNON:%s", d->nonce, d->snon);
  } else if (index == base) g_string_append(s, "Apple Inc.");
  else if (index == base + 1) {
    if (normal) g_string_append(s, d->cpid >= 0x8000 && strstr(d->model, "iPad") ? "iPad" : "iPhone");
    else g_string_append_printf(s, "Apple Mobile Device (%s Mode)", is_iboot(d) ? "Recovery" : "DFU");
  } else if (index == base + 2) {
    serial_string(d, s);
  } else { g_string_free(s, TRUE); return -1; }

  int lie = 0;
  if (index == base + 2 && d->bad == VB_BAD_GARBAGE_SERIAL) {
    /* Escape sequences, a bell, DEL, a right-to-left override and a C1 byte
     * scattered through a mangled identity. */
    g_string_assign(s, "CPID:80\x1b[2J\x1b]0;pwned\x07" "15 ECID:ZZ\x7f BDID:: \xe2\x80\xae" "SRNM:[\xc2\x9b" "31m");
  } else if (index == base + 2 && d->bad == VB_BAD_LONG_SERIAL) {
    while (s->len < 400) g_string_append(s, " JUNK:[AAAAAAAAAAAAAAAA]");
    lie = 1;   /* bLength says 255 whatever was sent */
  }
  glong n = 0;
  gunichar2 *u = g_utf8_to_utf16(s->str, (glong)s->len, NULL, &n, NULL);
  if (!u) {   /* not UTF-8: one code unit per byte */
    n = (glong)s->len;
    u = g_new(gunichar2, n ? n : 1);
    for (glong i = 0; i < n; i++) u[i] = (guchar)s->str[i];
  }
  int len = utf16_descriptor(u, n, out, max, lie);
  g_free(u);
  g_string_free(s, TRUE);
  return len;
}

int vb_iboot_descriptors(const struct vb_dev *d, int pid, uint8_t *out, int max)
{
  int rec = pid >= 0x1280 && pid <= 0x1283;
  int normal = pid >= 0x1290 && pid <= 0x12af;
  uint8_t desc[] = {
    18, 1, 0x00, 0x02, 0, 0, 0, 64, 0xac, 0x05, (uint8_t)pid, (uint8_t)(pid >> 8),
    0x00, 0x00, (uint8_t)(normal ? 1 : 2), (uint8_t)(normal ? 2 : 3), (uint8_t)(normal ? 3 : 4), 1,
    9, 2, (uint8_t)(rec ? 25 : 18), 0, 1, 1, 0, 0x80, 0xfa,
    9, 4, 0, 0, (uint8_t)(rec ? 1 : 0), (uint8_t)(rec ? 0xff : 0xfe), (uint8_t)(rec ? 0xff : 1), 0, 0,
    7, 5, 0x04, 2, 0x00, 0x02, 0 };
  int n = rec ? 18 + 25 : 18 + 18;
  (void)d;
  if (n > max) n = max;
  memcpy(out, desc, (size_t)n);
  return n;
}

static void save_upload(struct vb_dev *d, const char *kind, const uint8_t *data, size_t len, const char *extra)
{
  if (!d->last) d->last = g_byte_array_new();
  g_byte_array_set_size(d->last, 0);
  g_byte_array_append(d->last, data, (guint)len);
  char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA1, data, len);
  char path[4096] = "";
  d->uploads++;
  if (vb_upload_dir) {
    snprintf(path, sizeof path, "%s/%s-%d.bin", vb_upload_dir, d->name, d->uploads);
    char *tmp = g_strdup_printf("%s.part", path);
    GError *err = NULL;
    if (!g_file_set_contents(tmp, (const char *)data, (gssize)len, &err) || rename(tmp, path)) {
      vb_log(d, "error saving upload: %s", err ? err->message : g_strerror(errno));
      g_clear_error(&err);
      path[0] = 0;
    }
    g_free(tmp);
  }
  vb_log(d, "upload %s bytes=%zu sha1=%s%s%s%s", kind, len, sum, extra ? extra : "",
         path[0] ? " file=" : "", path);
  g_free(sum);
}

/* Recovery uploads have no end marker: they end with the next command or
 * upload, or when the client closes the device. */
void vb_iboot_flush(struct vb_dev *d)
{
  if (!d->up || d->up_dfu) return;
  save_upload(d, "recovery", d->up->data, d->up->len, NULL);
  g_byte_array_free(d->up, TRUE);
  d->up = NULL;
}

static uint32_t crc32_le(uint32_t crc, const uint8_t *p, size_t n)
{
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return crc;
}

/* The DFU suffix: 12 fixed bytes ("UFD", 0x10 long, VID 0x05ac) then the
 * CRC32 (without final inversion) over everything before it, little-endian. */
static void finish_dfu_upload(struct vb_dev *d)
{
  if (!d->up) { vb_log(d, "error dfu manifest without data"); return; }
  const uint8_t *p = d->up->data;
  size_t n = d->up->len;
  const char *crc = " crc=missing";
  if (n >= 16 && !memcmp(p + n - 8, "UFD\x10", 4)) {
    uint32_t want = (uint32_t)p[n - 4] | (uint32_t)p[n - 3] << 8 | (uint32_t)p[n - 2] << 16 | (uint32_t)p[n - 1] << 24;
    crc = crc32_le(0xFFFFFFFFu, p, n - 4) == want ? " crc=ok" : " crc=bad";
    n -= 16;
  }
  save_upload(d, "dfu", p, n, crc);
  g_byte_array_free(d->up, TRUE);
  d->up = NULL;
}

static enum vb_xfer upload_append(struct vb_dev *d, const uint8_t *data, int len)
{
  if (!d->up) d->up = g_byte_array_new();
  if (d->up->len + (guint)len > VB_UPLOAD_MAX) { vb_log(d, "error upload too large"); return VB_STALL; }
  g_byte_array_append(d->up, data, (guint)len);
  if (d->bad == VB_BAD_VANISH_UPLOAD && d->up->len >= VB_VANISH_AFTER) {
    vb_log(d, "vanish during upload after %u bytes", d->up->len);
    g_byte_array_free(d->up, TRUE);
    d->up = NULL;
    return VB_GONE;
  }
  return VB_DONE;
}


/* --- what the device boots ------------------------------------------------
 * Images are DER: IM4P is SEQUENCE { "IM4P", type, description, OCTET STRING },
 * and a personalised IMG4 is SEQUENCE { "IMG4", IM4P, [0] IM4M } where IM4M is
 * the ticket the signing server gave the engine. SecureROM and iBoot boot an
 * image only when its ticket names this device (the bench's signing server
 * writes "ECID=<hex>" into the tickets it makes); anything else is refused and
 * the device stays where it is. */

struct der { uint8_t tag; const uint8_t *body; size_t len; };

/* One element at *p (within end); advances *p past it. 0 ok, -1 malformed. */
static int der_next(const uint8_t **p, const uint8_t *end, struct der *e)
{
  const uint8_t *q = *p;
  if (end - q < 2) return -1;
  e->tag = *q++;
  size_t len = *q++;
  if (len & 0x80) {
    int k = (int)(len & 0x7f);
    if (k < 1 || k > 4 || end - q < k) return -1;
    len = 0;
    while (k--) len = len << 8 | *q++;
  }
  if ((size_t)(end - q) < len) return -1;
  e->body = q;
  e->len = len;
  *p = q + len;
  return 0;
}

struct image { char kind[5], type[5], desc[96]; int ticket; uint64_t ticket_ecid; };

/* Reads an IM4P or IMG4; 0 when it is one. */
static int image_parse(const uint8_t *data, size_t n, struct image *im)
{
  memset(im, 0, sizeof *im);
  const uint8_t *p = data, *end = data + n;
  struct der top, magic, el;
  if (der_next(&p, end, &top) || top.tag != 0x30) return -1;
  p = top.body;
  end = top.body + top.len;
  if (der_next(&p, end, &magic) || magic.tag != 0x16 || magic.len != 4) return -1;
  memcpy(im->kind, magic.body, 4);
  const uint8_t *q = p, *qend = end;
  struct der im4p;
  if (!strcmp(im->kind, "IMG4")) {
    if (der_next(&p, end, &im4p) || im4p.tag != 0x30) return -1;
    q = im4p.body;
    qend = im4p.body + im4p.len;
    if (der_next(&q, qend, &el) || el.tag != 0x16 || el.len != 4 || memcmp(el.body, "IM4P", 4)) return -1;
    if (p < end && !der_next(&p, end, &el) && el.tag == 0xA0) {
      im->ticket = 1;
      for (size_t i = 0; i + 21 <= el.len; i++)
        if (!memcmp(el.body + i, "ECID=", 5)) {
          char hex[17];
          memcpy(hex, el.body + i + 5, 16);
          hex[16] = 0;
          im->ticket_ecid = g_ascii_strtoull(hex, NULL, 16);
          break;
        }
    }
  } else if (strcmp(im->kind, "IM4P")) return -1;
  if (der_next(&q, qend, &el) || el.tag != 0x16 || el.len != 4) return -1;
  memcpy(im->type, el.body, 4);
  if (!der_next(&q, qend, &el) && el.tag == 0x16)
    snprintf(im->desc, sizeof im->desc, "%.*s", (int)(el.len < 95 ? el.len : 95), (const char *)el.body);
  return 0;
}

/* The last upload as an image this device may boot; NULL (logged) if not. */
static const struct image *bootable(struct vb_dev *d, const char *what, const char *const types[])
{
  static struct image im;
  if (!d->last || image_parse(d->last->data, d->last->len, &im)) {
    vb_log(d, "refused %s: not an image", what);
    return NULL;
  }
  int ok = 0;
  for (int i = 0; types[i]; i++) if (!strcmp(im.type, types[i])) ok = 1;
  if (!ok) { vb_log(d, "refused %s: image type %s", what, im.type); return NULL; }
  if (!im.ticket) { vb_log(d, "refused %s: %s is not personalised (no IM4M)", what, im.type); return NULL; }
  if (im.ticket_ecid != d->ecid) {
    vb_log(d, "refused %s: ticket is for ECID %016" G_GINT64_MODIFIER "X", what, (guint64)im.ticket_ecid);
    return NULL;
  }
  return &im;
}

/* A real device is off the bus for a second or more while iBSS, iBEC or the
 * kernel comes up. Engines that wait for the disconnect with a lock held
 * (idevicerestore 1.0.1's dfu.c/recovery.c take device_event_mutex before the
 * upload and wait on it after closing the device) could miss a device that
 * is back before they wait. */
#define BOOT_GAP 1.5

static gboolean boot_later(gpointer p)
{
  struct vb_dev *d = p;
  vb_mode_later(d, !strcmp(d->stage, "restore") ? "restore" : "recovery", BOOT_GAP);
  return G_SOURCE_REMOVE;
}

/* Boots into STAGE: the device leaves once the answer is out, returns later. */
static void boot(struct vb_dev *d, const char *stage, const struct image *im)
{
  vb_log(d, "boot %s (%s%s%s)", stage, im->type, im->desc[0] ? ": " : "", im->desc);
  snprintf(d->stage, sizeof d->stage, "%s", stage);
  d->reenum = 1;
  if (strcmp(stage, "restore")) { d->ramdisk[0] = 0; d->devicetree = d->firmware = 0; }
  g_timeout_add(50, boot_later, d);
}

/* iBoot commands that load or run what was uploaded. 1 when handled. */
static int boot_command(struct vb_dev *d, char **w, int nw)
{
  static const char *const ibec[] = {"ibec", NULL}, *const rdsk[] = {"rdsk", NULL},
                           *const dt[] = {"rdtr", "dtre", NULL}, *const krn[] = {"rkrn", "krnl", NULL},
                           *const fw[] = {"rtsc", "trst", "ansf", "aopf", "rans", "rsep", NULL},
                           *const logo[] = {"rlgo", "logo", NULL};
  const struct image *im;
  if (!strcmp(w[0], "go")) {
    if ((im = bootable(d, "go", ibec))) boot(d, "ibec", im);
  } else if (!strcmp(w[0], "ramdisk")) {
    if ((im = bootable(d, "ramdisk", rdsk))) {
      snprintf(d->ramdisk, sizeof d->ramdisk, "%s", im->desc);
      vb_log(d, "ramdisk loaded (%s) bytes=%u", im->desc, d->last->len);
    }
  } else if (!strcmp(w[0], "devicetree")) {
    if ((im = bootable(d, "devicetree", dt))) { d->devicetree = 1; vb_log(d, "devicetree loaded (%s)", im->type); }
  } else if (!strcmp(w[0], "firmware")) {
    if ((im = bootable(d, "firmware", fw))) { d->firmware++; vb_log(d, "firmware loaded (%s)", im->type); }
  } else if (!strcmp(w[0], "setpicture")) {
    if ((im = bootable(d, "setpicture", logo))) vb_log(d, "picture shown (%s)", im->type);
  } else if (!strcmp(w[0], "bootx")) {
    if (strcmp(d->stage, "ibec")) vb_log(d, "refused bootx: iBEC is not running");
    else if (!d->ramdisk[0] || !d->devicetree) vb_log(d, "refused bootx: no %s loaded", d->ramdisk[0] ? "device tree" : "ramdisk");
    else if ((im = bootable(d, "bootx", krn))) boot(d, "restore", im);
  } else return 0;
  (void)nw;
  return 1;
}

/* Printable form of a command for the log: quotes and non-printables escaped. */
static char *quoted(const char *s, size_t n)
{
  GString *q = g_string_new("\"");
  for (size_t i = 0; i < n && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') g_string_append_printf(q, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f) g_string_append_printf(q, "\\x%02x", c);
    else g_string_append_c(q, (char)c);
  }
  g_string_append_c(q, '"');
  return g_string_free(q, FALSE);
}

static void run_command(struct vb_dev *d, const uint8_t *data, int len)
{
  char cmd[1024];
  int n = len < (int)sizeof cmd - 1 ? len : (int)sizeof cmd - 1;
  memcpy(cmd, data, (size_t)n);
  cmd[n] = 0;
  char *q = quoted(cmd, (size_t)n);
  vb_log(d, "cmd %s", q);
  g_free(q);
  vb_iboot_flush(d);
  char **w = g_strsplit(g_strstrip(cmd), " ", 3);
  int nw = (int)g_strv_length(w);
  d->answer[0] = 0;
  if (nw >= 2 && !strcmp(w[0], "setenv")) {
    char *val = nw >= 3 ? w[2] : "";
    g_hash_table_insert(d->env, g_strdup(w[1]), g_strdup(val));
    vb_log(d, "env %s=%s", w[1], val);
  } else if (nw >= 2 && !strcmp(w[0], "getenv")) {
    const char *v = g_hash_table_lookup(d->env, w[1]);
    snprintf(d->answer, sizeof d->answer, "%s", v ? v : "");
  } else if (nw >= 1 && !strcmp(w[0], "saveenv")) {
    g_hash_table_remove_all(d->saved);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, d->env);
    while (g_hash_table_iter_next(&it, &k, &v)) g_hash_table_insert(d->saved, g_strdup(k), g_strdup(v));
    vb_log(d, "saveenv");
  } else if (nw >= 1 && !strcmp(w[0], "reboot")) {
    vb_reboot(d);
  } else if (nw >= 1) {
    boot_command(d, w, nw);
  }
  g_strfreev(w);
}

static enum vb_xfer standard_request(struct vb_dev *d, const uint8_t *s, uint8_t *data, int *len)
{
  int type = s[3], index = s[2], want = *len;
  if (s[0] == 0x80 && s[1] == 6) {
    uint8_t buf[512];
    int n = -1;
    if (type == 3) n = string_descriptor(d, index, buf, (int)sizeof buf);
    else if (type == 1 || type == 2) {
      int pid = vb_mode_pid(d->mode);
      n = vb_iboot_descriptors(d, pid, buf, (int)sizeof buf);
      if (type == 2) { memmove(buf, buf + 18, (size_t)(n - 18)); n -= 18; }
      else n = 18;
    }
    if (n < 0) return VB_STALL;
    *len = n < want ? n : want;
    memcpy(data, buf, (size_t)*len);
    return VB_DONE;
  }
  if ((s[0] & 0x80) == 0) { *len = 0; return VB_DONE; }   /* SET_*, CLEAR_FEATURE: accepted */
  return VB_STALL;
}

static enum vb_xfer dfu_request(struct vb_dev *d, const uint8_t *s, uint8_t *data, int *len)
{
  int req = s[1], want = *len;
  if (s[0] == 0x21 && req == 1) {              /* DNLOAD */
    if (want == 0) {
      if (d->dfu_state == DFU_DNLOAD_IDLE) { d->dfu_state = DFU_MANIFEST_SYNC; finish_dfu_upload(d); }
      return VB_DONE;                          /* a stray zero-length packet is harmless */
    }
    if (d->dfu_state != DFU_IDLE && d->dfu_state != DFU_DNLOAD_IDLE) { d->dfu_state = DFU_ERROR; return VB_STALL; }
    d->up_dfu = 1;
    enum vb_xfer r = upload_append(d, data, want);
    d->dfu_state = DFU_DNLOAD_SYNC;
    return r;
  }
  if (s[0] == 0x21 && req == 2) { vb_log(d, "dfu detach"); *len = 0; return VB_DONE; }
  if (s[0] == 0x21 && (req == 4 || req == 6)) {  /* CLRSTATUS, ABORT */
    if (d->up) { g_byte_array_free(d->up, TRUE); d->up = NULL; }
    d->dfu_state = DFU_IDLE;
    *len = 0;
    return VB_DONE;
  }
  if (s[0] == 0xA1 && req == 3 && want >= 6) {  /* GETSTATUS */
    int report = d->dfu_state;
    if (d->dfu_state == DFU_DNLOAD_SYNC) report = d->dfu_state = DFU_DNLOAD_IDLE;
    else if (d->dfu_state == DFU_MANIFEST_SYNC) d->dfu_state = DFU_MANIFEST;
    else if (d->dfu_state == DFU_MANIFEST) d->dfu_state = DFU_MANIFEST_WAIT_RESET;
    uint8_t st[6] = {0, 0, 0, 0, (uint8_t)report, 0};
    memcpy(data, st, 6);
    *len = 6;
    return VB_DONE;
  }
  if (s[0] == 0xA1 && req == 5 && want >= 1) {  /* GETSTATE */
    data[0] = (uint8_t)d->dfu_state;
    *len = 1;
    return VB_DONE;
  }
  return VB_STALL;
}

static enum vb_xfer iboot_request(struct vb_dev *d, const uint8_t *s, uint8_t *data, int *len)
{
  int want = *len;
  if (s[0] == 0x40) {
    if (d->bad == VB_BAD_HANG_COMMAND) return VB_NEVER;
    run_command(d, data, want);
    return VB_DONE;
  }
  if (s[0] == 0xC0) {
    int n = (int)strlen(d->answer) + 1;
    *len = n < want ? n : want;
    memcpy(data, d->answer, (size_t)*len);
    return VB_DONE;
  }
  if (s[0] == 0x41) {
    vb_iboot_flush(d);
    d->up = g_byte_array_new();
    d->up_dfu = 0;
    *len = 0;
    return VB_DONE;
  }
  return VB_STALL;
}

enum vb_xfer vb_iboot_control(struct vb_dev *d, const uint8_t setup[8], uint8_t *data, int *len)
{
  if (d->bad == VB_BAD_STALL) return VB_STALL;
  if (d->bad == VB_BAD_NAK) return VB_NEVER;
  int type = setup[0] & 0x60;
  if (type == 0x00) return standard_request(d, setup, data, len);
  if (is_securerom(d) && type == 0x20) return dfu_request(d, setup, data, len);
  if (is_iboot(d) && type == 0x40) return iboot_request(d, setup, data, len);
  return VB_STALL;
}

enum vb_xfer vb_iboot_bulk_out(struct vb_dev *d, uint8_t ep, const uint8_t *data, int len)
{
  if (d->bad == VB_BAD_STALL) return VB_STALL;
  if (d->bad == VB_BAD_NAK) return VB_NEVER;
  if (!is_iboot(d) || ep != 0x04) return VB_STALL;
  if (!d->up) { d->up = g_byte_array_new(); d->up_dfu = 0; }  /* iBoot takes data without 0x41 too */
  return upload_append(d, data, len);
}

void vb_iboot_bus_reset(struct vb_dev *d)
{
  vb_log(d, "usb reset");
  /* After a complete DFU image SecureROM boots it: the device leaves and
   * comes back where the scenario's on-reboot says (if it names a mode). */
  if (d->dfu_state == DFU_MANIFEST_WAIT_RESET || d->dfu_state == DFU_MANIFEST) {
    d->dfu_state = DFU_IDLE;
    /* A personalised iBSS (or iBEC) boots into Recovery; anything else
     * leaves the device where the scenario's on-reboot says. */
    static const char *const first[] = {"ibss", "ibec", NULL};
    struct image im;
    if (d->last && !image_parse(d->last->data, d->last->len, &im) && !strcmp(im.kind, "IMG4")) {
      const struct image *ok = bootable(d, "dfu image", first);
      if (ok) { boot(d, ok->type, ok); return; }
    }
    if (vb_mode_pid(d->on_reboot) >= 0) vb_reboot(d);
  }
}
