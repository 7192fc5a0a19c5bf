/* The bench's signing server (TSS), on 127.0.0.1 only.
 *
 * Restore engines ask Apple's gs.apple.com for a ticket (POST
 * /TSS/controller?action=2, body an XML plist naming ApECID, ApNonce, the
 * board and a digest per component). vbench gives COMMAND http_proxy and
 * https_proxy pointing here: a CONNECT (https) is refused, so the engine falls
 * back to plain http, and its POST arrives with an absolute URL. Engines that
 * take a server URL (-s) reach the same handler at VBENCH_TSS_URL.
 *
 * Answer (the engine's own format): "STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING="
 * then an XML plist with ApImg4Ticket, an IM4M-shaped DER blob that names the
 * device's ECID and ApNonce, which the emulated device checks before it boots
 * an image. In refuse mode: "STATUS=94&MESSAGE=This device isn't eligible for
 * the requested build." Nothing is signed; nothing leaves loopback. */
#include "vbench.h"

#include <errno.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <plist/plist.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TSS_MAX_REQUEST (1u << 20)

static int refuse;

void vb_tss_mode(int r) { refuse = r; }

struct client { int fd; guint src; GByteArray *in; };

static void client_free(struct client *c)
{
  if (c->src) g_source_remove(c->src);
  close(c->fd);
  g_byte_array_unref(c->in);
  g_free(c);
}

static void send_all(int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno == EAGAIN) { g_usleep(1000); continue; }   /* small answers: rare */
    if (k <= 0) return;
    p += k;
    n -= (size_t)k;
  }
}

