/* Restore-engine output. Lines end in \n, or \r when the progress bar redraws
 * itself; both complete a line. Recognised lines update the state, and every
 * line goes to the log callback, recognised or not.
 *
 * Two formats: 1.0.0 prints `progress: <step> <fraction>` for steps 0-6;
 * upstream adds step 7 (upload image) and lines `<Label>: <pct>` (Downloading,
 * Verifying, Extracting, Uploading or a component name) within a step. */
#include "engine_parse.h"
#include "sanitize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Share of the whole restore each step stands for (per mille, adds to 1000). */
static const int step_weight[8] = {20, 60, 420, 120, 280, 60, 30, 10};

void engine_parse_init(struct engine_state *s, void (*on_line)(void *, const char *), void *ctx)
{
    memset(s, 0, sizeof *s);
    s->step = -1;
    s->operation_code = -1;
    s->on_line = on_line;
    s->ctx = ctx;
}

static const char *const step_names[8] = {"detect", "prepare", "upload filesystem", "verify filesystem",
                                          "flash firmware", "flash baseband", "FUD", "upload image"};

const char *engine_step_name(int step) { return step >= 0 && step < 8 ? step_names[step] : ""; }

int engine_progress_words(const char *line, char *out, size_t n)
{
    int step;
    double f;
    char tail;
    if (sscanf(line, "progress: %d %lf%c", &step, &f, &tail) != 2 || step < 0 || step > 7 || !isfinite(f)) return -1;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    snprintf(out, n, "Step %d, %s: %d%%", step, step_names[step], (int)(f * 100 + 0.5));
    return step;
}

static void set_progress(struct engine_state *s, int step, double f)
{
    if (step < 0 || step > 7 || !isfinite(f)) return;  /* "nan"/"inf" from the engine */
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    s->step = step;
    s->step_fraction = f;
    int base = 0;
    for (int i = 0; i < step; i++) base += step_weight[i];
    int p = base + (int)(step_weight[step] * f);
    if (p > s->progress) s->progress = p; /* never goes backwards on screen */
}

static int starts(const char *l, const char *p) { return strncmp(l, p, strlen(p)) == 0; }

/* Upstream's "<Label>: <pct>" ("Uploading: 45", "Verifying: 0.5", "Cryptex1,SystemOS: 12%"):
 * a short label of letters, digits, spaces and ,._- starting with a letter,
 * then a lone number 0-100 (a fraction when it has a point and is at most 1). */
