/* Firmware in the runtime: the bench's one download manager (two devices
 * asking for one build share one transfer, at most max_downloads at once),
 * the catalog of the product type a front end follows, and a listing of the
 * cache folder. Created on first use, torn down by app_close().
 *
 * Contract:
 * - Every function here runs on the loop thread and never blocks: the cached
 *   catalog is read from a loop timer, fresh catalogs and cache listings are
 *   read on the pool and come back through app_post_call().
 * - What a front end draws comes from firmware_catalog() and
 *   firmware_build_state(), which read memory only.
 * - The listener (one per runtime) hears "something changed, redraw", with a
 *   message for the technician when a device's download ended.
 * The blocking helpers for the command line are firmware_cache.h. */
#ifndef IBENCH_FIRMWARE_H
#define IBENCH_FIRMWARE_H
#include <stddef.h>

#include "app.h"
#include "catalog_parse.h"
#include "fw_cache_list.h"
#include "fwq.h"

/* The listener: message is NULL, or a line for the technician. */
typedef void (*firmware_listener)(void *ctx, const char *message);
void firmware_listen(struct app *a, firmware_listener fn, void *ctx);

/* Follows a product type ("" none): its cached catalog is shown as soon as
 * the loop gets to it, and a fresh copy is fetched when there is none or it
 * is stale. Cheap when the product has not changed; a draw may call it. */
void firmware_follow(struct app *a, const char *product);
/* Fetches a fresh catalog of the followed product type on the pool. */
void firmware_refresh(struct app *a);

/* The followed product type ("" none) and its catalog (NULL until loaded). */
const char *firmware_product(const struct app *a);
const struct catalog *firmware_catalog(const struct app *a);
/* Whether a catalog is being read or fetched, and why the last fetch failed. */
int firmware_fetching(const struct app *a);
const char *firmware_fetch_error(const struct app *a);

/* A build's state in a few words, from memory: "queued", "41% 1.2 MB/s",
 * "cached", "partial 40%", "-". */
void firmware_build_state(const struct app *a, const struct firmware *f, char *out, size_t n);
/* The most recently used complete IPSW in the cache for a product type
 * ("" none), from the runtime's listing of the cache (read once, in place,
 * when nothing has listed it yet). */
void firmware_newest_cached(struct app *a, const char *product, char *out, size_t n);

/* The complete IPSWs of a product type in the runtime's listing of the
 * cache (memory only; the listing is read again every few seconds while a
 * front end follows a product): up to max into out, how many. Offline these
 * are the builds a technician can still restore. */
int firmware_cached_builds(const struct app *a, const char *product, const struct fw_cache_entry **out, int max);
/* The path of the complete IPSW of product and build in that listing: 0, or
 * -1 when it is not there. */
int firmware_cached_path(const struct app *a, const char *product, const char *build, char *out, size_t n);

/* Fetches f into the cache for device d: its row shows the progress, and the
 * listener hears when it ends. 0, or -1 with err. */
int firmware_fetch_for(struct app *a, const struct device *d, const struct firmware *f, char *err, size_t n);

/* For `fw get`: a request through the same manager, told through done
 * (rc: enum download_rc) on the loop thread. The request id (> 0), or -1
 * with err. */
typedef void (*firmware_done_fn)(void *ctx, int request, int rc, const char *message, const char *path);
int firmware_get(struct app *a, const struct firmware *f, firmware_done_fn done, void *ctx, char *err, size_t n);
void firmware_cancel(struct app *a, int request);
/* A snapshot of the manager's jobs, and a queued job's place in line. */
int firmware_jobs(const struct app *a, struct fwq_job *out, int max);
int firmware_position(const struct app *a, int job);

/* The verb table's start for VERB_FETCH: arg is a version, a build or
 * "latest" (NULL: latest), picked from the device model's catalog. */
int firmware_verb_fetch(struct app *a, const struct device *d, const char *arg, char *err, size_t n);

#endif
