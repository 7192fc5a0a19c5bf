/* `ibench doctor`: the bench's preflight in one screen — usbmuxd, USB
 * permissions, library and engine versions and what they imply, folders and
 * free space. Each check passes, warns or fails with a reason and a next step. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <usbmuxd.h>

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "commands.h"
#include "restore.h"

enum check_result { PASS, WARN, FAIL };
static const char *const verdict_name[] = {"pass", "warn", "fail"};

struct doctor { struct config *c; json_t *arr; int fails, warns; };

static void report(struct doctor *d, const char *check, enum check_result v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct doctor *d, const char *check, enum check_result v, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->fails += v == FAIL;
    d->warns += v == WARN;
    if (d->arr) json_array_append_new(d->arr, json_pack("{s:s, s:s, s:s}", "check", check, "result", verdict_name[v], "detail", msg));
    else printf("%-5s %-12s %s\n", v == PASS ? "ok" : v == WARN ? "WARN" : "FAIL", check, msg);
}

static int package_version(const char *pkg, char *out, size_t n)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "dpkg-query -W -f='${Version}' %s 2>/dev/null", pkg);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t k = fread(out, 1, n - 1, p);
    out[k] = 0;
    return pclose(p) == 0 && k > 0 ? 0 : -1;
}

/* The engine found, its version in whatever form it prints, and what it can
 * restore (engine_version.h); probes are bounded, so a hung engine is a
 * warning here, not a hung doctor. */
static void check_engine(struct doctor *d)
{
    struct engine_info e;
    char err[400], limits[400];
    if (restore_engine_probe(d->c, &e, err, sizeof err) < 0) { report(d, "engine", FAIL, "%s", err); return; }
    engine_limits(&e, limits, sizeof limits);
    const char *slow = e.timed_out ? " (it did not answer -v/--help within 5s and was stopped)" : "";
    if (e.kind == ENGINE_UNKNOWN) report(d, "engine", WARN, "%s: cannot read its version%s; %s", e.path, slow, limits);
    else if (e.kind == ENGINE_CURRENT) report(d, "engine", PASS, "%s (%s): %s%s", e.path, e.version, limits, slow);
    else report(d, "engine", WARN, "%s is idevicerestore %d.%d.%d%s%s: %s%s", e.path, e.major, e.minor, e.patch,
                e.suffix[0] ? " " : "", e.suffix, limits, slow);
    if (e.help_read)
        report(d, "engine opts", PASS, "--server %s, --logfile %s, --variant %s", e.opts & ENGINE_OPT_SERVER ? "yes" : "no",
               e.opts & ENGINE_OPT_LOGFILE ? "yes (each job gets its own log)" : "no", e.opts & ENGINE_OPT_VARIANT ? "yes" : "no");
}

/* The newest cached catalog answer and its age against catalog_max_age_hours. */
static void check_catalog(struct doctor *d)
{
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/catalog", d->c->state_dir);
    DIR *dd = opendir(dir);
    time_t newest = 0;
    int files = 0;
    for (struct dirent *e; dd && (e = readdir(dd));) {
        char p[PATH_MAX + 300];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(p, &st) < 0 || !S_ISREG(st.st_mode)) continue;
        files++;
        if (st.st_mtime > newest) newest = st.st_mtime;
    }
    if (dd) closedir(dd);
    if (!files) { report(d, "catalog", WARN, "no firmware catalog cached yet: `ibench fw list PRODUCT` fetches one (%s)", d->c->api_url); return; }
    double hours = difftime(time(NULL), newest) / 3600.0;
    double max = (double)d->c->catalog_max_age_s / 3600.0;
    report(d, "catalog", hours > max ? WARN : PASS, "%d product%s cached, newest %.1f h old%s", files, files == 1 ? "" : "s",
           hours, hours > max ? ": signed flags may be stale" : "");
}

