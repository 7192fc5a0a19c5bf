/* The stand-in usbmuxd's Restore-mode device after StartRestore: restored's
 * side of the restore, ASR (port 12345) and the FDR control channel (1082).
 *
 * Learned from the public sources of idevicerestore (restore.c, asr.c,
 * fdr.c), libimobiledevice (restore.c) and pymobiledevice3 (restored, asr);
 * written for the bench.
 *
 * restored, once StartRestore arrives on a connection, plays this script on
 * it (each message a 4-byte big-endian length + XML plist):
 *   DataRequestMsg RootTicket        -> waits for RootTicketData (checks the ECID in it)
 *   ProgressMsg 28, 44, 11, 12, 13   (NAND, logs, partition map, filesystem, image)
 *   DataRequestMsg SystemImageData   -> waits until ASR has the whole image
 *   ProgressMsg 14 x10 (verify), 15, 16, 17
 *   DataRequestMsg KernelCache       -> waits for KernelCacheFile (a personalised kernel)
 *   ProgressMsg 27
 *   DataRequestMsg NORData           -> waits for LlbImageData + NorImageData
 *   ProgressMsg 18 x10 (flash firmware), 29
 *   StatusMsg 0                      -> waits for ReceivedFinalStatusMsg, then the
 *                                       device reboots into the iOS of the image
 * The device reboots on the client's Goodbye (or its close, or 3 s later).
 * Faults: MUXD_FAULT_VANISH_ASR leaves the bus halfway through the image;
 * MUXD_FAULT_FAIL_STATUS sends StatusMsg 14 (AMRError 14) halfway through
 * flashing and reboots into Recovery.
 * Holds (restore_pause): "asr" once the whole image is in (before the next
 * restored message), "verify" and "flash" after the first progress message of
 * those operations, until muxd_restore_resume. (Not inside ASR itself: the
 * engine gives ASR answers only a few seconds.)
 *
 * ASR (raw XML plists, no length prefix): the device sends Initiate (with
 * Checksum Chunks), reads the client's stream description, asks for two
 * out-of-band pieces (the head of the image and its last 512 bytes, which
 * must end in a UDIF "koly" trailer), then "Payload", and reads the whole
 * image with a SHA-1 after every 128 KiB, checking each.
 *
 * FDR control: "BeginCtrl\0", then a length-prefixed (little-endian) binary
 * plist; the device answers with ConnPort and then stays quiet. */
#include "muxd_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASR_CHUNK       131072u
#define ASR_HEAD        4096u
#define TICK_MS         25
#define FDR_CONN_PORT   1083u
#define GOODBYE_MS      3000u    /* after the final status: the engine's Goodbye, or leave */
#define GOODBYE_FAIL_MS 15000u   /* after a failure status the engine reads on until its timeout */

enum act_kind { A_REQ, A_PROG, A_RAMP, A_STATUS };
static const struct act { enum act_kind kind; const char *what; int op; } script[] = {
  {A_REQ, "RootTicket", 0},
  {A_PROG, NULL, 28}, {A_PROG, NULL, 44}, {A_PROG, NULL, 11}, {A_PROG, NULL, 12}, {A_PROG, NULL, 13},
  {A_REQ, "SystemImageData", 0},
  {A_RAMP, "verify", 14},
  {A_PROG, NULL, 15}, {A_PROG, NULL, 16}, {A_PROG, NULL, 17},
  {A_REQ, "KernelCache", 0},
  {A_PROG, NULL, 27},
  {A_REQ, "NORData", 0},
  {A_RAMP, "flash", 18},
  {A_PROG, NULL, 29},
  {A_STATUS, NULL, 0},
};

enum { ASR_NONE, ASR_INFO, ASR_OOB, ASR_PAYLOAD, ASR_DONE };

