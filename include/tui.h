/* The console's screen state, shared by its parts: cmd_tui.c (loop wiring,
 * drawing, navigation keys) and tui_actions.c (keys that act on a device:
 * confirmations, the one-line prompt, software actions). Everything here
 * runs on the loop thread. */
#ifndef IBENCH_TUI_H
#define IBENCH_TUI_H
#include "console.h"
#include "dfu_helper.h"

enum tab { TAB_DETAIL, TAB_GUIDE, TAB_LOG, TAB_COUNT };

enum tui_pending {          /* what a confirmation or prompt is for */
    PEND_NONE, PEND_EXIT_RECOVERY, PEND_ENTER_RECOVERY, PEND_REBOOT, PEND_COMMAND, PEND_UPLOAD_PATH, PEND_UPLOAD,
    PEND_COMMAND_TEXT,
};

struct tui {
    struct console con;
    struct config *cfg;
    int dirty, quit, help, color;
    unsigned selected;           /* device id */
    enum tab tab;
    int guide_action;
    struct loop_timer *clock;
    char message[160];
    struct { unsigned dev_id; int used; enum dfu_state last; struct dfu_helper h; } dfu[16];
    struct loop_timer *dfu_tick;
    /* a question (y/N) or a line being typed, about one device */
    enum tui_pending pending;
    int prompting;               /* 1: typing into `input`; 0: waiting for y/N */
    unsigned pending_dev;
    char question[200], input[256];
};

struct device *tui_selected(struct tui *t);
/* Action keys (x e b c u :) and the keys of an open question or prompt.
 * Returns 1 if it handled the key. */
int tui_action_key(struct tui *t, int ch);
/* The key bar's action hints for the selected device. */
void tui_action_hints(const struct tui *t, const struct device *d, char *out, size_t n);
/* Waits (briefly) for background lockdownd actions before the console closes. */
void tui_actions_drain(void);

#endif
