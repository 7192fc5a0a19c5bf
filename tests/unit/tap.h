/* Minimal unit-test support: each TEST is one "ok"/"not ok" line for tests/run.sh.
 * CHECK records a failure and carries on, so one run shows every broken rule. */
#ifndef IBENCH_TAP_H
#define IBENCH_TAP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_case_failed;
static int tap_total_failed;

#define CHECK(cond) do { if (!(cond)) { tap_case_failed = 1; \
    fprintf(stdout, "#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) { tap_case_failed = 1; \
    fprintf(stdout, "#   %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) { tap_case_failed = 1; \
    fprintf(stdout, "#   %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); } } while (0)

#define TEST(name) static void name(void)
#define RUN(name) do { tap_case_failed = 0; name(); \
    printf("%s - %s\n", tap_case_failed ? "not ok" : "ok", #name); \
    tap_total_failed += tap_case_failed; fflush(stdout); } while (0)
#define TAP_DONE() (tap_total_failed ? 1 : 0)

/* A scratch folder for one test program: made from a mkdtemp template
 * ("/tmp/name.XXXXXX", changed in place), and removed with all it holds. */
static inline int tap_scratch_make(char *tmpl) { return mkdtemp(tmpl) ? 0 : -1; }
static inline void tap_scratch_remove(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

#endif
