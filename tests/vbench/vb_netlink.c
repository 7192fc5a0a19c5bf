/* Every client under the preload gets the bench's uevents.
 *
 * umockdev's preload emulates a process's netlink (uevent) socket as an
 * AF_UNIX socket bound at $UMOCKDEV_DIR/event<FD>, named after the fd number
 * only, and unlinks that path first; the testbed sends each uevent to every
 * socket matching event[0-9]*. Two processes whose uevent sockets have the
 * same fd number (ibench watch and a restore engine, or two engines: libusb
 * opens its udev monitor early, so they usually do) therefore take the name
 * from each other, and the earlier one never hears of a device again: it
 * misses departures and arrivals (an engine then reports "Device did not
 * disconnect", the board keeps a row in a mode the device has left).
 *
 * The bench watches the folder and renames each new event<FD> socket to
 * event<FD>.<n> at once. A bound Unix socket stays reachable under its new
 * name, the sender's glob still matches it, and the next process's bind finds
 * the short name free. (umockdev's sender unlinks a name whose socket was
 * closed.) */
#include "vbench.h"

#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root;
static unsigned renamed;

static int plain_event_name(const char *n)
{
  if (strncmp(n, "event", 5) || !n[5]) return 0;
  for (const char *p = n + 5; *p; p++) if (*p < '0' || *p > '9') return 0;
  return 1;
}

static void take(const char *name)
{
  if (!plain_event_name(name)) return;
  char *from = g_build_filename(root, name, NULL);
  struct stat st;
  if (lstat(from, &st) == 0 && S_ISSOCK(st.st_mode)) {
    char *to = g_strdup_printf("%s.%u", from, ++renamed);
    if (rename(from, to) != 0 && errno != ENOENT) vb_log(NULL, "uevent socket %s: rename: %s", name, strerror(errno));
    g_free(to);
  }
  g_free(from);
}

/* Also called before each uevent, for anything inotify has not reported yet. */
void vb_netlink_sweep(void)
{
  if (!root) return;
  GDir *d = g_dir_open(root, 0, NULL);
  if (!d) return;
  const char *n;
  while ((n = g_dir_read_name(d))) take(n);
  g_dir_close(d);
}

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer data)
{
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  ssize_t len = read(fd, buf, sizeof buf);
  for (char *p = buf; len > 0 && p < buf + len;) {
    struct inotify_event *ev = (struct inotify_event *)p;
    if (ev->len) take(ev->name);
    p += sizeof *ev + ev->len;
  }
  return G_SOURCE_CONTINUE;
}

void vb_netlink_watch(const char *dir)
{
  root = g_strdup(dir);
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch(fd, root, IN_CREATE | IN_MOVED_TO) < 0) {
    vb_log(NULL, "uevent sockets: inotify unavailable; sweeping before each uevent only");
    if (fd >= 0) close(fd);
    return;
  }
  g_unix_fd_add(fd, G_IO_IN, on_inotify, NULL);
  vb_netlink_sweep();
}
