/* usbmuxd device source: Normal- and Restore-mode devices. libusbmuxd delivers
 * events on its own thread; that thread only posts bench events. Identity comes
 * from lockdownd's unpaired values (or restored's HardwareInfo), read on a
 * short-lived worker thread per device so the loop never blocks. */
#ifndef IBENCH_MUX_SOURCE_H
#define IBENCH_MUX_SOURCE_H

struct sink;
struct mux_source;

struct mux_source *mux_source_start(const struct sink *sk, char *err, unsigned long errlen);
/* Stops delivering events (no new identifications); mux_source_free() after
 * the pool has been joined, since identification tasks use the source. */
void mux_source_stop(struct mux_source *m);
void mux_source_free(struct mux_source *m);
int mux_source_busy(const struct mux_source *m);

#endif
