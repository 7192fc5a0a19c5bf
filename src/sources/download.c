/* One firmware download on the loop (curl multi-socket: curl tells us which
 * sockets to watch and when to time out; we tell it what became ready).
 *
 * The loop thread only receives: it copies each chunk from curl into the
 * ring of its writer (dl_writer.c: the thread that writes, hashes and
 * fsyncs). When the ring is full the transfer pauses (CURL_WRITEFUNC_PAUSE)
 * until the writer frees a buffer, so memory stays DL_RING_SLOTS *
 * DL_SLOT_SIZE whatever the file size. Here: the HTTP transfer, the lock
 * shared with other ibench processes, and the verdict (size, checksums,
 * rename into the cache). */
#include "download.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl_writer.h"
#include "fsutil.h"
#include "fw_cache.h"
#include "http_answer.h"

#define RECV_BUFFER (512L * 1024)
#define FLUSH_AFTER_MS 200        /* a partly filled slot goes to the writer after this long */

struct download {
    struct loop *loop;
    CURLM *multi;
    CURL *easy;
    struct loop_timer *timer, *wait;
    struct loop_watch *ev_watch;
    struct firmware fw;
    char final[PATH_MAX], part[PATH_MAX + 8];
    int fd, lockfd;
    struct dl_writer w;
    int filling;                   /* the slot at w.submitted is being filled */
    size_t fill_len;
    int64_t fill_since_ms;         /* a slow link still reaches the disk often (kill -9 loses little) */
    int pending_reset;             /* the next slot starts the file over */
    int paused, added, draining;
    CURLcode curl_rc;
    long status;
    int resumed;
    int64_t asked_from;            /* the Range sent: bytes from here (0: none) */
    struct http_answer answer;     /* the final answer's status and headers */
    int decided;                   /* action holds the verdict on the answer */
    enum http_action action;
    char why[256];                 /* what was wrong with the answer */
    int too_long;                  /* the body went past the catalog's size */
    long low_bps, low_s;           /* the configured low-speed limit */
    char errbuf[CURL_ERROR_SIZE];
    struct download_progress p;
    int64_t last_report_ms, rate_t0_ms, rate_b0;
    download_progress_cb progress;
    download_done_cb done;
    void *ctx;
};

static void finish(struct download *d, int rc, const char *msg);

/* Hands the slot being filled to the writer. */
static void submit_fill(struct download *d)
{
    if (!d->filling) return;
    dl_writer_submit(&d->w, d->fill_len);
    d->filling = 0;
    d->fill_len = 0;
}

/* Takes the next free slot for filling; 0 when the ring is full (then the
 * writer is asked to say when one frees). */
static int take_slot(struct download *d)
{
    int room = dl_writer_take(&d->w, d->pending_reset);
    if (room) { d->pending_reset = 0; d->filling = 1; d->fill_len = 0; d->fill_since_ms = now_ms(); }
    return room;
}

/* ---- the loop side ---- */

static void report(struct download *d)
{
    int64_t now = now_ms();
    if (now - d->last_report_ms < 250) return;
    if (now - d->rate_t0_ms >= 1000) {
        double r = (double)(d->p.done - d->rate_b0) * 1000.0 / (double)(now - d->rate_t0_ms);
        d->p.rate = d->p.rate > 0 ? 0.7 * d->p.rate + 0.3 * r : r;
        d->rate_t0_ms = now;
        d->rate_b0 = d->p.done;
    }
    d->p.eta_s = d->p.rate > 0 ? (int64_t)((double)(d->p.total - d->p.done) / d->p.rate) : -1;
    d->last_report_ms = now;
    if (d->progress) d->progress(d->ctx, &d->p);
}

/* Keeps the Content-Range of the answer being received (a redirect starts a new one). */
static size_t on_header(char *b, size_t sz, size_t nm, void *ud)
{
    struct download *d = ud;
    enum http_header h = http_header_read(b, sz * nm, &d->answer.range);
    if (h != HTTP_HDR_OTHER) d->answer.has_range = h == HTTP_HDR_RANGE;
    return sz * nm;
}

