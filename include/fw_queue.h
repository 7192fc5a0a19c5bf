/* The download manager: every firmware request on the bench goes through one
 * queue, so two devices needing the same build share one download, and no
 * more than `max_downloads` (configuration) transfers run at once.
 *
 * Two layers:
 *   fwq_*       the bookkeeping, pure (core/fwq.c, fwq.h): jobs keyed by
 *               (product type, build), requests attached to jobs, the cap.
 *               Unit-tested in tests/unit/test_fw_queue.c.
 *   fw_queue_*  this manager on the event loop: starts transfers with
 *               download.c when the bookkeeping says so, feeds progress and
 *               results back into it, and tells each request's owner.
 *
 * Manager contract (for the console's firmware panel and for `fw get`):
 *   - Everything runs on the loop thread; no function here is thread-safe.
 *   - fw_queue_get() never calls back from inside itself: results (even "already
 *     in the cache" or "cannot start") arrive from the loop, later.
 *   - A request's done callback runs exactly once, unless fw_queue_cancel() was
 *     called for it first; after fw_queue_cancel() returns it never runs. The
 *     callback may call fw_queue_get() and fw_queue_cancel().
 *   - Cancelling the last request of a running transfer stops it (the partial
 *     file is kept for a later resume); other requests on it are untouched.
 *   - Progress is polled, not pushed: fw_queue_status()/fw_queue_jobs() read
 *     the current figures; the notify callback (if set) says "something
 *     changed, redraw" at most a few times a second per transfer, and once
 *     whenever transfers start (what is still QUEUED then waits its turn).
 *   - The queue copies the firmware record; the caller's may go away.
 *   - fw_queue_free() stops every transfer (partials kept) without callbacks. */
#ifndef IBENCH_FW_QUEUE_H
#define IBENCH_FW_QUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "download.h"
#include "fwq.h"
#include "loop.h"

/* ---- the manager (loop thread only) ---- */
struct fw_queue;

/* Called once per request when its job ends: rc is an enum download_rc,
 * message is for the technician, path is where the IPSW is (rc 0). */
typedef void (*fw_queue_done_cb)(void *ctx, int request, int rc, const char *message, const char *path);
typedef void (*fw_queue_notify_cb)(void *ctx);

/* The cap is c->max_downloads. The configuration is copied. */
struct fw_queue *fw_queue_new(struct loop *l, const struct config *c);
void fw_queue_free(struct fw_queue *q);
void fw_queue_set_notify(struct fw_queue *q, fw_queue_notify_cb changed, void *ctx);

/* Asks for one IPSW. Returns the request id (> 0), or -1 with err. */
int fw_queue_get(struct fw_queue *q, const struct firmware *f, fw_queue_done_cb done, void *ctx,
                 char *err, size_t errlen);
void fw_queue_cancel(struct fw_queue *q, int request);

struct fw_queue_status {
    int request, job;
    enum fwq_state state;
    int position;                  /* place in the queue when queued (1 = next) */
    int sharing;                   /* requests on the same job, this one included */
    struct firmware fw;
    struct download_progress p;    /* bytes, total, rate, ETA; p.waiting: another process */
};
/* 0, or -1 when the request is unknown (finished and told, or cancelled). */
int fw_queue_status(const struct fw_queue *q, int request, struct fw_queue_status *out);
/* A snapshot of every job (queued, active, done-but-not-yet-told), for a panel. */
int fw_queue_jobs(const struct fw_queue *q, struct fwq_job *out, int max);
const struct fwq *fw_queue_book(const struct fw_queue *q);

#endif
