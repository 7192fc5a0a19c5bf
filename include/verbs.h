/* The verb table: one entry per bench operation, shared by the console's
 * keys, its key bar and help, and the headless commands (tmux's cmd_entry).
 *
 * A front end resolves the device, calls verb_check() (which refuses gone,
 * unidentified, busy devices and wrong modes in the same words for every
 * front end), gets any argument, asks verb_question() in the way
 * `confirm` says, then verb_start(). The work runs in the runtime; the
 * outcome arrives as an ended op (app.h) or, for restores, a job on the
 * bench. */
#ifndef IBENCH_VERBS_H
#define IBENCH_VERBS_H
#include <stddef.h>

#include "app.h"

enum verb_id {
    VERB_EXIT_RECOVERY,     /* setenv auto-boot true, saveenv, reboot */
    VERB_ENTER_RECOVERY,    /* lockdownd EnterRecovery from Normal */
    VERB_REBOOT,            /* iBoot reboot, lockdownd restart or restored reboot */
    VERB_CMD,               /* one iBoot command */
    VERB_UPLOAD,            /* a file to a Recovery or DFU device */
    VERB_DFU,               /* the DFU helper's countdown */
    VERB_FETCH,             /* firmware for the device's model into the cache */
    VERB_OPEN_IPSW,         /* read an IPSW (file or URL) against the device */
    VERB_RESTORE,           /* Update restore: keeps data */
    VERB_ERASE,             /* Erase restore: deletes everything */
    VERB_CANCEL,            /* stop the op or restore job on the device */
    VERB_COUNT
};

enum verb_confirm {
    VERB_CONFIRM_NONE,      /* changes nothing on the device */
    VERB_CONFIRM_YES,       /* "...? [y/N]" naming the device */
    VERB_CONFIRM_DIGITS,    /* type the last 4 digits of the ECID */
};

/* Why a verb cannot run now. */
enum verb_refusal {
    VERB_OK = 0,
    VERB_NO_DEVICE,         /* not on the bench now */
    VERB_UNIDENTIFIED,      /* its identity (ECID, model) is not known */
    VERB_WRONG_MODE,        /* its mode does not allow this */
    VERB_BUSY,              /* an op or a restore job holds it */
    VERB_UNCONFIRMED,       /* the technician did not confirm */
    VERB_BAD_ARGUMENT,      /* the argument cannot be used */
};

struct verb {
    enum verb_id id;
    const char *name;           /* "exit-recovery" */
    int key;                    /* console key */
    const char *bar;            /* key bar word, "Exit" */
    const char *usage;          /* headless form, "recovery exit DEVICE" */
    const char *summary;        /* one line for ? and --help */
    const char *arg_prompt;     /* what the console asks for, NULL if no argument */
    enum verb_confirm confirm;
    /* Mode rules of this verb alone (verb_check adds presence, identity and
     * busy); VERB_OK or a refusal with its words in why. Reads state only. */
    enum verb_refusal (*check)(const struct app *a, const struct device *d, char *why, size_t n);
    const char *ask;            /* the question's verb phrase: "Exit Recovery on" (+ the device) */
    const char *what;           /* in outcomes: "exit Recovery on" (+ the device) " failed: ..." */
    /* Starts the work; returns the op id (> 0), 0 when it finished at once
     * with nothing to follow, or -1 with err. */
    int (*start)(struct app *a, const struct device *d, const char *arg, char *err, size_t n);
};

const struct verb *verb_get(enum verb_id id);
const struct verb *verb_by_key(int key);
const struct verb *verb_by_name(const char *name);

/* Every refusal, for every front end: presence, identity, busy, then the
 * verb's own rules. */
enum verb_refusal verb_check(const struct verb *v, const struct app *a, const struct device *d, char *why, size_t n);
/* The question to ask before starting, with the device named in full
 * (short_ecid where room is tight). */
void verb_question(const struct verb *v, const struct device *d, const char *arg, int short_ecid, char *out, size_t n);
/* Whether the technician must be asked (getenv, for one, changes nothing). */
int verb_needs_question(const struct verb *v, const char *arg);
/* Digits confirmation: whether typed matches the device's ECID tail. */
int verb_digits_ok(const struct device *d, const char *typed);
int verb_start(const struct verb *v, struct app *a, const struct device *d, const char *arg, char *err, size_t n);
/* The key bar for d: the keys of the verbs that pass verb_check now. */
void verb_key_bar(const struct app *a, const struct device *d, char *out, size_t n);
/* Process exit code for a refusal (ibench(1) EXIT STATUS). */
int verb_exit_code(enum verb_refusal r);

#endif