struct restore_sess {
  muxd_t *m;
  struct mux_dev *d;
  struct conn *rc;               /* the engine's restored connection */
  size_t step;                   /* index into script */
  int ramp;                      /* progress sent so far in an A_RAMP */
  guint timer;
  const char *waiting;           /* the key (or "asr", "final", "hold", "goodbye") being waited for */
  char *leave;                   /* the action once the client says Goodbye or closes */
  /* ASR */
  struct conn *asr;
  int astate, checksums, oob;
  uint64_t size, got, in_chunk, oob_off, oob_len;
  int sums_ok, sums_bad, expect_sum;
  GChecksum *chunk, *whole;
  GByteArray *head;
  char version[32], build[32];
};

static const char *udid_of(struct restore_sess *s) { return s->d->info.udid; }

static int held(struct restore_sess *s, const char *phase)
{
  const char *p = s->d->info.restore_pause;
  if (!p) return 0;
  char **w = g_strsplit_set(p, " ,", -1);
  int r = 0;
  for (int i = 0; w[i]; i++) if (!strcmp(w[i], phase)) r = 1;
  g_strfreev(w);
  return r;
}

static void send_msg(struct restore_sess *s, plist_t p)
{
  if (s->rc) muxd_conn_send_plist(s->rc, p);
  plist_free(p);
}

static plist_t msg(const char *type)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "MsgType", plist_new_string(type));
  return p;
}

static void progress(struct restore_sess *s, int op, int pct)
{
  plist_t p = msg("ProgressMsg");
  plist_dict_set_item(p, "Operation", plist_new_uint((uint64_t)op));
  plist_dict_set_item(p, "Progress", plist_new_uint((uint64_t)pct));
  send_msg(s, p);
}

static void schedule(struct restore_sess *s, guint ms);

static void advance(struct restore_sess *s)
{
  s->step++;
  s->ramp = 0;
  s->waiting = NULL;
  schedule(s, TICK_MS);
}

/* The device leaves (reboots) once the engine is done with restored: on its
 * Goodbye, when it closes the connection, or after GOODBYE_MS. A real device
 * takes seconds to go down; one that left at once would have the engine's
 * Goodbye hit a closed connection, and libimobiledevice 1.3.0+git2025 with
 * libusbmuxd 2.1 (Debian 13) then retries the send for ever (usbmuxd_send's
 * positive EPIPE reads as 0 bytes sent). */
static void depart(struct restore_sess *s)
{
  if (!s->leave) return;
  if (s->timer) { g_source_remove(s->timer); s->timer = 0; }
  muxd_queue_action(s->m, udid_of(s), s->leave);
  g_free(s->leave);
  s->leave = NULL;
  s->waiting = NULL;
}

static gboolean depart_late(gpointer p)
{
  struct restore_sess *s = p;
  s->timer = 0;
  if (s->leave) muxd_logf(s->m, udid_of(s), "restored no Goodbye from the client; leaving anyway");
  depart(s);
  return G_SOURCE_REMOVE;
}

static void leave_after_goodbye(struct restore_sess *s, char *action, guint ms)
{
  g_free(s->leave);
  s->leave = action;
  s->waiting = "goodbye";
  if (s->timer) g_source_remove(s->timer);
  s->timer = g_timeout_add(ms, depart_late, s);
}

void muxd_restore_goodbye(muxd_t *m, struct mux_dev *d, struct conn *c)
{
  struct restore_sess *s = d->rs;
  if (s && s->rc == c) depart(s);
}