static void reply(int fd, const char *status, const char *body, size_t len)
{
  char *head = g_strdup_printf("HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                               "Connection: close\r\n\r\n", status, len);
  send_all(fd, head, strlen(head));
  send_all(fd, body, len);
  g_free(head);
}

static void der(GByteArray *out, uint8_t tag, const void *body, size_t len)
{
  uint8_t h[6];
  int k = 0;
  h[k++] = tag;
  if (len < 0x80) h[k++] = (uint8_t)len;
  else if (len < 0x100) { h[k++] = 0x81; h[k++] = (uint8_t)len; }
  else { h[k++] = 0x82; h[k++] = (uint8_t)(len >> 8); h[k++] = (uint8_t)len; }
  g_byte_array_append(out, h, (guint)k);
  g_byte_array_append(out, body, (guint)len);
}

/* IM4M-shaped: SEQUENCE { "IM4M", INTEGER 0, SET { OCTET STRING "ECID=.. NONC=.." }, OCTET STRING sig }. */
static GByteArray *ticket(uint64_t ecid, const char *nonce_hex)
{
  char *claims = g_strdup_printf("ECID=%016" PRIX64 " NONC=%s vbench-signing-server", ecid, nonce_hex);
  GByteArray *inner = g_byte_array_new(), *set = g_byte_array_new(), *out = g_byte_array_new();
  der(inner, 0x16, "IM4M", 4);
  static const uint8_t zero = 0, sig[32] = {0};
  der(inner, 0x02, &zero, 1);
  der(set, 0x04, claims, strlen(claims));
  der(inner, 0x31, set->data, set->len);
  der(inner, 0x04, sig, sizeof sig);
  der(out, 0x30, inner->data, inner->len);
  g_byte_array_unref(inner);
  g_byte_array_unref(set);
  g_free(claims);
  return out;
}

static void answer_tss(int fd, const char *body, size_t len)
{
  plist_t req = NULL;
  plist_from_xml(body, (uint32_t)len, &req);
  if (!req || plist_get_node_type(req) != PLIST_DICT) {
    static const char bad[] = "STATUS=100&MESSAGE=An internal error occurred.";
    vb_log(NULL, "tss malformed request (%zu bytes)", len);
    reply(fd, "200 OK", bad, sizeof bad - 1);
    if (req) plist_free(req);
    return;
  }
  uint64_t ecid = 0;
  plist_t n = plist_dict_get_item(req, "ApECID");
  if (n && plist_get_node_type(n) == PLIST_UINT) plist_get_uint_val(n, &ecid);
  char nonce[129] = "";
  n = plist_dict_get_item(req, "ApNonce");
  if (n && plist_get_node_type(n) == PLIST_DATA) {
    uint64_t nl = 0;
    const char *p = plist_get_data_ptr(n, &nl);
    for (uint64_t i = 0; p && i < nl && i < 64; i++) snprintf(nonce + 2 * i, 3, "%02x", (unsigned char)p[i]);
  }
  int comps = 0;
  plist_dict_iter it = NULL;
  plist_dict_new_iter(req, &it);
  for (;;) {
    char *k = NULL;
    plist_t v = NULL;
    plist_dict_next_item(req, it, &k, &v);
    if (!k) break;
    if (v && plist_get_node_type(v) == PLIST_DICT && plist_dict_get_item(v, "Digest")) comps++;
    free(k);
  }
  free(it);
  if (refuse) {
    static const char no[] = "STATUS=94&MESSAGE=This device isn't eligible for the requested build.";
    vb_log(NULL, "tss request ecid=%016" PRIX64 " components=%d -> refused (STATUS=94)", ecid, comps);
    reply(fd, "200 OK", no, sizeof no - 1);
    plist_free(req);
    return;
  }
  GByteArray *t = ticket(ecid, nonce);
  plist_t resp = plist_new_dict();
  plist_dict_set_item(resp, "@ServerVersion", plist_new_string("2.1.0"));
  plist_dict_set_item(resp, "ApImg4Ticket", plist_new_data((const char *)t->data, t->len));
  char *xml = NULL;
  uint32_t xl = 0;
  plist_to_xml(resp, &xml, &xl);
  GString *b = g_string_new("STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=");
  g_string_append_len(b, xml, xl);
  reply(fd, "200 OK", b->str, b->len);
  vb_log(NULL, "tss request ecid=%016" PRIX64 " nonce=%s components=%d -> signed (ticket %u bytes)",
         ecid, nonce[0] ? nonce : "-", comps, t->len);
  g_string_free(b, TRUE);
  free(xml);
  plist_free(resp);
  plist_free(req);
  g_byte_array_unref(t);
}

/* 1: request complete and answered (close), 0: need more, -1: bad. */
static int handle(struct client *c)
{
  const char *d = (const char *)c->in->data;
  const char *eoh = g_strstr_len(d, c->in->len, "\r\n\r\n");
  if (!eoh) return c->in->len > 65536 ? -1 : 0;
  size_t hlen = (size_t)(eoh - d) + 4;
  char *head = g_strndup(d, hlen);
  char method[16] = "", target[1024] = "";
  sscanf(head, "%15s %1023s", method, target);
  size_t clen = 0;
  for (char *l = strstr(head, "\r\n"); l; l = strstr(l + 2, "\r\n"))
    if (!g_ascii_strncasecmp(l + 2, "Content-Length:", 15)) clen = strtoul(l + 17, NULL, 10);
  g_free(head);
  if (!strcmp(method, "CONNECT")) {
    /* No TLS here: the engine then tries plain http through the same proxy. */
    static const char no[] = "https is not offered on the bench\n";
    vb_log(NULL, "tss CONNECT %s -> refused", target);
    reply(c->fd, "403 Forbidden", no, sizeof no - 1);
    return 1;
  }
  if (clen > TSS_MAX_REQUEST) return -1;
  if (c->in->len < hlen + clen) return 0;
  if (!strcmp(method, "POST") && strstr(target, "/TSS/controller")) {
    answer_tss(c->fd, d + hlen, clen);
  } else {
    static const char nf[] = "not found\n";
    vb_log(NULL, "tss %s %s -> 404", method, target);
    reply(c->fd, "404 Not Found", nf, sizeof nf - 1);
  }
  return 1;
}

static gboolean on_client(gint fd, GIOCondition cond, gpointer p)
{
  struct client *c = p;
  char buf[16384];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) { g_byte_array_append(c->in, (guint8 *)buf, (guint)n); continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    c->src = 0;                     /* EOF before a whole request */
    client_free(c);
    return G_SOURCE_REMOVE;
  }
  int r = handle(c);
  if (r == 0) return G_SOURCE_CONTINUE;
  c->src = 0;
  client_free(c);
  return G_SOURCE_REMOVE;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer p)
{
  for (;;) {
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) break;
    struct client *c = g_new0(struct client, 1);
    c->fd = cfd;
    c->in = g_byte_array_new();
    c->src = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client, c);
  }
  return G_SOURCE_CONTINUE;
}

int vb_tss_start(void)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t sl = sizeof sa;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 16) ||
      getsockname(fd, (struct sockaddr *)&sa, &sl)) {
    close(fd);
    return -1;
  }
  g_unix_fd_add(fd, G_IO_IN, on_accept, NULL);
  return ntohs(sa.sin_port);
}
