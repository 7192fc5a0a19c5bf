/* Button guides: how to enter and leave Recovery and DFU on a given model,
 * with the model's own button names and timed holds. Pure. */
#ifndef IBENCH_GUIDE_H
#define IBENCH_GUIDE_H
#include "models.h"

enum guide_action {
    GUIDE_ENTER_RECOVERY,
    GUIDE_EXIT_RECOVERY,   /* force restart (or software: ibench recovery exit) */
    GUIDE_ENTER_DFU,
    GUIDE_EXIT_DFU,        /* force restart only: DFU cannot be left in software */
    GUIDE_ACTIONS
};

#define GUIDE_UNTIL (-1)   /* hold until the screen says so, not for a set time */
#define GUIDE_MAX_STEPS 8

struct guide_step {
    char text[96];
    int hold_ms;           /* 0 press and release, >0 hold that long, GUIDE_UNTIL */
};

struct guide {
    enum guide_action action;
    enum button_scheme scheme;
    const char *power;     /* "Side" or "Top" for this model */
    int nsteps;
    struct guide_step steps[GUIDE_MAX_STEPS];
    char outcome[160];     /* what the technician should see when it worked */
    char note[200];        /* caveats for this action */
};

/* Builds the guide for model m (its scheme and product type pick the buttons).
 * dfu_ms: first hold, both held, last hold; NULL for the defaults 10 s, 5 s, 8 s.
 * Returns -1 when the model has no button scheme (Watch, Mac, ...). */
int guide_build(const struct model *m, enum guide_action a, const int dfu_ms[3], struct guide *out);
/* 1 when every guide of a and b is the same, step for step (one guide then
 * serves both). */
int guide_same(const struct model *a, const struct model *b, const int dfu_ms[3]);
const char *guide_action_key(enum guide_action a);    /* "recovery", "exit-recovery", "dfu", "exit-dfu" */
const char *guide_action_title(enum guide_action a);  /* "Enter Recovery" ... */
int guide_action_parse(const char *s);

/* Practical advice for every bench, NULL-terminated. */
extern const char *const guide_advice[];

#endif
