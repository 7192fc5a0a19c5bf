/* A tiny driver for the stand-in usbmuxd alone (tests/integration/vbench_muxd.sh).
 *
 *   muxd_standalone SOCKET_PATH
 *
 * Reads commands from stdin, one a line (shell-style quoting; values go
 * through g_strcompress, so \033, \t, \" and \\ work):
 *   attach udid=U [model=iPhone10,1] [ios=13.7] [build=17H35] [name=...]
 *          [srnm=...] [hwmodel=D22AP] [class=iPhone] [ecid=0x..] [cpid=0x8015]
 *          [bdid=0x06] [restore=1] [loc=0x..] [pid=0x12a8]
 *   detach U
 *   quit
 * Prints "ready", then "log <udid|-> <line>" for every log line and
 * "action <udid> <what>" for every action; after a "recovery" or "restart"
 * action the device is detached (it leaves, as a real one would).
 */
#include "../muxd.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static GMainLoop *loop;
static muxd_t *mux;
static GString *inbuf;

static void on_log(void *ctx, const char *udid, const char *line)
{
  printf("log %s %s\n", udid ? udid : "-", line);
}

static void on_action(void *ctx, const char *udid, const char *action)
{
  printf("action %s %s\n", udid, action);
  if (strcmp(action, "recovery") == 0 || strcmp(action, "restart") == 0)
    muxd_detach(mux, udid);
}

static uint64_t num(const char *s)
{
  return g_ascii_strtoull(s, NULL, 0);
}

static void command(const char *line)
{
  gchar **argv = NULL;
  gint argc = 0;
  if (!g_shell_parse_argv(line, &argc, &argv, NULL))
    return;
  if (strcmp(argv[0], "quit") == 0) {
    g_main_loop_quit(loop);
  } else if (strcmp(argv[0], "detach") == 0 && argc > 1) {
    muxd_detach(mux, argv[1]);
  } else if (strcmp(argv[0], "attach") == 0) {
    struct mux_device_info d = { 0 };
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    for (int i = 1; i < argc; i++) {
      char *eq = strchr(argv[i], '=');
      if (!eq)
        continue;
      *eq = 0;
      const char *k = argv[i];
      char *v = g_strcompress(eq + 1);
      g_ptr_array_add(vals, v);
      if (!strcmp(k, "udid")) d.udid = v;
      else if (!strcmp(k, "model")) d.product_type = v;
      else if (!strcmp(k, "ios")) d.product_version = v;
      else if (!strcmp(k, "build")) d.build_version = v;
      else if (!strcmp(k, "name")) d.device_name = v;
      else if (!strcmp(k, "srnm")) d.serial_number = v;
      else if (!strcmp(k, "hwmodel")) d.hardware_model = v;
      else if (!strcmp(k, "class")) d.device_class = v;
      else if (!strcmp(k, "ecid")) d.ecid = num(v);
      else if (!strcmp(k, "cpid")) d.cpid = (uint32_t)num(v);
      else if (!strcmp(k, "bdid")) d.bdid = (uint32_t)num(v);
      else if (!strcmp(k, "restore")) d.restore = (int)num(v);
      else if (!strcmp(k, "loc")) d.location_id = (uint32_t)num(v);
      else if (!strcmp(k, "pid")) d.product_id = (uint16_t)num(v);
    }
    muxd_attach(mux, &d);
    g_ptr_array_unref(vals);
  }
  g_strfreev(argv);
}

static gboolean on_stdin(gint fd, GIOCondition cond, gpointer data)
{
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) {
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
  }
  g_string_append_len(inbuf, buf, n);
  char *nl;
  while ((nl = memchr(inbuf->str, '\n', inbuf->len))) {
    *nl = 0;
    command(inbuf->str);
    g_string_erase(inbuf, 0, nl - inbuf->str + 1);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer data)
{
  g_main_loop_quit(loop);
  return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  GError *err = NULL;
  mux = muxd_start(argv[1], &err);
  if (!mux) {
    fprintf(stderr, "muxd_start: %s\n", err->message);
    return 1;
  }
  muxd_set_log(mux, on_log, NULL);
  muxd_set_action_handler(mux, on_action, NULL);
  loop = g_main_loop_new(NULL, FALSE);
  inbuf = g_string_new(NULL);
  g_unix_fd_add(0, G_IO_IN | G_IO_HUP, on_stdin, NULL);
  g_unix_signal_add(SIGTERM, on_signal, NULL);
  g_unix_signal_add(SIGINT, on_signal, NULL);
  printf("ready\n");
  g_main_loop_run(loop);
  muxd_stop(mux);
  g_main_loop_unref(loop);
  g_string_free(inbuf, TRUE);
  return 0;
}
