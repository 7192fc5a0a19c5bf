/* vbench: the virtual bench (see README.md). Builds a umockdev testbed and a
 * stand-in usbmuxd, plays a scenario file and control-FIFO lines, and runs
 * COMMAND inside it. */
#include "vbench.h"

#include <errno.h>
#include <glib-unix.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

UMockdevTestbed *vb_testbed;
muxd_t *vb_mux;
const char *vb_upload_dir;

static GMainLoop *loop;
static FILE *logf;
static gint64 t0;
static int exit_status;
static GPid child;

void vb_log(const struct vb_dev *d, const char *fmt, ...)
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

static void quit(void)
{
  if (child > 0) kill(child, SIGTERM);   /* COMMAND ends with the bench */
  g_main_loop_quit(loop);
}

static void step(const char *line);
static gboolean step_cb(gpointer p) { step(p); return G_SOURCE_REMOVE; }

/* One step: plug/unplug/mode/on-reboot/bad/env/quit, or a device line. */
static void step(const char *line)
{
  if (!strncmp(line, "device ", 7)) {
    if (vb_declare(line + 7)) vb_log(NULL, "error device \"%s\"", line);
    return;
  }
  char **w = g_strsplit_set(line, " \t", -1);
  char *v[8] = {0};
  int n = 0;
  for (int i = 0; w[i] && n < 8; i++) if (*w[i]) v[n++] = w[i];
  struct vb_dev *d = n > 1 ? vb_find(v[1]) : NULL;
  int ok = 1;
  if (n >= 1 && !strcmp(v[0], "quit")) quit();
  else if (n >= 3 && d && !strcmp(v[0], "plug")) vb_plug(d, v[2]);
  else if (n >= 2 && d && !strcmp(v[0], "unplug")) vb_unplug(d);
  else if (n >= 3 && d && !strcmp(v[0], "mode") && vb_mode_pid(v[2]) >= 0) {
    double gap = n >= 4 && !strncmp(v[3], "gap=", 4) ? g_ascii_strtod(v[3] + 4, NULL) : 0.3;
    vb_mode_later(d, v[2], gap);
  }
  else if (n >= 3 && d && !strcmp(v[0], "on-reboot") &&
           (vb_mode_pid(v[2]) >= 0 || !strcmp(v[2], "auto") || !strcmp(v[2], "none")))
    vb_set(d, "on-reboot", v[2]);
  else if (n >= 3 && d && !strcmp(v[0], "bad")) {
    ok = !vb_set(d, "bad", v[2]);
    if (ok) vb_log(d, "bad %s", v[2]);
  }
  else if (n >= 2 && !strcmp(v[0], "tss") && (!strcmp(v[1], "sign") || !strcmp(v[1], "refuse"))) {
    vb_tss_mode(!strcmp(v[1], "refuse"));
    vb_log(NULL, "tss %s", v[1]);
  }
  else if (n >= 3 && d && !strcmp(v[0], "hold")) {
    snprintf(d->pause, sizeof d->pause, "%s", v[2]);
    for (char *c = d->pause; *c; c++) if (*c == ',') *c = ' ';
  }
  else if (n >= 2 && d && !strcmp(v[0], "resume")) {
    if (d->udid[0]) muxd_restore_resume(vb_mux, d->udid);
  }
  else if (n >= 3 && d && !strcmp(v[0], "env") && strchr(v[2], '=')) {
    char *eq = strchr(v[2], '=');
    *eq = 0;
    g_hash_table_insert(d->saved, g_strdup(v[2]), g_strdup(eq + 1));
    g_hash_table_insert(d->env, g_strdup(v[2]), g_strdup(eq + 1));
  }
  else ok = 0;
  if (!ok) vb_log(NULL, "error step \"%s\"", line);
  g_strfreev(w);
}

/* Strips comments and blanks; joins backslash-continued lines. */
static int load_scenario(const char *path)
{
  char *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents(path, &text, NULL, &err)) {
    fprintf(stderr, "vbench: %s\n", err->message);
    g_error_free(err);
    return -1;
  }
  GString *joined = g_string_new(NULL);
  for (const char *p = text; *p; p++) {
    if (p[0] == '\\' && p[1] == '\n') { p++; continue; }
    g_string_append_c(joined, *p);
  }
  char **lines = g_strsplit(joined->str, "\n", -1);
  int rc = 0;
  for (int i = 0; lines[i]; i++) {
    char *l = lines[i];
    char *hash = strchr(l, '#');
    if (hash) *hash = 0;
    l = g_strstrip(l);
    if (!*l) continue;
    if (!strncmp(l, "device ", 7)) {
      if (vb_declare(l + 7)) { fprintf(stderr, "vbench: %s:%d: bad device line\n", path, i + 1); rc = -1; }
    } else if (!strncmp(l, "at ", 3)) {
      char *end;
      double t = g_ascii_strtod(l + 3, &end);
      char *s = g_strstrip(end);
      if (end == l + 3 || !*s) { fprintf(stderr, "vbench: %s:%d: bad step\n", path, i + 1); rc = -1; }
      else if (t <= 0) step(s);
      else g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)(t * 1000), step_cb, g_strdup(s), g_free);
    } else {
      fprintf(stderr, "vbench: %s:%d: expected 'device' or 'at'\n", path, i + 1);
      rc = -1;
    }
  }
  g_strfreev(lines);
  g_string_free(joined, TRUE);
  g_free(text);
  return rc;
}

