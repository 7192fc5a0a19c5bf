/* Running a restore job (see job.h): the supervisor process, each job's
 * private folders, and the engine log's size cap.
 *
 * Per job, under <state>/jobs/<id>/:
 *   work/   the engine's working directory (upstream writes restore_*.log,
 *           shsh/ and updater_output-*.cpio there)
 *   tmp/    its TMPDIR (1.0.0 extracts there when it loses the -C race)
 *   cache/  its -C folder: extracted files, never shared with another engine
 *   restore.log  the engine's own log, where it has --logfile
 * work/, tmp/ and cache/ go when the job ends (job_remove_work); the logs stay.
 *
 * engine.log keeps the head and the tail of what the engine prints: the
 * first JOB_LOG_HEAD bytes of an attempt, then, once more than
 * 2 x JOB_LOG_TAIL follow, the file is rewritten as head + a line saying how
 * much was cut + the last JOB_LOG_TAIL bytes (renamed into place, so a reader
 * sees the old file or the new one, never half of either). */
#include "job.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "fw_cache.h"
#include "loop.h"

extern char **environ;

static const char *const work_dirs[] = {"work", "tmp", "cache"};   /* job_remove_work() knows them too */

/* The supervisor is forked from a process with threads: until it execs,
 * only async-signal-safe calls, and those as raw system calls, since a
 * preloaded library (umockdev on the virtual bench) may wrap open, close,
 * read, write or chdir with a lock another thread held at fork time. */
static int sv_open(const char *path, int flags, int mode) { return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode); }
static int sv_close(int fd) { return (int)syscall(SYS_close, fd); }
static ssize_t sv_read(int fd, void *buf, size_t n) { return (ssize_t)syscall(SYS_read, fd, buf, n); }
static ssize_t sv_write(int fd, const void *buf, size_t n) { return (ssize_t)syscall(SYS_write, fd, buf, n); }
static ssize_t sv_pread(int fd, void *buf, size_t n, off_t off) { return (ssize_t)syscall(SYS_pread64, fd, buf, n, off); }
static int sv_rename(const char *a, const char *b) { return (int)syscall(SYS_renameat, AT_FDCWD, a, AT_FDCWD, b); }
static int sv_unlink(const char *path) { return (int)syscall(SYS_unlinkat, AT_FDCWD, path, 0); }
static int sv_chdir(const char *path) { return (int)syscall(SYS_chdir, path); }

/* Async-signal-safe decimal, for the supervisor after fork. */
static size_t put_num(char *p, long long v)
{
    char tmp[24];
    size_t n = 0, k = 0;
    unsigned long long u = v < 0 ? (unsigned long long)(-v) : (unsigned long long)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u && n < sizeof tmp);
    if (v < 0) p[k++] = '-';
    while (n) p[k++] = tmp[--n];
    return k;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = sv_write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* --- the capped log (supervisor side; async-signal-safe calls only) ------- */

static char tail_ring[JOB_LOG_TAIL];   /* touched only in a supervisor */

struct capped {
    int fd;
    const char *path, *tmp;
    long long keep;          /* bytes at the file's start kept whole: earlier attempts + this one's head */
    long long head_left;     /* this attempt's head still to write */
    long long body;          /* bytes in the file after `keep` (the live tail region) */
    long long cut;           /* bytes dropped so far */
    size_t ring_pos, ring_len;
};

static void ring_add(struct capped *c, const char *p, size_t n)
{
    if (n >= JOB_LOG_TAIL) { p += n - JOB_LOG_TAIL; n = JOB_LOG_TAIL; }
    size_t first = JOB_LOG_TAIL - c->ring_pos < n ? JOB_LOG_TAIL - c->ring_pos : n;
    memcpy(tail_ring + c->ring_pos, p, first);
    memcpy(tail_ring, p + first, n - first);
    c->ring_pos = (c->ring_pos + n) % JOB_LOG_TAIL;
    c->ring_len = c->ring_len + n > JOB_LOG_TAIL ? JOB_LOG_TAIL : c->ring_len + n;
}

/* Rewrites the file as keep + a cut line + the ring; on any failure the
 * old file stays and grows (a full disk then stops it, as before). */