static void check_jobs(struct doctor *d)
{
    int n = 0, running = 0, queued = 0;
    restore_jobs_count(d->c, &running, &queued, &n);
    char kept[48];
    if (d->c->job_retention_days > 0) snprintf(kept, sizeof kept, "for %d days", d->c->job_retention_days);
    else snprintf(kept, sizeof kept, "for ever");
    report(d, "jobs", PASS, "%d restore%s running, %d queued, %d job folder%s kept %s (caps: %d on the bench, %d per hub)",
           running, running == 1 ? "" : "s", queued, n, n == 1 ? "" : "s", kept, d->c->max_restores, d->c->max_restores_per_hub);
}

static void check_dir(struct doctor *d, const char *name, const char *dir)
{
    struct statvfs vfs;
    if (access(dir, W_OK) != 0) {
        if (errno == ENOENT) report(d, name, WARN, "%s does not exist yet; ibench creates it when needed", dir);
        else report(d, name, FAIL, "%s is not writable: %s", dir, strerror(errno));
        return;
    }
    if (statvfs(dir, &vfs) == 0) {
        double gb = (double)vfs.f_bavail * vfs.f_frsize / 1e9;
        report(d, name, gb < 10 ? WARN : PASS, "%s, %.1f GB free%s", dir, gb, gb < 10 ? " (an IPSW needs 6-8 GB)" : "");
    }
}

int cmd_doctor(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else return EXIT_USAGE;
    }
    struct doctor d = {.c = c, .arr = c->json ? json_array() : NULL};
    char v[64];

    usbmuxd_device_info_t *list = NULL;
    int n = usbmuxd_get_device_list(&list);
    if (n < 0) report(&d, "usbmuxd", FAIL, "usbmuxd is not running: Normal-mode devices are invisible and restores "
                      "fail with \"Device failed to enter restore mode\"; start it (systemctl start usbmuxd)");
    else { report(&d, "usbmuxd", PASS, "running, %d device%s", n, n == 1 ? "" : "s"); usbmuxd_device_list_free(&list); }

    int rules_irec = access("/lib/udev/rules.d/39-libirecovery.rules", R_OK) == 0 ||
                     access("/usr/lib/udev/rules.d/39-libirecovery.rules", R_OK) == 0;
    int rules_mux = access("/lib/udev/rules.d/39-usbmuxd.rules", R_OK) == 0 ||
                    access("/usr/lib/udev/rules.d/39-usbmuxd.rules", R_OK) == 0;
    if (geteuid() == 0) report(&d, "permissions", PASS, "running as root: USB devices are accessible");
    else if (rules_irec && rules_mux) report(&d, "permissions", PASS, "udev rules for Recovery/DFU and usbmuxd are installed");
    else report(&d, "permissions", FAIL, "missing udev rules (%s%s): USB access will be denied; install libirecovery-common and usbmuxd",
                rules_irec ? "" : "39-libirecovery.rules ", rules_mux ? "" : "39-usbmuxd.rules");
    if (access("/dev/bus/usb", R_OK) != 0) report(&d, "usb", FAIL, "no /dev/bus/usb: this machine has no USB");
    else report(&d, "usb", PASS, "/dev/bus/usb present");

    if (package_version("libirecovery-1.0-3", v, sizeof v) == 0) {
        if (strncmp(v, "1.0.0", 5) == 0)
            report(&d, "libirecovery", WARN, "%s: knows no model after iPhone12,8 and crashes with two Recovery/DFU devices; "
                   "ibench uses its own model table and USB code, but the restore engine links it", v);
        else report(&d, "libirecovery", PASS, "%s", v);
    }
    if (package_version("libimobiledevice6", v, sizeof v) == 0) report(&d, "libimobile", PASS, "%s", v);
    if (package_version("libusbmuxd6", v, sizeof v) == 0) report(&d, "libusbmuxd", PASS, "%s", v);
    check_engine(&d);
    check_dir(&d, "cache", c->cache_dir);
    check_dir(&d, "state", c->state_dir);
    check_catalog(&d);
    check_jobs(&d);

    if (d.arr) {
        json_t *o = json_pack("{s:o, s:i, s:i}", "checks", d.arr, "failures", d.fails, "warnings", d.warns);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
    } else {
        printf("\n%d failure%s, %d warning%s\n", d.fails, d.fails == 1 ? "" : "s", d.warns, d.warns == 1 ? "" : "s");
    }
    return d.fails ? EXIT_ENVIRONMENT : EXIT_OK;
}