static int label_line(struct engine_state *s, const char *l)
{
    const char *colon = strchr(l, ':');
    size_t n = colon ? (size_t)(colon - l) : 0;
    if (!colon || n == 0 || n >= sizeof s->label || !((l[0] >= 'A' && l[0] <= 'Z') || (l[0] >= 'a' && l[0] <= 'z'))) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = l[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' || c == ',' ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    if (!strncmp(l, "ECID", 4) || !strncmp(l, "Status", 6) || !strncmp(l, "ERROR", 5) || !strncmp(l, "progress", 8)) return 0;
    char name[sizeof s->label];
    memcpy(name, l, n);
    name[n] = 0;
    if (strstr(name, "ersion") || strstr(name, "Build") || strstr(name, "Nonce") || strstr(name, "ID")) return 0;   /* facts, not progress */
    const char *v = colon + 1;
    while (*v == ' ') v++;
    char *end;
    double x = strtod(v, &end);
    if (end == v || (*v != '.' && (*v < '0' || *v > '9'))) return 0;
    int percent = *end == '%';
    if (percent) end++;
    while (*end == ' ') end++;
    if (*end || x < 0 || x > 100) return 0;
    double f = percent || !strchr(v, '.') || x > 1 ? x / 100.0 : x;
    size_t k = n;
    while (k && l[k - 1] == ' ') k--;
    memcpy(s->label, l, k);
    s->label[k] = 0;
    if (s->step >= 0) {
        /* within the current step, never backwards */
        if (f > s->step_fraction) set_progress(s, s->step, f);
    }
    return 1;
}

static void copy_field(char *dst, size_t n, const char *src, size_t len)
{
    if (len >= n) len = n - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

static void parse_line(struct engine_state *s, const char *l)
{
    int step;
    double f;
    char tail;
    if (sscanf(l, "progress: %d %lf%c", &step, &f, &tail) == 2) { set_progress(s, step, f); return; }
    if (starts(l, "Found device in ") && strstr(l, " mode")) {
        const char *m = l + strlen("Found device in ");
        copy_field(s->mode_found, sizeof s->mode_found, m, (size_t)(strstr(m, " mode") - m));
        set_progress(s, 0, 1);
        return;
    }
    if (starts(l, "ECID: ")) { s->ecid = strtoull(l + 6, NULL, 10); return; }
    if (label_line(s, l)) return;
    if (starts(l, "Identified device as ")) {
        const char *a = l + strlen("Identified device as "), *comma = strstr(a, ", ");
        if (comma) {
            copy_field(s->board, sizeof s->board, a, (size_t)(comma - a));
            copy_field(s->product, sizeof s->product, comma + 2, strlen(comma + 2));
        }
        return;
    }
    if (strstr(l, "Status: Restore Finished") || strcmp(l, "DONE") == 0) {
        s->status = ENGINE_FINISHED;
        s->progress = 1000;
        return;
    }
    if (starts(l, "Status: ")) { s->status = ENGINE_FAILED; copy_field(s->last_error, sizeof s->last_error, l, strlen(l)); return; }
    /* The progress bar: "<label> [=====     ]  42.0%" */
    const char *br = strchr(l, '['), *pct = strrchr(l, '%');
    if (br && pct && pct > br && strchr(br, ']')) {
        double v = strtod(strchr(br, ']') + 1, NULL);
        if (s->step >= 0) set_progress(s, s->step, v / 100.0);
        return;
    }
    /* Restore operations: "<text> (<code>)" */
    size_t n = strlen(l);
    if (n > 4 && l[n - 1] == ')' && !starts(l, "ERROR")) {
        const char *open = strrchr(l, '(');
        char *end;
        long code = open ? strtol(open + 1, &end, 10) : -1;
        if (open && open > l && end == l + n - 1 && code >= 0 && code < 1000) {
            copy_field(s->operation, sizeof s->operation, l, n);
            s->operation_code = (int)code;
            return;
        }
    }
    if (strstr(l, "Sending filesystem now") || strstr(l, "About to send filesystem")) {
        copy_field(s->operation, sizeof s->operation, l, n);
        if (s->step < 2) set_progress(s, 2, 0);
    }
    /* Failures that decide the triage. */
    if (strstr(l, "status=94") || strstr(l, "This device isn't eligible") || strstr(l, "not being signed"))
        s->flags |= ENGINE_SAW_TSS_94;
    if (strstr(l, "TSS request failed") || strstr(l, "Failed to connect to") || strstr(l, "Could not resolve host"))
        s->flags |= ENGINE_SAW_TSS_CONNECT;
    if (strstr(l, "Unable to get SHSH blobs") || strstr(l, "Unable to send TSS request")) s->flags |= ENGINE_SAW_SHSH;
    if (strstr(l, "Make sure that usbmuxd is running") || strstr(l, "failed to enter restore mode"))
        s->flags |= ENGINE_SAW_USBMUXD;
    if (strstr(l, "ASR") && (strstr(l, "Unable") || strstr(l, "ERROR") || strstr(l, "failed")))
        s->flags |= ENGINE_SAW_ASR;
    if (strstr(l, "aseband") && (strstr(l, "ERROR") || strstr(l, "Unable") || strstr(l, "failed")))
        s->flags |= ENGINE_SAW_BASEBAND;
    if (strstr(l, "No device found") || strstr(l, "Unable to find device") || strstr(l, "Unable to discover device mode") ||
        strstr(l, "ERROR: Device is in an invalid state"))
        s->flags |= ENGINE_SAW_NO_DEVICE;
    if (strstr(l, "Unable to discover device type") || strstr(l, "does not support") || strstr(l, "Cryptex") ||
        strstr(l, "Unknown operation"))
        s->flags |= ENGINE_SAW_TOO_OLD;
    if (strstr(l, "No space left on device")) s->flags |= ENGINE_SAW_DISK_FULL;
    /* restored's final StatusMsg was not 0: the device itself gave up */
    if (!strcmp(l, "Status: Fail") || strstr(l, "Unable to successfully restore device")) s->flags |= ENGINE_SAW_DEVICE_FAIL;
    if (starts(l, "ERROR") || strstr(l, "Unable to restore device")) {
        copy_field(s->last_error, sizeof s->last_error, l, n);
        if (strstr(l, "Unable to restore device")) s->status = ENGINE_FAILED;
    }
}

static void end_line(struct engine_state *s)
{
    s->line[s->len] = 0;
    /* Tabs and other control bytes become spaces; escape sequences, C1 controls,
     * bidi overrides and broken UTF-8 go through the one sanitizer. */
    for (size_t i = 0; i < s->len; i++)
        if (((unsigned char)s->line[i] < 0x20 && s->line[i] != 0x1b) || s->line[i] == 0x7f) s->line[i] = ' ';
    s->len = sanitize_text(s->line, sizeof s->line, s->line, s->len);
    if (s->len || s->truncated) {
        parse_line(s, s->line);
        if (s->on_line) s->on_line(s->ctx, s->line);
    }
    s->len = 0;
    s->truncated = 0;
}

void engine_parse_feed(struct engine_state *s, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\n' || c == '\r') { end_line(s); continue; }
        if (s->len < sizeof s->line - 1) s->line[s->len++] = c;
        else s->truncated = 1;
    }
}

void engine_parse_finish(struct engine_state *s)
{
    if (s->len) end_line(s);
}

const char *engine_triage_key(enum engine_triage t)
{
    static const char *const k[] = {"none", "not_signed", "tss_unreachable", "usbmuxd", "fs_transfer",
                                    "baseband", "device", "engine_too_old", "disk_full", "device_failed", "unknown"};
    return (unsigned)t <= TRIAGE_UNKNOWN ? k[t] : "unknown";
}

enum engine_triage engine_triage(const struct engine_state *s, int exit_code, int *retryable,
                                 const char **cause, const char **next)
{
    *retryable = 0;
    if (exit_code == 0 && s->status != ENGINE_FAILED) {
        *cause = "The restore finished.";
        *next = "The device reboots into iOS; finish setup on the device.";
        return TRIAGE_NONE;
    }
    unsigned f = s->flags;
    if (f & ENGINE_SAW_TSS_94) {
        *cause = "Apple's signing server refused this build for this device: it is no longer signed (TSS status 94).";
        *next = "Choose a signed build (ibench fw list PRODUCT --signed) and restore again.";
        return TRIAGE_NOT_SIGNED;
    }
    if (f & ENGINE_SAW_DISK_FULL) {
        *cause = "The disk filled up while the engine extracted files.";
        *next = "Free space in the cache folder (ibench fw prune) and try again.";
        return TRIAGE_DISK_FULL;
    }
    if (f & ENGINE_SAW_TSS_CONNECT) {
        *retryable = 1;
        *cause = "Apple's signing server could not be reached (error 3194 in Finder's words).";
        *next = "Check the bench's internet connection, proxy and firewall to gs.apple.com, then retry.";
        return TRIAGE_TSS_UNREACHABLE;
    }
    if (f & ENGINE_SAW_USBMUXD) {
        *retryable = 1;
        *cause = "The device did not reach restore mode: usbmuxd is not running or did not see it.";
        *next = "Start usbmuxd (systemctl start usbmuxd), then retry; the device is probably in Recovery.";
        return TRIAGE_USBMUXD;
    }
    if (f & ENGINE_SAW_ASR) {
        *retryable = 1;
        *cause = "Sending the filesystem failed mid-transfer (error 4013 in Finder's words): cable, port or hub.";
        *next = "Use another cable and a port on the computer itself, no hub, then retry.";
        return TRIAGE_FS_TRANSFER;
    }
    if (f & ENGINE_SAW_BASEBAND) {
        *cause = "Updating the baseband (cellular modem) failed; often a hardware fault.";
        *next = "Retry once; if it fails again the logic board needs inspection.";
        return TRIAGE_BASEBAND;
    }
    if (f & ENGINE_SAW_TOO_OLD) {
        *cause = "The restore engine is too old for this device or iOS version.";
        *next = "Install a newer idevicerestore (and libirecovery) and point ibench at it with --engine.";
        return TRIAGE_ENGINE_TOO_OLD;
    }
    if (f & ENGINE_SAW_NO_DEVICE) {
        *retryable = 1;
        *cause = "The engine did not find the device, or found it in the wrong mode.";
        *next = "Check that the device is on the bench in Recovery or DFU and that no other restore uses it.";
        return TRIAGE_DEVICE;
    }
    if (f & ENGINE_SAW_DEVICE_FAIL) {
        *retryable = 1;
        *cause = "The device itself reported that the restore failed (restored's final status), after the engine had "
                 "sent what it asked for.";
        *next = "Retry once as an Update; if it fails again at the same step, try an Erase; a repeat failure while "
                "flashing firmware points to a hardware fault.";
        return TRIAGE_DEVICE_FAILED;
    }
    if (f & ENGINE_SAW_SHSH) {
        *retryable = 1;
        *cause = "The engine could not get signing blobs for the device.";
        *next = "Check the network to Apple's signing server and retry.";
        return TRIAGE_TSS_UNREACHABLE;
    }
    *cause = "The restore failed for a reason ibench does not recognise.";
    *next = "Read the end of the job's log; retry once, then try another cable and port.";
    return TRIAGE_UNKNOWN;
}