static void compact(struct capped *c)
{
    sv_unlink(c->tmp);   /* a leftover (or a planted link) is not written through */
    int out = sv_open(c->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (out < 0) return;
    int in = sv_open(c->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    int ok = in >= 0;
    static char buf[65536];
    for (long long off = 0; ok && off < c->keep;) {
        size_t want = c->keep - off < (long long)sizeof buf ? (size_t)(c->keep - off) : sizeof buf;
        ssize_t r = sv_pread(in, buf, want, off);
        if (r <= 0) { ok = 0; break; }
        ok = write_all(out, buf, (size_t)r) == 0;
        off += r;
    }
    if (in >= 0) sv_close(in);
    long long dropped = c->cut + c->body - (long long)c->ring_len;
    char line[160];
    size_t k = 0;
    static const char a[] = "\n[ibench: ", b[] = " bytes of engine output cut here; the head and the last 4 MiB are kept]\n";
    memcpy(line, a, sizeof a - 1); k += sizeof a - 1;
    k += put_num(line + k, dropped);
    memcpy(line + k, b, sizeof b - 1); k += sizeof b - 1;
    size_t start = (c->ring_pos + JOB_LOG_TAIL - c->ring_len) % JOB_LOG_TAIL;
    size_t first = JOB_LOG_TAIL - start < c->ring_len ? JOB_LOG_TAIL - start : c->ring_len;
    ok = ok && write_all(out, line, k) == 0 && write_all(out, tail_ring + start, first) == 0 &&
         write_all(out, tail_ring, c->ring_len - first) == 0;
    if (!ok || sv_rename(c->tmp, c->path) < 0) { sv_close(out); sv_unlink(c->tmp); return; }
    sv_close(c->fd);
    c->fd = out;                 /* positioned at its end: appends go on */
    c->cut = dropped;
    c->keep += (long long)k;
    c->body = (long long)c->ring_len;
}

static void capped_write(struct capped *c, const char *p, size_t n)
{
    if (c->head_left > 0) {
        size_t h = (long long)n < c->head_left ? n : (size_t)c->head_left;
        if (write_all(c->fd, p, h) < 0) return;
        c->head_left -= (long long)h;
        c->keep += (long long)h;
        p += h;
        n -= h;
    }
    if (!n) return;
    if (write_all(c->fd, p, n) < 0) return;
    ring_add(c, p, n);
    c->body += (long long)n;
    if (c->body > 2LL * JOB_LOG_TAIL) compact(c);
}

static int64_t sv_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* stall_ms: an engine that prints nothing for this long is stopped (TERM to
 * the group, which the supervisor ignores, then KILL to the engine). A device
 * that leaves mid-image can leave an engine waiting for ever while it holds
 * the device's lock and its row says "Sending"; the exit file then says
 * "stalled" so the job can say why. */
static void supervise(int logfd, int lockfd, int ipswfd, int nullfd, const char *exit_path, const char *exit_tmp,
                      const char *log_path, const char *log_tmp, const char *workdir, char *const argv[], char *const envp[],
                      int64_t stall_ms)
{
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* A closing terminal or a cancel to the group must not take the supervisor. */
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    /* Everything above 10 first, so that placing fds 0-5 overwrites nothing. */
    int pfd[2] = {-1, -1}, pr = -1, pw = -1;
    if (pipe(pfd) == 0) {
        pr = fcntl(pfd[0], F_DUPFD, 10);
        pw = fcntl(pfd[1], F_DUPFD, 10);
        sv_close(pfd[0]);
        sv_close(pfd[1]);
    }
    int hlock = fcntl(lockfd, F_DUPFD, 10), hlog = fcntl(logfd, F_DUPFD, 10), hnull = fcntl(nullfd, F_DUPFD, 10);
    int hipsw = ipswfd >= 0 ? fcntl(ipswfd, F_DUPFD, 10) : -1;
    int out = pr >= 0 && pw >= 0 ? pw : hlog;
    dup2(hnull, 0);
    dup2(out, 1);
    dup2(out, 2);
    dup2(hlock, 3);
    /* fd 4: a shared lock on the IPSW, so the cache is not pruned under the engine. */
    int next = 4;
    if (hipsw >= 0) dup2(hipsw, next++);
    int lfd = dup2(hlog, next++), rfd = pr >= 0 && pw >= 0 ? dup2(pr, next++) : -1;
    close_range((unsigned)next, ~0U, 0);    /* every other descriptor of the console */
    pid_t eng = fork();
    if (eng == 0) {
        signal(SIGHUP, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        close_range(3, ~0U, 0);             /* the engine keeps stdin, stdout and stderr only */
        if (workdir && sv_chdir(workdir) < 0) { /* the engine then runs in the job folder's parent's cwd */ }
        execve(argv[0], argv, envp);
        static const char msg[] = "ibench: cannot run the restore engine\n";
        if (sv_write(2, msg, sizeof msg - 1) < 0) _exit(127);
        _exit(127);
    }
    sv_close(1);
    sv_close(2);
    int st = 0, reaped = 0, stalled = 0;
    if (eng > 0 && rfd >= 0) {
        struct stat lst;
        long long size = fstat(lfd, &lst) == 0 ? (long long)lst.st_size : 0;
        struct capped c = {.fd = lfd, .path = log_path, .tmp = log_tmp, .keep = size, .head_left = JOB_LOG_HEAD};
        static char buf[65536];
        int64_t drain_until = -1, last_out = sv_now_ms(), stopped_at = 0;
        for (;;) {
            struct pollfd p = {.fd = rfd, .events = POLLIN};
            int r = poll(&p, 1, 500);
            if (r > 0) {
                ssize_t k = sv_read(rfd, buf, sizeof buf);
                if (k > 0) { capped_write(&c, buf, (size_t)k); last_out = sv_now_ms(); continue; }
                if (k < 0 && errno == EINTR) continue;
                break;                             /* EOF: the engine and its children closed it */
            }
            if (!reaped && waitpid(eng, &st, WNOHANG) == eng) {
                reaped = 1;                        /* a child of the engine may hold the pipe: a little more */
                drain_until = 0;
            }
            if (reaped && drain_until++ > 4) break;
            int64_t now = sv_now_ms();
            if (!reaped && stall_ms > 0 && !stalled && now - last_out >= stall_ms) {
                static const char msg[] = "\nibench: the engine printed nothing for too long; stopping it\n";
                capped_write(&c, msg, sizeof msg - 1);
                stalled = 1;
                stopped_at = now;
                kill(0, SIGTERM);
            } else if (!reaped && stalled && now - stopped_at >= 10000) {
                kill(eng, SIGKILL);               /* it ignored TERM */
            }
        }
        lfd = c.fd;
    }
    sv_close(lfd);
    char line[48];
    size_t k;
    if (eng < 0) {
        memcpy(line, "exit 127\n", 9);
        k = 9;
    } else {
        if (!reaped) while (waitpid(eng, &st, 0) < 0 && errno == EINTR) {}
        if (WIFSIGNALED(st)) { memcpy(line, "signal ", 7); k = 7 + put_num(line + 7, WTERMSIG(st)); }
        else { memcpy(line, "exit ", 5); k = 5 + put_num(line + 5, WEXITSTATUS(st)); }
        if (stalled) { memcpy(line + k, " stalled ", 9); k += 9 + put_num(line + k + 9, stall_ms / 1000); }
        line[k++] = '\n';
    }
    /* Created exclusively and never through a link planted at its name;
     * errno is not touched here (raw system calls): a leftover goes first. */
    sv_unlink(exit_tmp);
    int fd = sv_open(exit_tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (sv_write(fd, line, k) == (ssize_t)k) fsync(fd);
        sv_close(fd);
        sv_rename(exit_tmp, exit_path);
    }
    _exit(0);
}

/* The environment with TMPDIR replaced: built before fork (malloc is not
 * for the child). NULL when out of memory. */
static char **env_with_tmpdir(const char *tmpdir, char *slot, size_t n)
{
    size_t k = 0;
    while (environ[k]) k++;
    char **envp = calloc(k + 2, sizeof *envp);
    if (!envp) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < k; i++)
        if (strncmp(environ[i], "TMPDIR=", 7)) envp[o++] = environ[i];
    snprintf(slot, n, "TMPDIR=%s", tmpdir);
    envp[o++] = slot;
    envp[o] = NULL;
    return envp;
}

int job_start(const struct config *c, struct job *j, const struct engine_info *e, char *err, size_t errlen)
{
    char logp[PATH_MAX + 16], logtmp[PATH_MAX + 16], exit_path[PATH_MAX + 16], exit_tmp[PATH_MAX + 16];
    char folder[3][PATH_MAX + 16], ownlog[PATH_MAX + 16], ecid_buf[24], log_arg[PATH_MAX + 16], tmpenv[PATH_MAX + 16];
    int lockfd = job_device_lock(c, j->ecid, err, errlen);
    if (lockfd < 0) {
        snprintf(err, errlen, "another restore is driving this device (ECID %016" PRIX64 "); see `ibench jobs`", j->ecid);
        return -1;
    }
    job_remove_work(j);                      /* a retry starts clean */
    for (int i = 0; i < 3; i++) {
        snprintf(folder[i], sizeof folder[i], "%s/%s", j->dir, work_dirs[i]);
        if (mkdir(folder[i], 0700) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", folder[i], strerror(errno));
            close(lockfd);
            return -1;
        }
    }
    snprintf(logp, sizeof logp, "%s/engine.log", j->dir);
    snprintf(logtmp, sizeof logtmp, "%s/.engine.log.cut", j->dir);
    snprintf(ownlog, sizeof ownlog, "%s/restore.log", j->dir);
    snprintf(exit_path, sizeof exit_path, "%s/exit", j->dir);
    snprintf(exit_tmp, sizeof exit_tmp, "%s/.exit.tmp", j->dir);
    unlink(exit_path);
    int logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    int nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
    char **envp = env_with_tmpdir(folder[1], tmpenv, sizeof tmpenv);
    if (logfd < 0 || nullfd < 0 || !envp) {
        snprintf(err, errlen, "cannot open %s: %s", logp, strerror(errno));
        if (logfd >= 0) close(logfd);
        if (nullfd >= 0) close(nullfd);
        free(envp);
        close(lockfd);
        return -1;
    }
    struct stat lst;
    j->log_start = fstat(logfd, &lst) == 0 ? (long long)lst.st_size : 0;
    j->log_offset = j->log_start;
    engine_parse_init(&j->parse, NULL, NULL);
    const char *argv[ENGINE_ARGV_MAX];
    struct engine_run run = {.ecid = j->ecid, .erase = j->erase, .ipsw = j->ipsw, .cache_dir = folder[2], .logfile = ownlog};
    int argc = engine_argv(e, &run, ecid_buf, log_arg, argv);
    char head[PATH_MAX * 3 + 400];
    int hn = snprintf(head, sizeof head, "ibench: job %u, attempt %d:", j->id, j->attempt);
    for (int i = 0; i < argc && hn > 0 && (size_t)hn < sizeof head; i++)
        hn += snprintf(head + hn, sizeof head - (size_t)hn, " %s", argv[i]);
    if (hn > 0 && (size_t)hn < sizeof head)
        hn += snprintf(head + hn, sizeof head - (size_t)hn, "\nibench: engine %s (%s); working folder %s, TMPDIR %s\n",
                       e->version[0] ? e->version : "version unknown", engine_kind_name(e->kind), folder[0], folder[1]);
    if (hn > 0 && write(logfd, head, strlen(head)) < 0) { /* the log line is informative only */ }
    /* An IPSW from the firmware cache is held with a shared lock while the
     * engine reads it (fw prune and fw verify leave it alone) and marked used. */
    char lerr[200];
    int ipswfd = -1;
    if (fw_cache_holds(c, j->ipsw)) {
        ipswfd = fw_cache_lock(j->ipsw, false, lerr, sizeof lerr);
        if (ipswfd < 0) ipswfd = -1;
        else fw_cache_touch(j->ipsw);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        supervise(logfd, lockfd, ipswfd, nullfd, exit_path, exit_tmp, logp, logtmp, folder[0], (char *const *)argv, envp,
                  (int64_t)c->engine_stall_s * 1000);
    free(envp);
    close(logfd);
    close(nullfd);
    close(lockfd);                          /* the supervisor keeps its copy of the lock */
    if (ipswfd >= 0) close(ipswfd);
    if (pid < 0) { snprintf(err, errlen, "cannot start the engine: %s", strerror(errno)); return -1; }
    j->pid = (int)pid;
    j->state = JOB_RUNNING;
    j->started = wall_ms();
    j->exit_code = -1;
    j->term_signal = 0;
    job_save(j);
    return 0;
}