/* The verdict on the final answer, once its headers are in (http_answer.c). */
static void decide(struct download *d)
{
    if (d->decided) return;
    curl_off_t len = -1;
    curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &d->status);
    curl_easy_getinfo(d->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
    d->answer.status = d->status;
    d->answer.length = len;
    d->action = http_answer_decide(&d->answer, d->asked_from, d->fw.size, d->why, sizeof d->why);
    d->decided = 1;
    if (d->action == HTTP_START_OVER && d->asked_from > 0) {
        /* The server ignored Range and sends the whole file: start over. */
        d->pending_reset = 1;
        d->resumed = d->p.resumed = 0;
        d->p.done = 0;
        d->rate_b0 = 0;
    }
}

static size_t on_write(char *ptr, size_t sz, size_t nm, void *ud)
{
    struct download *d = ud;
    size_t n = sz * nm;
    decide(d);
    if (d->action != HTTP_APPEND && d->action != HTTP_START_OVER) return 0; /* complete() says why */
    if (d->p.done + (int64_t)n > d->fw.size) {
        /* A server that never stops would fill the disk: the catalog's size is the limit. */
        d->too_long = 1;
        return 0;
    }
    if (dl_writer_error(&d->w, NULL, 0)) return 0; /* curl ends the transfer; check_done says why */
    if (n > DL_SLOT_SIZE) return 0;            /* cannot happen with our receive buffer */
    if (d->filling && d->fill_len + n > DL_SLOT_SIZE) submit_fill(d);
    if (!d->filling && !take_slot(d)) {
        d->paused = 1;
        return CURL_WRITEFUNC_PAUSE;           /* nothing taken; curl offers it again */
    }
    memcpy(dl_writer_fill_buf(&d->w) + d->fill_len, ptr, n);
    d->fill_len += n;
    if (d->fill_len == DL_SLOT_SIZE || now_ms() - d->fill_since_ms >= FLUSH_AFTER_MS) submit_fill(d);
    d->p.done += (int64_t)n;
    report(d);
    return n;
}

static int verify(struct download *d, char *msg, size_t n)
{
    struct stat st;
    const char *h1 = dl_writer_sha1(&d->w), *h256 = dl_writer_sha256(&d->w);
    if (fstat(d->fd, &st) < 0 || st.st_size != d->fw.size) {
        snprintf(msg, n, "size mismatch: got %lld bytes, the catalog says %lld; the partial file was deleted",
                 (long long)st.st_size, (long long)d->fw.size);
        return DOWNLOAD_ERR_INTEGRITY;
    }
    if ((d->fw.sha1[0] && strcasecmp(h1, d->fw.sha1) != 0) || (d->fw.sha256[0] && strcasecmp(h256, d->fw.sha256) != 0)) {
        snprintf(msg, n, "checksum mismatch (SHA-1 %s, expected %s): the download was corrupt and was deleted", h1,
                 d->fw.sha1[0] ? d->fw.sha1 : d->fw.sha256);
        return DOWNLOAD_ERR_INTEGRITY;
    }
    /* The record first: a file in the cache always says how it was checked.
     * Only the catalog's sums are recorded as such; without one, the SHA-1
     * computed here is kept under a name that says so (fw_cache.h). */
    int by_sum = d->fw.sha1[0] || d->fw.sha256[0];
    fw_cache_record(d->final, d->fw.sha1[0] ? h1 : "", d->fw.sha256[0] ? h256 : "", by_sum ? "" : h1);
    if (rename(d->part, d->final) < 0) {
        snprintf(msg, n, "cannot move the download into the cache: %s", strerror(errno));
        return DOWNLOAD_ERR_DISK;
    }
    if (d->fw.sha1[0]) snprintf(msg, n, "verified (SHA-1 %s%s) and cached", h1, d->fw.sha256[0] ? ", SHA-256" : "");
    else if (d->fw.sha256[0]) snprintf(msg, n, "verified (SHA-256 %s) and cached", h256);
    else snprintf(msg, n, "cached, but only its size was checked: the catalog has no checksum for this build");
    return 0;
}

