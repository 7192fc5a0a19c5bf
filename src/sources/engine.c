/* Finding the restore engine and sizing it up (see engine.h): its version
 * line and its --help, each read from a child with a time limit, then judged
 * by the pure engine_version.c. */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

extern char **environ;

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

/* Runs `path arg` in its own process group with stdout and stderr into a
 * pipe, reads at most n - 1 bytes until it ends or timeout_ms pass, then
 * kills the group. Returns the bytes read, -1 if it could not start; *timed_out
 * is set when it had to be killed. Safe from any thread (posix_spawn). */
static int probe(const char *path, const char *arg, int timeout_ms, char *out, size_t n, int *timed_out)
{
    int fds[2];
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
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fds[1]);
    if (rc != 0) { close(fds[0]); return -1; }
    size_t got = 0;
    int64_t end = now_ms() + timeout_ms;
    *timed_out = 0;
    for (;;) {
        int64_t left = end - now_ms();
        if (left <= 0) { *timed_out = 1; break; }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { *timed_out = r == 0; break; }
        char buf[4096];
        ssize_t k = read(fds[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;                  /* EOF: every writer closed */
        size_t take = (size_t)k < n - 1 - got ? (size_t)k : n - 1 - got;
        memcpy(out + got, buf, take);
        got += take;
    }
    close(fds[0]);
    out[got] = 0;
    /* The whole group: an engine that forked must not outlive its probe. */
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return (int)got;
}

int engine_detect(const struct config *c, struct engine_info *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    const char *name = c->engine[0] ? c->engine : "idevicerestore";
    if (find_on_path(name, e->path, sizeof e->path) < 0) {
        snprintf(err, errlen, "no restore engine: %s not found (install idevicerestore, or set --engine / IBENCH_ENGINE)", name);
        return -1;
    }
    static __thread char text[65536];
    int slow = 0, n = probe(e->path, "-v", ENGINE_PROBE_MS, text, sizeof text, &slow);
    e->timed_out |= slow;
    engine_version_parse(e, text, n > 0 ? (size_t)n : 0);
    n = probe(e->path, "--help", ENGINE_PROBE_MS, text, sizeof text, &slow);
    e->timed_out |= slow;
    if (n > 0) {
        e->help_read = 1;
        e->opts = engine_help_parse(text, (size_t)n);
    }
    engine_judge(e);
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
