/* A download's writer: a ring of large buffers that the loop thread fills
 * with what curl receives, and one thread per download that empties it: one
 * write(2) per buffer, SHA-1 (and SHA-256) over the same bytes, write-behind
 * so the final fsync is short. Before a resume the thread re-hashes the
 * partial file, off the loop. It talks back through an eventfd the loop
 * watches: a slot freed (when asked), a failure, the re-hash done, finished.
 *
 * Contract (download.c is the one user):
 * - init, then alloc and eventfd, then start; stop, then done, in that order
 *   (done is safe after a failed init or a start that never happened).
 * - take/fill_buf/submit/finish run on the loop thread only; a slot taken
 *   is filled and submitted before the next take.
 * - After a failure the writer drops what is left, so the file stays a clean
 *   prefix of the download. */
#ifndef IBENCH_DL_WRITER_H
#define IBENCH_DL_WRITER_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define DL_RING_SLOTS 8
#define DL_SLOT_SIZE (1u << 20)   /* > CURLOPT_BUFFERSIZE: a chunk always fits an empty slot */

struct dl_slot {
    unsigned char *buf;
    size_t len;
    int reset;                    /* truncate the file and restart the hashes first */
};

/* Shared between the loop thread and the writer; guarded by mu. Private to
 * dl_writer.c: download.c embeds it but reads it only through the functions. */
struct dl_writer {
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct dl_slot slots[DL_RING_SLOTS];
    uint64_t submitted, consumed;  /* slots handed over / written; slot i = n % DL_RING_SLOTS */
    int want_space;                /* the loop paused the transfer: say when a slot frees */
    int finish_req, quit;
    int hashed, finished;          /* the partial is re-hashed; all written, fsynced, digests ready */
    int err;                       /* errno of a failed write, read or fsync; 0 = none */
    char why[256];
    int64_t resume_len;            /* bytes of the partial to re-hash first */
    int evfd;
    /* writer-only state */
    int fd, want_sha256;
    int64_t off, synced;
    struct evp_md_ctx_st *sha1, *sha256;
    char h1[41], h256[65];
};

/* What the writer has to say, read by the loop when the eventfd fires. */
struct dl_writer_state {
    int hashed;                    /* the partial is re-hashed: the transfer may start */
    int finished;                  /* everything is written, fsynced and hashed */
    int err;                       /* errno of a failure, 0 none */
    int room;                      /* a slot is free */
};

/* Locks and hash contexts. -1 when hashing cannot start. */
int dl_writer_init(struct dl_writer *w);
/* The ring's buffers for writing fd (hashing SHA-256 too when asked), the
 * first resume_len bytes of which are re-hashed first. -1 when out of memory. */
int dl_writer_alloc(struct dl_writer *w, int fd, int want_sha256, int64_t resume_len);
/* The eventfd the loop watches, or -1 (errno). */
int dl_writer_eventfd(struct dl_writer *w);
/* Starts the thread. -1 when it cannot. */
int dl_writer_start(struct dl_writer *w);

/* Takes the next free slot for filling (reset: it starts the file over); 0
 * when the ring is full (the writer then says when one frees). */
int dl_writer_take(struct dl_writer *w, int reset);
/* The buffer of the slot taken. */
unsigned char *dl_writer_fill_buf(struct dl_writer *w);
/* Hands the slot taken, len bytes of it, to the writer. */
void dl_writer_submit(struct dl_writer *w, size_t len);
/* Asks for the end: write the rest, fsync, finish the digests. */
void dl_writer_finish(struct dl_writer *w);
/* Empties the eventfd and reads the state. */
void dl_writer_poll(struct dl_writer *w, struct dl_writer_state *st);
/* errno of a failure (0 none), and its words in why (may be NULL). */
int dl_writer_error(struct dl_writer *w, char *why, size_t n);
/* The digests, once finished ("" for SHA-256 unless asked). */
const char *dl_writer_sha1(const struct dl_writer *w);
const char *dl_writer_sha256(const struct dl_writer *w);

/* Writes what was submitted, then stops and joins the thread. */
void dl_writer_stop(struct dl_writer *w);
/* Frees the buffers, the eventfd, the locks and the hash contexts. */
void dl_writer_done(struct dl_writer *w);

#endif