/* One step of the script; reschedules itself or waits for the client. */
static gboolean tick(gpointer p)
{
  struct restore_sess *s = p;
  s->timer = 0;
  if (!s->rc || s->step >= G_N_ELEMENTS(script)) return G_SOURCE_REMOVE;
  const struct act *a = &script[s->step];
  const char *udid = udid_of(s);
  switch (a->kind) {
  case A_REQ: {
    plist_t r = msg("DataRequestMsg");
    plist_dict_set_item(r, "DataType", plist_new_string(a->what));
    send_msg(s, r);
    muxd_logf(s->m, udid, "restored DataRequestMsg %s", a->what);
    s->waiting = !strcmp(a->what, "SystemImageData") ? "asr" : a->what;
    break;
  }
  case A_PROG:
    progress(s, a->op, 0);
    advance(s);
    break;
  case A_RAMP:
    s->ramp += 10;
    progress(s, a->op, s->ramp);
    if (s->ramp == 10) muxd_logf(s->m, udid, "restored %s started (operation %d)", a->what, a->op);
    if (a->op == 18 && s->ramp == 50 && s->d->info.restore_fault == MUXD_FAULT_FAIL_STATUS) {
      plist_t st = msg("StatusMsg");
      plist_dict_set_item(st, "Status", plist_new_uint(14));
      plist_dict_set_item(st, "AMRError", plist_new_uint(14));
      plist_dict_set_item(st, "Log", plist_new_string("vbench: flashing firmware failed (emulated fault)"));
      send_msg(s, st);
      muxd_logf(s->m, udid, "restored StatusMsg 14 (failure) during flash");
      s->step = G_N_ELEMENTS(script);
      leave_after_goodbye(s, g_strdup("restore-failed"), GOODBYE_FAIL_MS);
      break;
    }
    if (s->ramp == 10 && held(s, a->what)) {
      s->waiting = "hold";
      muxd_logf(s->m, udid, "restored holding at %s", a->what);
      break;
    }
    if (s->ramp >= 100) advance(s);
    else schedule(s, TICK_MS * 2);
    break;
  case A_STATUS: {
    plist_t st = msg("StatusMsg");
    plist_dict_set_item(st, "Status", plist_new_uint(0));
    send_msg(s, st);
    muxd_logf(s->m, udid, "restored StatusMsg 0 (restore finished)");
    s->waiting = "final";
    break;
  }
  }
  return G_SOURCE_REMOVE;
}

static void schedule(struct restore_sess *s, guint ms)
{
  if (!s->timer) s->timer = g_timeout_add(ms, tick, s);
}

void muxd_restore_resume(muxd_t *m, const char *udid)
{
  for (GList *l = muxd_devices(m); l; l = l->next) {
    struct mux_dev *d = l->data;
    struct restore_sess *s = d->rs;
    if (!s || strcmp(d->info.udid, udid)) continue;
    muxd_logf(m, udid, "restored resumed");
    if (s->waiting && !strcmp(s->waiting, "hold")) {
      s->waiting = NULL;
      schedule(s, TICK_MS);
    } else if (s->waiting && !strcmp(s->waiting, "hold-next")) {
      advance(s);
    }
  }
}

void muxd_restore_start(muxd_t *m, struct mux_dev *d, struct conn *c, plist_t req)
{
  if (d->rs) {
    muxd_logf(m, d->info.udid, "restored StartRestore again -> ignored");
    return;
  }
  struct restore_sess *s = g_new0(struct restore_sess, 1);
  s->m = m;
  s->d = d;
  s->rc = c;
  d->rs = s;
  uint64_t v = 0;
  plist_t n = plist_dict_get_item(req, "RestoreProtocolVersion");
  if (n && plist_get_node_type(n) == PLIST_UINT) plist_get_uint_val(n, &v);
  muxd_logf(m, d->info.udid, "restored StartRestore (protocol %u)", (unsigned)v);
  schedule(s, TICK_MS);
}

/* Finds the 4-character type of the IM4P inside data, and the ECID its ticket names. */
static int image_check(const char *data, uint64_t n, char type[5], uint64_t *ecid)
{
  const char *p = memmem(data, n, "IM4P", 4);
  type[0] = 0;
  *ecid = 0;
  if (!p || (uint64_t)(p - data) + 10 > n || p[4] != 0x16 || p[5] != 4) return -1;
  memcpy(type, p + 6, 4);
  type[4] = 0;
  const char *e = memmem(data, n, "ECID=", 5);
  if (e && (uint64_t)(e - data) + 21 <= n) {
    char hex[17];
    memcpy(hex, e + 5, 16);
    hex[16] = 0;
    *ecid = g_ascii_strtoull(hex, NULL, 16);
  }
  return 0;
}

