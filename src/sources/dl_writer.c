/* A download's writer thread and its ring of buffers (see dl_writer.h):
 * the disk and the hashes, never the network. */
#include "dl_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sanitize.h"

#define WRITEBACK_STEP (32 << 20) /* write-behind step */

static int reset_hashes(struct dl_writer *w)
{
    return EVP_DigestInit_ex(w->sha1, EVP_sha1(), NULL) == 1 && EVP_DigestInit_ex(w->sha256, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

static void notify(struct dl_writer *w)
{
    uint64_t one = 1;
    ssize_t r = write(w->evfd, &one, sizeof one); /* a full counter still wakes the loop */
    (void)r;
}

static void fail(struct dl_writer *w, int e, const char *what)
{
    pthread_mutex_lock(&w->mu);
    if (!w->err) {
        w->err = e ? e : EIO;
        snprintf(w->why, sizeof w->why, "%s: %s", what, strerror(w->err));
    }
    pthread_mutex_unlock(&w->mu);
}

static int rehash_partial(struct dl_writer *w)
{
    unsigned char *buf = w->slots[0].buf; /* the ring is idle until this is done */
    int64_t left = w->resume_len, at = 0;
    while (left > 0) {
        ssize_t n = pread(w->fd, buf, left < (int64_t)DL_SLOT_SIZE ? (size_t)left : DL_SLOT_SIZE, at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { fail(w, n < 0 ? errno : EIO, "cannot read the partial file"); return -1; }
        EVP_DigestUpdate(w->sha1, buf, (size_t)n);
        if (w->want_sha256) EVP_DigestUpdate(w->sha256, buf, (size_t)n);
        at += n;
        left -= n;
    }
    w->off = w->synced = at;
    return 0;
}

static void write_slot(struct dl_writer *w, struct dl_slot *s)
{
    if (s->reset) {
        if (ftruncate(w->fd, 0) < 0 || reset_hashes(w) < 0) { fail(w, errno, "cannot start the download over"); return; }
        w->off = w->synced = 0;
    }
    for (size_t done = 0; done < s->len;) {
        ssize_t n = pwrite(w->fd, s->buf + done, s->len - done, w->off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            fail(w, errno, errno == ENOSPC || errno == EDQUOT ? "disk full while writing the download" : "cannot write the download");
            return;
        }
        done += (size_t)n;
        w->off += n;
    }
    EVP_DigestUpdate(w->sha1, s->buf, s->len);
    if (w->want_sha256) EVP_DigestUpdate(w->sha256, s->buf, s->len);
    if (w->off - w->synced >= WRITEBACK_STEP) {
        /* Write-behind: start write-back of the newest step, wait for the one
         * two steps back. Dirty pages stay bounded, the disk works while the
         * network does, and the fsync before the rename has little left. */
        sync_file_range(w->fd, w->synced, w->off - w->synced, SYNC_FILE_RANGE_WRITE);
        if (w->synced >= 2 * WRITEBACK_STEP)
            sync_file_range(w->fd, w->synced - 2 * WRITEBACK_STEP, WRITEBACK_STEP,
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        w->synced = w->off;
    }
}

static void *writer_main(void *arg)
{
    struct dl_writer *w = arg;
    int ok = w->resume_len <= 0 || rehash_partial(w) == 0;
    pthread_mutex_lock(&w->mu);
    w->hashed = ok;
    pthread_mutex_unlock(&w->mu);
    notify(w);
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->consumed == w->submitted && !(w->finish_req && !w->finished) && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->consumed < w->submitted) {
            struct dl_slot *s = &w->slots[w->consumed % DL_RING_SLOTS];
            int skip = w->err != 0; /* after a failure the rest is dropped: the file stays a clean prefix */
            pthread_mutex_unlock(&w->mu);
            if (!skip) write_slot(w, s);
            pthread_mutex_lock(&w->mu);
            w->consumed++;
            int wake = w->want_space || w->err;
            w->want_space = 0;
            pthread_mutex_unlock(&w->mu);
            if (wake) notify(w);
            continue;
        }
        if (w->finish_req && !w->finished) {
            int failed = w->err != 0;
            pthread_mutex_unlock(&w->mu);
            unsigned char md[EVP_MAX_MD_SIZE];
            unsigned len;
            if (!failed && fsync(w->fd) < 0) fail(w, errno, errno == ENOSPC ? "disk full while writing the download" : "cannot write the download");
            EVP_DigestFinal_ex(w->sha1, md, &len);
            hex_encode(w->h1, sizeof w->h1, md, len);
            EVP_DigestFinal_ex(w->sha256, md, &len);
            hex_encode(w->h256, sizeof w->h256, md, len);
            pthread_mutex_lock(&w->mu);
            w->finished = 1;
            pthread_mutex_unlock(&w->mu);
            notify(w);
            continue;
        }
        pthread_mutex_unlock(&w->mu); /* quit, and nothing left to write */
        break;
    }
    return NULL;
}

int dl_writer_init(struct dl_writer *w)
{
    memset(w, 0, sizeof *w);
    w->evfd = w->fd = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->sha1 = EVP_MD_CTX_new();
    w->sha256 = EVP_MD_CTX_new();
    return w->sha1 && w->sha256 && reset_hashes(w) == 0 ? 0 : -1;
}

int dl_writer_alloc(struct dl_writer *w, int fd, int want_sha256, int64_t resume_len)
{
    for (int i = 0; i < DL_RING_SLOTS; i++)
        if (!(w->slots[i].buf = malloc(DL_SLOT_SIZE))) return -1;
    w->fd = fd;
    w->want_sha256 = want_sha256;
    w->resume_len = resume_len;
    return 0;
}

int dl_writer_eventfd(struct dl_writer *w)
{
    w->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return w->evfd;
}

int dl_writer_start(struct dl_writer *w)
{
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) return -1;
    w->started = 1;
    return 0;
}

int dl_writer_take(struct dl_writer *w, int reset)
{
    pthread_mutex_lock(&w->mu);
    int room = w->submitted - w->consumed < DL_RING_SLOTS;
    if (room) {
        struct dl_slot *s = &w->slots[w->submitted % DL_RING_SLOTS];
        s->len = 0;
        s->reset = reset;
    } else {
        w->want_space = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return room;
}

unsigned char *dl_writer_fill_buf(struct dl_writer *w)
{
    return w->slots[w->submitted % DL_RING_SLOTS].buf; /* only the loop moves submitted */
}

void dl_writer_submit(struct dl_writer *w, size_t len)
{
    pthread_mutex_lock(&w->mu);
    w->slots[w->submitted % DL_RING_SLOTS].len = len;
    w->submitted++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void dl_writer_finish(struct dl_writer *w)
{
    pthread_mutex_lock(&w->mu);
    w->finish_req = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void dl_writer_poll(struct dl_writer *w, struct dl_writer_state *st)
{
    uint64_t v;
    ssize_t r = read(w->evfd, &v, sizeof v);
    (void)r;
    pthread_mutex_lock(&w->mu);
    st->hashed = w->hashed;
    st->finished = w->finished;
    st->err = w->err;
    st->room = w->submitted - w->consumed < DL_RING_SLOTS;
    pthread_mutex_unlock(&w->mu);
}

int dl_writer_error(struct dl_writer *w, char *why, size_t n)
{
    pthread_mutex_lock(&w->mu);
    int e = w->err;
    if (why) snprintf(why, n, "%s", w->why);
    pthread_mutex_unlock(&w->mu);
    return e;
}

const char *dl_writer_sha1(const struct dl_writer *w) { return w->h1; }
const char *dl_writer_sha256(const struct dl_writer *w) { return w->h256; }

void dl_writer_stop(struct dl_writer *w)
{
    if (!w->started) return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->started = 0;
}

void dl_writer_done(struct dl_writer *w)
{
    if (w->evfd >= 0) close(w->evfd);
    w->evfd = -1;
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    for (int i = 0; i < DL_RING_SLOTS; i++) free(w->slots[i].buf);
    EVP_MD_CTX_free(w->sha1);
    EVP_MD_CTX_free(w->sha256);
}
