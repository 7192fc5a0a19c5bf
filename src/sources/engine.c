/* Finding the restore engine and sizing it up (see engine.h): its version
 * line and its --help, each read from a child with a time limit, then judged
 * by the pure engine_version.c. */
#include "engine.h"
#include "sanitize.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "loop.h"

extern char **environ;

#define ENGINE_PROBE_BYTES 65536

int find_on_path(const char *name, char *out, size_t n)
{
    if (strchr(name, '/')) { snprintf(out, n, "%s", name); return access(out, X_OK); }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        snprintf(out, n, "%s/%s", dir, name);
        if (access(out, X_OK) == 0) return 0;
    }
    return -1;
}

/* One probe: `path arg` in its own process group, stdout and stderr into a
 * pipe; started with posix_spawn, so safe from any thread. */
struct probe { pid_t pid; int fd; char *out; size_t n, got; };

static int probe_start(struct probe *p, const char *path, const char *arg, char *out, size_t n)
{
    int fds[2];
    *p = (struct probe){.pid = -1, .fd = -1, .out = out, .n = n};
    out[0] = 0;
    if (pipe2(fds, O_CLOEXEC) < 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawnattr_init(&at);
    sigset_t none, dflt;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGTERM);
    sigaddset(&dflt, SIGINT);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {(char *)path, (char *)arg, NULL};
    int rc = posix_spawn(&p->pid, path, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fds[1]);
    if (rc != 0) { close(fds[0]); p->pid = -1; return -1; }
    p->fd = fds[0];
    return 0;
}

static void probe_end(struct probe *p)
{
    if (p->fd >= 0) close(p->fd);
    p->fd = -1;
    p->out[p->got] = 0;
    if (p->pid > 0) {
        kill(-p->pid, SIGKILL);        /* the whole group: an engine that forked must not outlive its probe */
        while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    p->pid = -1;
}

/* Runs every probe at once and reads them until each has closed its output
 * or timeout_ms pass; then kills what is left. 1 if one had to be killed. */
static int probe_run(struct probe *p, int np, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    int slow = 0;
    for (;;) {
        struct pollfd pf[4];
        int map[4], n = 0;
        for (int i = 0; i < np; i++) if (p[i].fd >= 0) { pf[n] = (struct pollfd){.fd = p[i].fd, .events = POLLIN}; map[n++] = i; }
        if (!n) break;
        int64_t left = end - now_ms();
        if (left <= 0) { slow = 1; break; }
        int r = poll(pf, (nfds_t)n, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        for (int k = 0; k < n; k++) {
            if (!pf[k].revents) continue;
            struct probe *q = &p[map[k]];
            char buf[4096];
            ssize_t got = read(q->fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) { close(q->fd); q->fd = -1; continue; }   /* EOF: every writer closed */
            size_t take = (size_t)got < q->n - 1 - q->got ? (size_t)got : q->n - 1 - q->got;
            memcpy(q->out + q->got, buf, take);
            q->got += take;
        }
    }
    for (int i = 0; i < np; i++) probe_end(&p[i]);
    return slow;
}

/* What the probes said, remembered in <state>/engine-probe for the same
 * file (path, inode, size, mtime): a bench runs ibench often and the engine
 * rarely changes. A probe that timed out is not remembered. */
static void probe_key(const struct engine_info *e, const struct stat *st, char *out, size_t n)
{
    snprintf(out, n, "%s\t%llu\t%lld\t%lld.%09ld", e->path, (unsigned long long)st->st_ino, (long long)st->st_size,
             (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static int probe_cached(const struct config *c, struct engine_info *e, const char *key)
{
    char path[PATH_MAX + 16], line[PATH_MAX + 400];
    snprintf(path, sizeof path, "%s/engine-probe", c->state_dir);
    FILE *f = fopen(path, "re");
    if (!f) return -1;
    int ok = fgets(line, sizeof line, f) && !strncmp(line, key, strlen(key)) && line[strlen(key)] == '\n';
    char version[sizeof e->version] = "";
    unsigned opts = 0;
    int help = 0;
    ok = ok && fgets(line, sizeof line, f) && sscanf(line, "%u %d", &opts, &help) == 2 && fgets(version, sizeof version, f);
    fclose(f);
    if (!ok) return -1;
    engine_version_parse(e, version, strlen(version));
    e->opts = opts;
    e->help_read = help;
    return 0;
}

static void probe_remember(const struct config *c, const struct engine_info *e, const char *key)
{
    char path[PATH_MAX + 16], text[PATH_MAX + 400];
    snprintf(path, sizeof path, "%s/engine-probe", c->state_dir);
    int n = snprintf(text, sizeof text, "%s\n%u %d\n%s\n", key, e->opts, e->help_read, e->version);
    if (n > 0 && (size_t)n < sizeof text && mkdir_p(c->state_dir) == 0) write_file_atomic(path, text, (size_t)n);
}

int engine_detect(const struct config *c, struct engine_info *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    const char *name = c->engine[0] ? c->engine : "idevicerestore";
    if (find_on_path(name, e->path, sizeof e->path) < 0) {
        snprintf(err, errlen, "no restore engine: %s not found (install idevicerestore, or set --engine / IBENCH_ENGINE)", name);
        return -1;
    }
    struct stat st;
    char key[PATH_MAX + 100] = "";
    if (stat(e->path, &st) == 0) probe_key(e, &st, key, sizeof key);
    if (key[0] && probe_cached(c, e, key) == 0) { engine_judge(e); return 0; }
    /* -v and --help at once: a slow engine costs one time limit, not two. */
    char *text = malloc(2 * ENGINE_PROBE_BYTES);
    if (!text) { snprintf(err, errlen, "out of memory"); return -1; }
    struct probe p[2];
    int np = 0;
    if (probe_start(&p[np], e->path, "-v", text, ENGINE_PROBE_BYTES) == 0) np++;
    if (probe_start(&p[np], e->path, "--help", text + ENGINE_PROBE_BYTES, ENGINE_PROBE_BYTES) == 0) np++;
    e->timed_out = np ? probe_run(p, np, ENGINE_PROBE_MS) : 0;
    engine_version_parse(e, text, strlen(text));
    const char *help = text + ENGINE_PROBE_BYTES;
    if (np == 2 && help[0]) {
        e->help_read = 1;
        e->opts = engine_help_parse(help, strlen(help));
    }
    free(text);
    engine_judge(e);
    if (key[0] && !e->timed_out) probe_remember(c, e, key);
    return 0;
}

int engine_argv(const struct engine_info *e, const struct engine_run *r, char ecid_buf[24], char log_buf[PATH_MAX + 16],
                const char *argv[ENGINE_ARGV_MAX])
{
    int n = 0;
    snprintf(ecid_buf, 24, "0x%" PRIx64, r->ecid);
    argv[n++] = e->path;
    argv[n++] = "-i";
    argv[n++] = ecid_buf;
    argv[n++] = "-y";
    argv[n++] = "-P";
    if (r->erase) argv[n++] = "-e";
    if (r->cache_dir && r->cache_dir[0]) {
        argv[n++] = "-C";
        argv[n++] = r->cache_dir;
    }
    if (r->logfile && r->logfile[0] && (e->opts & ENGINE_OPT_LOGFILE)) {
        snprintf(log_buf, PATH_MAX + 16, "--logfile=%s", r->logfile);
        argv[n++] = log_buf;
    }
    argv[n++] = r->ipsw;
    argv[n] = NULL;
    return n;
}