/* Whether the request went out on a connection (new or reused): a timeout
 * after that is the low-speed limit, not the connect timeout. */
static int connected(CURL *h)
{
    curl_off_t t = 0;
    return curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &t) == CURLE_OK && t > 0;
}

/* A message a technician can act on, for the transport failures that matter. */
static void describe_curl_error(struct download *d, CURLcode rc, char *msg, size_t n)
{
    const char *detail = d->errbuf[0] ? d->errbuf : curl_easy_strerror(rc);
    const char *keep = d->p.done > 0 ? "the partial file is kept and resumes next time" : "nothing was cached";
    switch (rc) {
    case CURLE_TOO_MANY_REDIRECTS:
        snprintf(msg, n, "redirect loop: the server redirected more than 5 times for %s; %s", d->fw.url, keep);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
        snprintf(msg, n, "TLS certificate verification failed for %s (%s); ibench never downloads without a verified certificate; %s",
                 d->fw.url, detail, keep);
        break;
    case CURLE_SSL_CONNECT_ERROR: case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE:
        snprintf(msg, n, "TLS error talking to the server of %s: %s; %s", d->fw.url, detail, keep);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (connected(d->easy)) {
            snprintf(msg, n, "the server of %s sent less than %ld bytes/s for %ld s (low_speed_limit, low_speed_seconds); %s",
                     d->fw.url, d->low_bps, d->low_s, keep);
            break;
        }
        snprintf(msg, n, "cannot reach the server of %s: %s; %s", d->fw.url, detail, keep);
        break;
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_RESOLVE_PROXY: case CURLE_COULDNT_CONNECT:
        snprintf(msg, n, "cannot reach the server of %s: %s; %s", d->fw.url, detail, keep);
        break;
    default:
        snprintf(msg, n, "download interrupted: %s; %s", detail, keep);
    }
}

/* The writer has written and fsynced everything received: settle the outcome. */
static void complete(struct download *d)
{
    char msg[768], why[256];
    if (dl_writer_error(&d->w, why, sizeof why)) {
        snprintf(msg, sizeof msg, "%s; %s", why,
                 d->p.done > 0 ? "the partial file is kept and resumes when there is room" : "nothing was cached");
        finish(d, DOWNLOAD_ERR_DISK, msg);
        return;
    }
    const char *keep = d->p.done > 0 ? "the partial file is kept and resumes next time" : "nothing was cached";
    int v;
    if (d->too_long) {
        snprintf(msg, sizeof msg, "the server sent more than the catalog's %lld bytes for %s; stopped there and deleted the partial file",
                 (long long)d->fw.size, d->fw.url);
        v = DOWNLOAD_ERR_INTEGRITY;
    } else if (d->decided && d->action == HTTP_WRONG_SIZE) {
        snprintf(msg, sizeof msg, "size mismatch: %s (%s); the partial file was deleted", d->why, d->fw.url);
        v = DOWNLOAD_ERR_INTEGRITY;
    } else if (d->decided && d->action == HTTP_REFUSE) {
        if (d->status >= 400) snprintf(msg, sizeof msg, "%s for %s; %s", d->why, d->fw.url, keep);
        else snprintf(msg, sizeof msg, "unusable answer from the server of %s: %s; %s", d->fw.url, d->why, keep);
        finish(d, DOWNLOAD_ERR_NETWORK, msg);
        return;
    } else if (d->curl_rc != CURLE_OK && !(d->decided && d->action == HTTP_COMPLETE)) {
        describe_curl_error(d, d->curl_rc, msg, sizeof msg);
        finish(d, DOWNLOAD_ERR_NETWORK, msg);
        return;
    } else {
        v = verify(d, msg, sizeof msg);
    }
    if (v == DOWNLOAD_ERR_INTEGRITY) fsutil_unlink_same(d->part, d->fd);
    finish(d, v, msg);
}