/* Control FIFO: opened read-write so it never reports EOF between writers. */
static GString *fifo_buf;
static gboolean on_fifo(gint fd, GIOCondition cond, gpointer p)
{
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) return n < 0 && errno == EAGAIN ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
  g_string_append_len(fifo_buf, buf, n);
  char *nl;
  while ((nl = memchr(fifo_buf->str, '\n', fifo_buf->len))) {
    *nl = 0;
    char *l = g_strstrip(fifo_buf->str);
    if (*l && *l != '#') { vb_log(NULL, "fifo %s", l); step(l); }
    g_string_erase(fifo_buf, 0, nl - fifo_buf->str + 1);
  }
  if (fifo_buf->len > 65536) g_string_truncate(fifo_buf, 0);
  return G_SOURCE_CONTINUE;
}

static int open_fifo(const char *path)
{
  struct stat st;
  if (stat(path, &st) && mkfifo(path, 0600)) {
    fprintf(stderr, "vbench: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) { fprintf(stderr, "vbench: %s: %s\n", path, strerror(errno)); return -1; }
  fifo_buf = g_string_new(NULL);
  g_unix_fd_add(fd, G_IO_IN, on_fifo, NULL);
  return 0;
}

static void child_exit(GPid pid, gint status, gpointer p)
{
  exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  g_spawn_close_pid(pid);
  child = 0;
  g_main_loop_quit(loop);
}

static gboolean on_signal(gpointer p) { quit(); return G_SOURCE_CONTINUE; }

static void usage(void)
{
  fprintf(stderr, "usage: vbench [--scenario FILE] [--fifo PATH] [--log FILE] [--upload-dir DIR]\n"
                  "              [--mux-socket PATH] [--] [COMMAND ARGS...]\n");
}

int main(int argc, char **argv)
{
  const char *scenario = NULL, *logpath = NULL, *muxpath = NULL, *fifo = NULL;
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
    {"mux-socket", 1, 0, 'm'}, {"fifo", 1, 0, 'f'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    if (c == 's') scenario = optarg;
    else if (c == 'l') logpath = optarg;
    else if (c == 'm') muxpath = optarg;
    else if (c == 'f') fifo = optarg;
    else if (c == 'u') vb_upload_dir = optarg;
    else if (c == 'h') { usage(); return 0; }
    else { usage(); return 2; }
  }
  unsetenv("VBENCH_WRAPPED");
  t0 = g_get_monotonic_time();
  if (logpath && !(logf = fopen(logpath, "a"))) {
    fprintf(stderr, "vbench: %s: %s\n", logpath, strerror(errno));
    return 2;
  }
  if (vb_upload_dir && g_mkdir_with_parents(vb_upload_dir, 0700)) {
    fprintf(stderr, "vbench: %s: %s\n", vb_upload_dir, strerror(errno));
    return 2;
  }
  vb_testbed = umockdev_testbed_new();
  vb_netlink_watch(umockdev_testbed_get_root_dir(vb_testbed));
  vb_bus_init();
  loop = g_main_loop_new(NULL, FALSE);
  char *muxdef = g_strdup_printf("%s/vbench-%d.sock", g_get_tmp_dir(), (int)getpid());
  GError *merr = NULL;
  if (!(vb_mux = muxd_start(muxpath ? muxpath : muxdef, &merr))) {
    fprintf(stderr, "vbench: usbmuxd socket: %s\n", merr->message);
    return 2;
  }
  muxd_set_action_handler(vb_mux, vb_mux_action, NULL);
  muxd_set_log(vb_mux, vb_mux_log, NULL);
  /* The signing server: restore engines reach it as their HTTP(S) proxy
   * (a refused CONNECT makes them fall back to plain http), newer ones with
   * -s $VBENCH_TSS_URL. The tests' own servers on loopback stay direct. */
  int tss_port = vb_tss_start();
  if (tss_port <= 0) { fprintf(stderr, "vbench: cannot start the signing server\n"); return 2; }
  char *proxy = g_strdup_printf("http://127.0.0.1:%d", tss_port);
  char *tss_url = g_strdup_printf("http://127.0.0.1:%d/TSS/controller?action=2", tss_port);
  g_setenv("http_proxy", proxy, TRUE);
  g_setenv("https_proxy", proxy, TRUE);
  g_setenv("HTTPS_PROXY", proxy, TRUE);
  g_setenv("no_proxy", "127.0.0.1,localhost,::1", TRUE);
  g_setenv("NO_PROXY", "127.0.0.1,localhost,::1", TRUE);
  g_setenv("VBENCH_TSS_URL", tss_url, TRUE);
  vb_log(NULL, "tss listening %s", tss_url);
  g_free(proxy);
  g_free(tss_url);
  char *addr = g_strdup_printf("UNIX:%s", muxpath ? muxpath : muxdef);
  g_setenv("USBMUXD_SOCKET_ADDRESS", addr, TRUE);
  g_free(addr);
  g_free(muxdef);
  if (scenario && load_scenario(scenario)) return 2;
  if (fifo && open_fifo(fifo)) return 2;
  g_unix_signal_add(SIGTERM, on_signal, NULL);
  g_unix_signal_add(SIGINT, on_signal, NULL);
  vb_log(NULL, "ready");
  if (optind < argc) {
    GError *err = NULL;
    if (!g_spawn_async(NULL, argv + optind, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                       G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &child, &err)) {
      fprintf(stderr, "vbench: %s\n", err->message);
      return 127;
    }
    g_child_watch_add(child, child_exit, NULL);
  }
  g_main_loop_run(loop);
  if (child > 0) {   /* quit before COMMAND ended: give it a moment, then reap */
    for (int i = 0; i < 50 && waitpid(child, NULL, WNOHANG) == 0; i++) g_usleep(20000);
  }
  vb_unplug_all();
  muxd_stop(vb_mux);
  g_object_unref(vb_testbed);
  if (logf) fclose(logf);
  return exit_status;
}