static const char *ticket_word(struct restore_sess *s, uint64_t ecid)
{
  uint64_t want = s->d->info.ticket_ecid;
  return !want || ecid == want ? "ticket ok" : "ticket for another device";
}

int muxd_restore_client_msg(muxd_t *m, struct mux_dev *d, struct conn *c, plist_t msgp)
{
  struct restore_sess *s = d->rs;
  if (!s || s->rc != c) return 0;
  const char *udid = d->info.udid;
  plist_t n;
  uint64_t len = 0, ecid = 0;
  char type[5];
  if ((n = plist_dict_get_item(msgp, "MsgType")) && plist_get_node_type(n) == PLIST_STRING) {
    const char *t = plist_get_string_ptr(n, NULL);
    muxd_logf(m, udid, "restored %s", t);
    if (!strcmp(t, "ReceivedFinalStatusMsg") && s->waiting && !strcmp(s->waiting, "final")) {
      leave_after_goodbye(s, g_strdup_printf("restored %s %s", s->version[0] ? s->version : "unknown",
                                             s->build[0] ? s->build : "unknown"), GOODBYE_MS);
    }
    return 1;
  }
  if ((n = plist_dict_get_item(msgp, "RootTicketData")) && plist_get_node_type(n) == PLIST_DATA) {
    const char *p = plist_get_data_ptr(n, &len);
    const char *e = p ? memmem(p, len, "ECID=", 5) : NULL;
    if (e && (uint64_t)(e - p) + 21 <= len) ecid = g_ascii_strtoull(e + 5, NULL, 16);
    muxd_logf(m, udid, "restored RootTicket bytes=%llu %s", (unsigned long long)len, ticket_word(s, ecid));
    if (s->waiting && !strcmp(s->waiting, "RootTicket")) advance(s);
    return 1;
  }
  if ((n = plist_dict_get_item(msgp, "KernelCacheFile")) && plist_get_node_type(n) == PLIST_DATA) {
    const char *p = plist_get_data_ptr(n, &len);
    image_check(p, len, type, &ecid);
    muxd_logf(m, udid, "restored KernelCache bytes=%llu type=%s %s", (unsigned long long)len,
              type[0] ? type : "?", ticket_word(s, ecid));
    if (s->waiting && !strcmp(s->waiting, "KernelCache")) advance(s);
    return 1;
  }
  if ((n = plist_dict_get_item(msgp, "LlbImageData")) && plist_get_node_type(n) == PLIST_DATA) {
    const char *p = plist_get_data_ptr(n, &len);
    image_check(p, len, type, &ecid);
    plist_t nor = plist_dict_get_item(msgp, "NorImageData");
    unsigned images = nor && plist_get_node_type(nor) == PLIST_ARRAY ? plist_array_get_size(nor) : 0;
    GString *types = g_string_new(NULL);
    for (unsigned i = 0; i < images; i++) {
      plist_t it = plist_array_get_item(nor, i);
      uint64_t il = 0, ie = 0;
      char t2[5];
      const char *ip = plist_get_node_type(it) == PLIST_DATA ? plist_get_data_ptr(it, &il) : NULL;
      if (ip && !image_check(ip, il, t2, &ie)) g_string_append_printf(types, "%s%s", types->len ? "," : "", t2);
    }
    muxd_logf(m, udid, "restored NORData llb=%s nor=%u [%s]%s%s %s", type[0] ? type : "?", images, types->str,
              plist_dict_get_item(msgp, "SEPImageData") ? " sep" : "",
              plist_dict_get_item(msgp, "RestoreSEPImageData") ? " rsep" : "", ticket_word(s, ecid));
    g_string_free(types, TRUE);
    if (s->waiting && !strcmp(s->waiting, "NORData")) advance(s);
    return 1;
  }
  muxd_logf(m, udid, "restored unexpected message from the client");
  return 1;
}

