/* Prints the USB devices libusb sees ("present VID:PID port=P"), then for
 * argv[1] seconds (default 0) hotplug events ("arrived ..."/"left ..."),
 * ending early after argv[2] of them if given.
 * Opens no device handle, so it runs fine against the emulated bench. */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void probe_print(const char *what, libusb_device *dev)
{
  struct libusb_device_descriptor dd;
  uint8_t ports[8];
  char path[64] = "";
  int n = libusb_get_port_numbers(dev, ports, sizeof ports), off = 0;
  if (libusb_get_device_descriptor(dev, &dd)) return;
  off = snprintf(path, sizeof path, "%d", libusb_get_bus_number(dev));
  for (int i = 0; i < n && off < (int)sizeof path - 5; i++)
    off += snprintf(path + off, sizeof path - (size_t)off, "%c%d", i ? '.' : '-', ports[i]);
  printf("%s %04x:%04x port=%s\n", what, dd.idVendor, dd.idProduct, path);
  fflush(stdout);
}

static int events;

static int probe_hotplug(libusb_context *ctx, libusb_device *dev, libusb_hotplug_event ev, void *p)
{
  events++;
  probe_print(ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left", dev);
  return 0;
}

int main(int argc, char **argv)
{
  libusb_context *ctx;
  libusb_device **list;
  double secs = argc > 1 ? atof(argv[1]) : 0;
  int max_events = argc > 2 ? atoi(argv[2]) : 0;
  if (libusb_init(&ctx)) return 1;
  ssize_t n = libusb_get_device_list(ctx, &list);
  for (ssize_t i = 0; i < n; i++) probe_print("present", list[i]);
  if (n >= 0) libusb_free_device_list(list, 1);
  if (secs > 0) {
    libusb_hotplug_callback_handle h;
    if (libusb_hotplug_register_callback(ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                         0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                         LIBUSB_HOTPLUG_MATCH_ANY, probe_hotplug, NULL, &h))
      return 1;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
      struct timeval tv = {0, 100000};
      libusb_handle_events_timeout_completed(ctx, &tv, NULL);
      clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 < secs &&
             (max_events <= 0 || events < max_events));
  }
  libusb_exit(ctx);
  return 0;
}
