/* The download manager: the bookkeeping (shared jobs, the cap, first come
 * first served, cancellation) and the manager's promises that need no network
 * (results arrive from the loop, never from inside fw_queue_get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw_queue.h"
#include "tap.h"

static struct fwq Q;

static struct firmware fw(const char *product, const char *build)
{
    struct firmware f;
    memset(&f, 0, sizeof f);
    snprintf(f.identifier, sizeof f.identifier, "%s", product);
    snprintf(f.version, sizeof f.version, "17.0");
    snprintf(f.build, sizeof f.build, "%s", build);
    snprintf(f.url, sizeof f.url, "http://127.0.0.1:9/%s.ipsw", build);
    f.size = 1000;
    return f;
}

TEST(same_build_shares_one_job)
{
    fwq_init(&Q, 2);
    struct firmware a = fw("iPhone10,3", "20H350"), b = fw("iPhone10,3", "20H343"), c = fw("iPhone10,6", "20H350");
    int j1, j2, j3, j4;
    bool shared;
    int r1 = fwq_add(&Q, &a, &j1, &shared);
    CHECK(r1 > 0 && !shared);
    int r2 = fwq_add(&Q, &a, &j2, &shared);
    CHECK(r2 > 0 && r2 != r1 && shared && j2 == j1);
    fwq_add(&Q, &b, &j3, &shared);
    CHECK(!shared && j3 != j1);
    fwq_add(&Q, &c, &j4, &shared); /* same build, other product: another file */
    CHECK(!shared && j4 != j1 && j4 != j3);
    CHECK_INT(fwq_job(&Q, j1)->requests, 2);
    CHECK(fwq_job_of(&Q, r2) == fwq_job(&Q, j1));
    int ids[4];
    CHECK_INT(fwq_requests_of(&Q, j1, ids, 4), 2);
    CHECK(ids[0] == r1 && ids[1] == r2);
}

TEST(cap_and_order)
{
    fwq_init(&Q, 2);
    struct firmware f[4] = {fw("P", "A"), fw("P", "B"), fw("P", "C"), fw("P", "D")};
    int j[4];
    for (int i = 0; i < 4; i++) fwq_add(&Q, &f[i], &j[i], NULL);
    CHECK_INT(fwq_position(&Q, j[0]), 1);
    CHECK_INT(fwq_position(&Q, j[3]), 4);
    CHECK_INT(fwq_next(&Q), j[0]);
    CHECK_INT(fwq_next(&Q), j[1]);
    CHECK_INT(fwq_next(&Q), 0);          /* the cap holds */
    CHECK_INT(fwq_active(&Q), 2);
    CHECK_INT(fwq_position(&Q, j[0]), 0); /* active: not in line */
    CHECK_INT(fwq_position(&Q, j[2]), 1);
    struct download_progress p = {.done = 500, .total = 1000, .rate = 100, .eta_s = 5};
    fwq_progress(&Q, j[1], &p);
    CHECK_INT(fwq_job(&Q, j[1])->p.done, 500);
    fwq_progress(&Q, j[2], &p);          /* queued: no figures yet */
    CHECK_INT(fwq_job(&Q, j[2])->p.done, 0);
    fwq_finish(&Q, j[1], DOWNLOAD_OK, "verified", "/c/B");
    CHECK(fwq_job(&Q, j[1])->state == FWQ_DONE);
    CHECK_STR(fwq_job(&Q, j[1])->path, "/c/B");
    CHECK_INT(fwq_next(&Q), j[2]);       /* a finished job frees its slot at once */
    CHECK_INT(fwq_next(&Q), 0);
    fwq_drop(&Q, j[1]);
    CHECK(fwq_job(&Q, j[1]) == NULL);
    /* A new request for a finished-and-dropped build makes a new job. */
    int again;
    bool shared;
    fwq_add(&Q, &f[1], &again, &shared);
    CHECK(!shared && again != j[1]);
}

TEST(cap_defaults)
{
    fwq_init(&Q, 0);
    CHECK_INT(Q.cap, FWQ_DEFAULT_CAP);
    fwq_init(&Q, 99);
    CHECK_INT(Q.cap, FWQ_DEFAULT_CAP);
    fwq_init(&Q, 1);
    struct firmware a = fw("P", "A"), b = fw("P", "B");
    int ja, jb;
    fwq_add(&Q, &a, &ja, NULL);
    fwq_add(&Q, &b, &jb, NULL);
    CHECK_INT(fwq_next(&Q), ja);
    CHECK_INT(fwq_next(&Q), 0);
}