/* ---------------------------------------------------------------- ASR, FDR */

static void asr_send(struct restore_sess *s, plist_t p)
{
  char *xml = NULL;
  uint32_t n = 0;
  plist_to_xml(p, &xml, &n);
  if (s->asr && xml) muxd_conn_write(s->asr, xml, n);
  free(xml);
  plist_free(p);
}

static void asr_oob(struct restore_sess *s)
{
  if (s->oob == 0) { s->oob_off = 0; s->oob_len = s->size < ASR_HEAD ? s->size : ASR_HEAD; }
  else { s->oob_len = s->size < 512 ? s->size : 512; s->oob_off = s->size - s->oob_len; }
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "Command", plist_new_string("OOBData"));
  plist_dict_set_item(p, "OOB Length", plist_new_uint(s->oob_len));
  plist_dict_set_item(p, "OOB Offset", plist_new_uint(s->oob_off));
  asr_send(s, p);
  s->astate = ASR_OOB;
}

static void asr_payload(struct restore_sess *s)
{
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "Command", plist_new_string("Payload"));
  asr_send(s, p);
  s->astate = ASR_PAYLOAD;
}

/* ProductVersion / ProductBuildVersion from the SystemVersion.plist the
 * image starts with. */
static void fs_version(struct restore_sess *s)
{
  const char *h = (const char *)s->head->data;
  const char *end = g_strstr_len(h, s->head->len, "</plist>");
  plist_t p = NULL;
  if (end) plist_from_xml(h, (uint32_t)(end - h + 8), &p);
  if (p && plist_get_node_type(p) == PLIST_DICT) {
    plist_t v = plist_dict_get_item(p, "ProductVersion"), b = plist_dict_get_item(p, "ProductBuildVersion");
    if (v && plist_get_node_type(v) == PLIST_STRING)
      snprintf(s->version, sizeof s->version, "%s", plist_get_string_ptr(v, NULL));
    if (b && plist_get_node_type(b) == PLIST_STRING)
      snprintf(s->build, sizeof s->build, "%s", plist_get_string_ptr(b, NULL));
  }
  if (p) plist_free(p);
}

static void asr_finish(struct restore_sess *s)
{
  s->astate = ASR_DONE;
  fs_version(s);
  muxd_logf(s->m, udid_of(s), "asr received %llu of %llu bytes, sha1=%s, %d chunk checksums %s, iOS %s (%s)",
            (unsigned long long)s->got, (unsigned long long)s->size, g_checksum_get_string(s->whole),
            s->sums_ok + s->sums_bad, s->sums_bad ? "BAD" : "ok",
            s->version[0] ? s->version : "?", s->build[0] ? s->build : "?");
  if (!s->waiting || strcmp(s->waiting, "asr") || s->sums_bad) return;
  if (held(s, "asr")) {          /* the engine waits on restored, which has no deadline */
    s->waiting = "hold-next";
    muxd_logf(s->m, udid_of(s), "restored holding at asr");
  } else advance(s);
}

/* Takes a whole XML plist off the front of in (NULL if not complete yet). */
static plist_t take_xml(GByteArray *in)
{
  const char *d = (const char *)in->data;
  const char *end = g_strstr_len(d, in->len, "</plist>");
  if (!end) return NULL;
  guint n = (guint)(end - d) + 8;
  while (n < in->len && (in->data[n] == '\n' || in->data[n] == '\r')) n++;
  plist_t p = NULL;
  plist_from_xml(d, n, &p);
  g_byte_array_remove_range(in, 0, n);
  return p;
}

