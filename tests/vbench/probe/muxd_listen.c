/* Watches usbmuxd events through stock libusbmuxd (for vbench_muxd.sh).
 *
 *   muxd_listen SECONDS
 *
 * Prints "add <udid> <id>" / "remove <udid> <id>" / "paired <udid> <id>" for
 * every event libusbmuxd reports, then unsubscribes and exits after SECONDS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <usbmuxd.h>

static void on_event(const usbmuxd_event_t *ev, void *user)
{
  const char *what = ev->event == UE_DEVICE_ADD ? "add"
                   : ev->event == UE_DEVICE_REMOVE ? "remove" : "paired";
  printf("%s %s %u\n", what, ev->device.udid, ev->device.handle);
  fflush(stdout);
}

int main(int argc, char **argv)
{
  int secs = argc > 1 ? atoi(argv[1]) : 5;
  usbmuxd_subscription_context_t ctx = NULL;
  if (usbmuxd_events_subscribe(&ctx, on_event, NULL) != 0) {
    fprintf(stderr, "subscribe failed\n");
    return 1;
  }
  printf("subscribed\n");
  fflush(stdout);
  for (int i = 0; i < secs * 10; i++)
    usleep(100000);
  usbmuxd_events_unsubscribe(ctx);
  printf("done\n");
  return 0;
}