TEST(cancel)
{
    fwq_init(&Q, 1);
    struct firmware a = fw("P", "A"), b = fw("P", "B");
    int ja, jb;
    int r1 = fwq_add(&Q, &a, &ja, NULL), r2 = fwq_add(&Q, &a, &ja, NULL);
    int r3 = fwq_add(&Q, &b, &jb, NULL);
    CHECK_INT(fwq_next(&Q), ja);
    CHECK_INT(fwq_cancel(&Q, r1), 0);    /* another device still wants it */
    CHECK_INT(fwq_job(&Q, ja)->requests, 1);
    CHECK_INT(fwq_cancel(&Q, r2), ja);   /* the last one: the caller stops the transfer */
    CHECK_INT(fwq_cancel(&Q, r2), -1);   /* twice: unknown */
    fwq_drop(&Q, ja);
    CHECK_INT(fwq_cancel(&Q, r3), 0);    /* queued and orphaned: dropped here */
    CHECK(fwq_job(&Q, jb) == NULL);
    CHECK_INT(fwq_next(&Q), 0);
    CHECK_INT(fwq_cancel(&Q, 12345), -1);
}

TEST(limits)
{
    fwq_init(&Q, 2);
    char b[16];
    int last = 0, j;
    for (int i = 0; i < FWQ_MAX_JOBS; i++) {
        snprintf(b, sizeof b, "B%d", i);
        struct firmware f = fw("P", b);
        last = fwq_add(&Q, &f, &j, NULL);
    }
    CHECK(last > 0);
    struct firmware more = fw("P", "ONEMORE");
    CHECK_INT(fwq_add(&Q, &more, &j, NULL), -1);   /* no job slot */
    struct firmware known = fw("P", "B0");
    int n = 0;
    while (fwq_add(&Q, &known, &j, NULL) > 0) n++; /* requests on a known job, until full */
    CHECK_INT(n, FWQ_MAX_REQUESTS - FWQ_MAX_JOBS);
}

/* ---- the manager, with no transfer needed ---- */

struct seen { int calls, rc, request; char message[512], path[PATH_MAX]; };

static void on_done(void *ctx, int request, int rc, const char *message, const char *path)
{
    struct seen *s = ctx;
    s->calls++;
    s->rc = rc;
    s->request = request;
    snprintf(s->message, sizeof s->message, "%s", message);
    snprintf(s->path, sizeof s->path, "%s", path);
}

static int notified;
static void on_notify(void *ctx) { notified++; }

TEST(manager_cached_file_and_unwritable_cache)
{
    char dir[] = "/tmp/ibench-fwq.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    static struct config c;
    memset(&c, 0, sizeof c);
    snprintf(c.cache_dir, sizeof c.cache_dir, "%s", dir);
    c.max_downloads = 2;
    struct loop *l = loop_new();
    struct fw_queue *q = fw_queue_new(l, &c);
    CHECK(q != NULL);
    fw_queue_set_notify(q, on_notify, NULL);
    struct firmware f = fw("iPhone10,3", "20H350");
    char path[PATH_MAX + 64], err[256];
    catalog_cache_path(&c, &f, path, sizeof path);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) fclose(fp);
    struct seen a = {0}, b = {0}, x = {0};
    int ra = fw_queue_get(q, &f, on_done, &a, err, sizeof err);
    int rb = fw_queue_get(q, &f, on_done, &b, err, sizeof err);
    CHECK(ra > 0 && rb > 0);
    CHECK_INT(a.calls, 0);              /* never from inside fw_queue_get */
    struct fw_queue_status st;
    CHECK(fw_queue_status(q, rb, &st) == 0 && st.sharing == 2 && st.job > 0);
    CHECK(notified > 0);
    for (int i = 0; i < 5 && (a.calls == 0 || b.calls == 0); i++) loop_run_once(l, 100);
    CHECK_INT(a.calls, 1);
    CHECK_INT(b.calls, 1);
    CHECK_INT(a.rc, DOWNLOAD_OK);
    CHECK_STR(a.path, path);
    CHECK(strstr(a.message, "already in the cache") != NULL);
    CHECK_INT(b.request, rb);
    CHECK(fw_queue_status(q, ra, &st) < 0); /* told: gone */

    /* A request cancelled before the loop ran is never told. */
    int rx = fw_queue_get(q, &f, on_done, &x, err, sizeof err);
    fw_queue_cancel(q, rx);
    for (int i = 0; i < 3; i++) loop_run_once(l, 10);
    CHECK_INT(x.calls, 0);

    /* A cache folder that cannot be made: the failure comes back from the loop. */
    snprintf(c.cache_dir, sizeof c.cache_dir, "%s/no/such/deep", dir);
    struct fw_queue *q2 = fw_queue_new(l, &c);
    struct seen d = {0};
    struct firmware g = fw("iPhone10,3", "20H343");
    int rd = fw_queue_get(q2, &g, on_done, &d, err, sizeof err);
    CHECK(rd > 0 && d.calls == 0);
    for (int i = 0; i < 5 && d.calls == 0; i++) loop_run_once(l, 100);
    CHECK_INT(d.calls, 1);
    CHECK_INT(d.rc, DOWNLOAD_ERR_DISK);
    CHECK(strstr(d.message, "cache folder") != NULL);
    fw_queue_free(q2);
    fw_queue_free(q);
    loop_free(l);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    RUN(same_build_shares_one_job);
    RUN(cap_and_order);
    RUN(cap_defaults);
    RUN(cancel);
    RUN(limits);
    RUN(manager_cached_file_and_unwritable_cache);
    return TAP_DONE();
}