static int asr_data(struct restore_sess *s, GByteArray *in)
{
  const char *udid = udid_of(s);
  for (;;) {
    if (s->astate == ASR_INFO) {
      plist_t p = take_xml(in);
      if (!p) return 0;
      plist_t pay = plist_dict_get_item(p, "Payload"), sz = pay ? plist_dict_get_item(pay, "Size") : NULL;
      if (sz && plist_get_node_type(sz) == PLIST_UINT) plist_get_uint_val(sz, &s->size);
      plist_t cs = plist_dict_get_item(p, "Checksum Chunk Size");
      uint64_t csz = 0;
      if (cs && plist_get_node_type(cs) == PLIST_UINT) plist_get_uint_val(cs, &csz);
      plist_free(p);
      if (!s->size || (s->checksums && csz != ASR_CHUNK)) {
        muxd_logf(s->m, udid, "asr bad stream description (size %llu, chunk %llu)",
                  (unsigned long long)s->size, (unsigned long long)csz);
        return 1;
      }
      muxd_logf(s->m, udid, "asr image of %llu bytes offered", (unsigned long long)s->size);
      s->oob = 0;
      asr_oob(s);
    } else if (s->astate == ASR_OOB) {
      if (in->len < s->oob_len) return 0;
      if (s->oob == 1) {
        int koly = s->oob_len >= 512 && !memcmp(in->data + s->oob_len - 512, "koly", 4);
        muxd_logf(s->m, udid, "asr validation: %s", koly ? "UDIF trailer found" : "no UDIF trailer, not a disk image");
        g_byte_array_remove_range(in, 0, (guint)s->oob_len);
        if (!koly) return 1;
        asr_payload(s);
      } else {
        g_byte_array_remove_range(in, 0, (guint)s->oob_len);
        s->oob = 1;
        asr_oob(s);
      }
    } else if (s->astate == ASR_PAYLOAD) {
      if (!in->len) return 0;
      if (s->expect_sum) {
        if (in->len < 20) return 0;
        guint8 want[20];
        gsize wl = sizeof want;
        g_checksum_get_digest(s->chunk, want, &wl);
        if (!memcmp(want, in->data, 20)) s->sums_ok++;
        else s->sums_bad++;
        g_byte_array_remove_range(in, 0, 20);
        g_checksum_reset(s->chunk);
        s->in_chunk = 0;
        s->expect_sum = 0;
        if (s->got == s->size) { asr_finish(s); return 1; }
        continue;
      }
      uint64_t take = in->len;
      if (take > ASR_CHUNK - s->in_chunk) take = ASR_CHUNK - s->in_chunk;
      if (take > s->size - s->got) take = s->size - s->got;
      g_checksum_update(s->chunk, in->data, take);
      g_checksum_update(s->whole, in->data, take);
      if (s->head->len < ASR_HEAD) {
        guint h = ASR_HEAD - s->head->len;
        g_byte_array_append(s->head, in->data, (guint)(take < h ? take : h));
      }
      g_byte_array_remove_range(in, 0, (guint)take);
      uint64_t before = s->got;
      s->got += take;
      s->in_chunk += take;
      if (s->d->info.restore_fault == MUXD_FAULT_VANISH_ASR && before < s->size / 2 && s->got >= s->size / 2) {
        muxd_logf(s->m, udid, "asr device left the bus after %llu of %llu bytes",
                  (unsigned long long)s->got, (unsigned long long)s->size);
        muxd_queue_action(s->m, udid, "vanish");
        return -1;
      }
      if (s->in_chunk == ASR_CHUNK || s->got == s->size) {
        if (s->checksums) s->expect_sum = 1;
        else { s->in_chunk = 0; if (s->got == s->size) { asr_finish(s); return 1; } }
      }
    } else {
      g_byte_array_set_size(in, 0);   /* held, or done: nothing more is expected */
      return 0;
    }
  }
}