/* curl is done (or gave up): let the writer flush, then complete(). */
static void drain(struct download *d)
{
    d->draining = 1;
    submit_fill(d);
    dl_writer_finish(&d->w);
}

static void check_done(struct download *d)
{
    CURLMsg *m;
    int left;
    while (!d->draining && (m = curl_multi_info_read(d->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        d->curl_rc = m->data.result;
        curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &d->status);
        if (d->curl_rc == CURLE_OK) decide(d); /* an answer without a body (416, 404) */
        drain(d);
    }
}

static void on_fd(void *ctx, int fd, short re)
{
    struct download *d = ctx;
    int running, flags = (re & POLLIN ? CURL_CSELECT_IN : 0) | (re & POLLOUT ? CURL_CSELECT_OUT : 0) |
                         (re & (POLLERR | POLLHUP) ? CURL_CSELECT_ERR : 0);
    curl_multi_socket_action(d->multi, fd, flags, &running);
    check_done(d);
}

static void on_timer(void *ctx)
{
    struct download *d = ctx;
    int running;
    curl_multi_socket_action(d->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(d);
}

/* The writer freed a slot, finished, failed, or re-hashed the partial. */
static void on_writer(void *ctx, int fd, short re)
{
    struct download *d = ctx;
    struct dl_writer_state st;
    dl_writer_poll(&d->w, &st);
    if (st.finished && d->draining) { complete(d); return; }
    if (!d->added) {
        if (st.err) { drain(d); return; }        /* the partial could not be read */
        if (st.hashed && d->decided && d->action == HTTP_COMPLETE) drain(d); /* nothing to fetch: verify it */
        else if (st.hashed) {
            d->added = 1;
            curl_multi_add_handle(d->multi, d->easy);
        }
        return;
    }
    if (d->paused && (st.room || st.err)) {
        d->paused = 0;
        curl_easy_pause(d->easy, CURLPAUSE_CONT); /* on error the write callback refuses and curl ends */
        check_done(d);
    }
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct download *d = userp;
    struct loop_watch *w = socketp;
    if (what == CURL_POLL_REMOVE) {
        loop_watch_remove(w);
        curl_multi_assign(d->multi, s, NULL);
        return 0;
    }
    short ev = (what & CURL_POLL_IN ? POLLIN : 0) | (what & CURL_POLL_OUT ? POLLOUT : 0);
    if (w) loop_watch_set_events(w, ev);
    else curl_multi_assign(d->multi, s, loop_watch_fd(d->loop, s, ev, on_fd, d));
    return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
    struct download *d = userp;
    if (timeout_ms < 0) loop_timer_disarm(d->timer);
    else loop_timer_arm(d->timer, timeout_ms);
    return 0;
}

static void release(struct download *d)
{
    if (d->easy) {
        if (d->added) curl_multi_remove_handle(d->multi, d->easy);
        curl_easy_cleanup(d->easy);
    }
    if (d->multi) curl_multi_cleanup(d->multi);
    /* What was received is written before the writer stops: the partial stays a clean prefix. */
    submit_fill(d);
    dl_writer_stop(&d->w);
    if (d->ev_watch) loop_watch_remove(d->ev_watch);
    dl_writer_done(&d->w);
    if (d->timer) loop_timer_free(d->timer);
    if (d->wait) loop_timer_free(d->wait);
    if (d->fd >= 0) {
        struct stat st;
        /* An empty partial (an HTTP error before any byte) is not worth keeping. */
        if (fstat(d->fd, &st) == 0 && st.st_size == 0 && d->lockfd >= 0) fsutil_unlink_same(d->part, d->fd);
        close(d->fd);
    }
    fw_cache_unlock(d->lockfd, d->final, true);
    free(d);
}

static void finish(struct download *d, int rc, const char *msg)
{
    download_done_cb done = d->done;
    void *ctx = d->ctx;
    char path[PATH_MAX], m[768];
    snprintf(path, sizeof path, "%s", d->final);
    snprintf(m, sizeof m, "%s", msg);
    release(d);
    if (done) done(ctx, rc, m, path);
}

void download_cancel(struct download *d)
{
    if (d) finish(d, DOWNLOAD_ERR_CANCELLED, d->lockfd >= 0 && d->p.done > 0 ? "cancelled; the partial file is kept and resumes next time"
                                                                           : "cancelled");
}

/* With the lock held: open (or resume) the partial, start the writer and the transfer. */
static int begin(struct download *d, char *err, size_t errlen)
{
    const struct firmware *f = &d->fw;
    /* Never through a link or into a hard-linked file planted in a shared cache. */
    d->fd = fsutil_open_regular(d->part, O_RDWR | O_CREAT, 0644);
    struct stat st;
    if (d->fd < 0 || fstat(d->fd, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s the partial file %s: %s", e == ELOOP || e == EMLINK ? "refusing" : "cannot open", d->part,
                 fsutil_strerror(e));
        return DOWNLOAD_ERR_DISK;
    }
    if (st.st_size > f->size) {
        if (ftruncate(d->fd, 0) < 0) { snprintf(err, errlen, "cannot truncate %s: %s", d->part, strerror(errno)); return DOWNLOAD_ERR_DISK; }
        st.st_size = 0;
    }
    if (st.st_size > 0) {
        d->resumed = d->p.resumed = 1;
        d->p.done = d->asked_from = st.st_size;
    }
    if (st.st_size == f->size) {
        /* Every byte is there (a crash after the last write, before the rename). */
        d->decided = 1;
        d->action = HTTP_COMPLETE;
    }
    d->p.waiting = 0;
    /* SHA-256 only when there is one to compare. */
    if (dl_writer_alloc(&d->w, d->fd, f->sha256[0] != 0, st.st_size) < 0) { snprintf(err, errlen, "out of memory"); return DOWNLOAD_ERR_DISK; }
    int evfd = dl_writer_eventfd(&d->w);
    if (evfd < 0 || !(d->ev_watch = loop_watch_fd(d->loop, evfd, POLLIN, on_writer, d))) {
        snprintf(err, errlen, "cannot start the writer: %s", strerror(errno));
        return DOWNLOAD_ERR_DISK;
    }
    d->multi = curl_multi_init();
    d->easy = curl_easy_init();
    d->timer = loop_timer_new(d->loop, on_timer, d);
    if (!d->multi || !d->easy || !d->timer) { snprintf(err, errlen, "cannot start HTTP"); return DOWNLOAD_ERR_NETWORK; }
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d);
    curl_easy_setopt(d->easy, CURLOPT_URL, f->url);
    curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(d->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(d->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(d->easy, CURLOPT_WRITEDATA, d);
    curl_easy_setopt(d->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(d->easy, CURLOPT_HEADERDATA, d);
    curl_easy_setopt(d->easy, CURLOPT_ERRORBUFFER, d->errbuf);
    curl_easy_setopt(d->easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(d->easy, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(d->easy, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(d->easy, CURLOPT_LOW_SPEED_LIMIT, d->low_bps);
    curl_easy_setopt(d->easy, CURLOPT_LOW_SPEED_TIME, d->low_s);
    curl_easy_setopt(d->easy, CURLOPT_USERAGENT, "ibench/" IBENCH_VERSION);
    curl_easy_setopt(d->easy, CURLOPT_BUFFERSIZE, RECV_BUFFER);
    if (d->asked_from > 0) {
        /* Range by hand, not CURLOPT_RESUME_FROM: curl itself refuses a 200
         * to that, and a 200 means start over; http_answer.c decides. */
        char range[32];
        snprintf(range, sizeof range, "%lld-", (long long)d->asked_from);
        curl_easy_setopt(d->easy, CURLOPT_RANGE, range);
    }
    d->rate_t0_ms = d->last_report_ms = now_ms();
    d->rate_b0 = d->p.done;
    if (dl_writer_start(&d->w) < 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        return DOWNLOAD_ERR_DISK;
    }
    /* The transfer is added once the writer has re-hashed the partial (on_writer). */
    return 0;
}

/* Another process holds the lock: watch its partial, retry every half second. */
static void on_wait(void *ctx)
{
    struct download *d = ctx;
    char err[512];
    if (d->lockfd < 0) {
        int fd = fw_cache_lock(d->final, true, err, sizeof err);
        if (fd == FW_CACHE_BUSY) {
            struct stat st;
            d->p.waiting = 1;
            d->p.done = stat(d->part, &st) == 0 ? st.st_size : 0;
            d->p.rate = 0;
            d->p.eta_s = -1;
            if (d->progress) d->progress(d->ctx, &d->p);
            loop_timer_arm(d->wait, 500);
            return;
        }
        if (fd < 0) { finish(d, DOWNLOAD_ERR_DISK, err); return; }
        d->lockfd = fd;
    }
    if (access(d->final, F_OK) == 0) {
        fw_cache_touch(d->final);
        finish(d, DOWNLOAD_OK, "in the cache (downloaded by another ibench process)");
        return;
    }
    int rc = begin(d, err, sizeof err);
    if (rc < 0) finish(d, rc, err);
}

struct download *download_start(struct loop *l, const struct config *c, const struct firmware *f,
                                download_progress_cb progress, download_done_cb done, void *ctx,
                                int *rc_out, char *err, size_t errlen)
{
    int dummy;
    if (!rc_out) rc_out = &dummy;
    *rc_out = DOWNLOAD_ERR_DISK; /* every early failure below is about this machine */
    struct download *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, "out of memory"); return NULL; }
    d->loop = l;
    d->fw = *f;
    d->fd = d->lockfd = -1;
    d->low_bps = c->low_speed_bps;
    d->low_s = c->low_speed_s;
    int hashing = dl_writer_init(&d->w);
    d->progress = progress;
    d->done = done;
    d->ctx = ctx;
    d->p.total = f->size;
    d->p.eta_s = -1;
    catalog_cache_path(c, f, d->final, sizeof d->final);
    snprintf(d->part, sizeof d->part, "%s.part", d->final);
    if (mkdir(c->cache_dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the cache folder %s: %s", c->cache_dir, strerror(errno));
        release(d);
        return NULL;
    }
    if (hashing < 0) { snprintf(err, errlen, "cannot start hashing"); release(d); return NULL; }
    char lerr[PATH_MAX + 100];
    int fd = fw_cache_lock(d->final, true, lerr, sizeof lerr);
    if (fd == FW_CACHE_ERR) {
        if (errno == ELOOP || errno == EMLINK) snprintf(err, errlen, "%s", lerr);
        else snprintf(err, errlen, "the cache folder %s is not writable (%s)", c->cache_dir, lerr);
        release(d);
        return NULL;
    }
    d->lockfd = fd; /* FW_CACHE_BUSY (< 0) leaves it unlocked: wait */
    if (fd < 0 || access(d->final, F_OK) == 0) {
        /* Busy, or already there: say so from the loop, never from inside this call. */
        d->wait = loop_timer_new(l, on_wait, d);
        if (!d->wait) { snprintf(err, errlen, "out of memory"); release(d); return NULL; }
        loop_timer_arm(d->wait, 0);
        return d;
    }
    int rc = begin(d, err, errlen);
    if (rc < 0) { *rc_out = rc; release(d); return NULL; }
    *rc_out = DOWNLOAD_OK;
    return d;
}