static int fdr_data(muxd_t *m, struct mux_dev *d, struct conn *c, GByteArray *in)
{
  /* "BeginCtrl\0", then uint32 LE length + binary plist {Command, CtrlProtoVersion} */
  if (in->len < 14) return 0;
  if (memcmp(in->data, "BeginCtrl", 10)) { muxd_logf(m, d->info.udid, "fdr unexpected greeting"); return 1; }
  uint32_t len = (uint32_t)in->data[10] | (uint32_t)in->data[11] << 8 | (uint32_t)in->data[12] << 16 |
                 (uint32_t)in->data[13] << 24;
  if (len > 65536) return -1;
  if (in->len < 14 + len) return 0;
  g_byte_array_remove_range(in, 0, 14 + len);
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "ConnPort", plist_new_uint(FDR_CONN_PORT));
  char *bin = NULL;
  uint32_t bl = 0;
  plist_to_bin(p, &bin, &bl);
  plist_free(p);
  uint8_t le[4] = { (uint8_t)bl, (uint8_t)(bl >> 8), (uint8_t)(bl >> 16), (uint8_t)(bl >> 24) };
  muxd_conn_write(c, le, 4);
  muxd_conn_write(c, bin, bl);
  free(bin);
  muxd_logf(m, d->info.udid, "fdr control channel open (nothing to recover)");
  return 0;
}

void muxd_restore_service_open(muxd_t *m, struct mux_dev *d, struct conn *c, uint16_t port)
{
  if (port != 12345) return;   /* FDR: the client speaks first */
  if (!d->rs) {
    muxd_logf(m, d->info.udid, "asr connection before StartRestore");
    muxd_conn_close(c);
    return;
  }
  struct restore_sess *s = d->rs;
  s->asr = c;
  s->astate = ASR_INFO;
  s->checksums = 1;
  s->got = s->in_chunk = 0;
  s->sums_ok = s->sums_bad = s->expect_sum = 0;
  if (s->chunk) g_checksum_free(s->chunk);
  if (s->whole) g_checksum_free(s->whole);
  if (s->head) g_byte_array_unref(s->head);
  s->chunk = g_checksum_new(G_CHECKSUM_SHA1);
  s->whole = g_checksum_new(G_CHECKSUM_SHA1);
  s->head = g_byte_array_new();
  plist_t p = plist_new_dict();
  plist_dict_set_item(p, "Command", plist_new_string("Initiate"));
  plist_dict_set_item(p, "Checksum Chunks", plist_new_bool(1));
  plist_dict_set_item(p, "Version", plist_new_uint(1));
  asr_send(s, p);
  muxd_logf(m, d->info.udid, "asr connected");
}

int muxd_restore_service_data(muxd_t *m, struct mux_dev *d, struct conn *c, GByteArray *in)
{
  if (d->rs && d->rs->asr == c) return asr_data(d->rs, in);
  return fdr_data(m, d, c, in);
}

void muxd_restore_conn_gone(muxd_t *m, struct conn *c)
{
  for (GList *l = muxd_devices(m); l; l = l->next) {
    struct restore_sess *s = ((struct mux_dev *)l->data)->rs;
    if (!s) continue;
    if (s->asr == c) {
      if (s->astate != ASR_DONE && s->astate != ASR_NONE)
        muxd_logf(m, udid_of(s), "asr connection closed after %llu of %llu bytes",
                  (unsigned long long)s->got, (unsigned long long)s->size);
      s->asr = NULL;
    }
    if (s->rc == c) {
      s->rc = NULL;
      if (s->timer) { g_source_remove(s->timer); s->timer = 0; }
      depart(s);                 /* the engine closed restored: a pending reboot goes ahead */
    }
  }
}

void muxd_restore_free(struct mux_dev *d)
{
  struct restore_sess *s = d->rs;
  if (!s) return;
  if (s->timer) g_source_remove(s->timer);
  if (s->chunk) g_checksum_free(s->chunk);
  if (s->whole) g_checksum_free(s->whole);
  if (s->head) g_byte_array_unref(s->head);
  g_free(s->leave);
  g_free(s);
  d->rs = NULL;
}
