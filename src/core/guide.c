/* Button sequences per scheme (home, voldown, faceid, ipad_top). Timings are
 * the tool conventions of the DFU helpers technicians know: 10 s first hold,
 * 5 s with both buttons, 8 s on the last button; S5L8900 devices need 13 s on
 * Home because they go through WTF mode first. */
#include "guide.h"

#include <stdio.h>
#include <string.h>

const char *const guide_advice[] = {
    "Recovery is a last resort: try a normal restart first.",
    "Connect the cable to the computer first, then put the device in Recovery or DFU.",
    "Update before Restore: Update reinstalls iOS and keeps the data; Restore (Erase) wipes the device.",
    "Back up first where the device still boots.",
    "Error 4013: usually the cable, the port or a hub (try another cable and a port on the computer itself), sometimes hardware.",
    "Error 3194: Apple's signing server could not be reached, or that iOS build is no longer signed.",
    "DFU mode shows a black screen. If the Apple logo appears, the Side/Top button was held too long.",
    NULL,
};

static const char *const keys[GUIDE_ACTIONS] = {"recovery", "exit-recovery", "dfu", "exit-dfu"};
static const char *const titles[GUIDE_ACTIONS] = {"Enter Recovery", "Exit Recovery", "Enter DFU", "Exit DFU"};

const char *guide_action_key(enum guide_action a) { return (unsigned)a < GUIDE_ACTIONS ? keys[a] : "?"; }
const char *guide_action_title(enum guide_action a) { return (unsigned)a < GUIDE_ACTIONS ? titles[a] : "?"; }

int guide_action_parse(const char *s)
{
    for (int i = 0; i < GUIDE_ACTIONS; i++)
        if (s && strcmp(s, keys[i]) == 0) return i;
    if (s && strcmp(s, "enter-recovery") == 0) return GUIDE_ENTER_RECOVERY;
    if (s && strcmp(s, "enter-dfu") == 0) return GUIDE_ENTER_DFU;
    return -1;
}

/* Side button on iPhone 6 and later; Top on older iPhones, iPads and iPods. */
static const char *power_button(const struct model *m)
{
    int major = 0;
    if (sscanf(m->product_type, "iPhone%d,", &major) == 1 && major >= 7)
        return strcmp(m->product_type, "iPhone8,4") == 0 ? "Top" : "Side";
    return "Top";
}

static void step(struct guide *g, int hold_ms, const char *fmt, const char *a, const char *b)
{
    if (g->nsteps >= GUIDE_MAX_STEPS) return;
    struct guide_step *s = &g->steps[g->nsteps++];
    snprintf(s->text, sizeof s->text, fmt, a, b);
    s->hold_ms = hold_ms;
}

/* The two quick presses that start every sequence on the volume-button schemes. */
static void vol_presses(struct guide *g)
{
    step(g, 0, "Press and quickly release Volume Up%s%s", "", "");
    step(g, 0, "Press and quickly release Volume Down%s%s", "", "");
}

/* The buttons held together on schemes without the volume prelude. */
static const char *combo(enum button_scheme s)
{
    return s == SCHEME_HOME ? "Home" : "Volume Down";
}

int guide_build(const struct model *m, enum guide_action a, const int dfu_ms[3], struct guide *g)
{
    static const int def[3] = {10000, 5000, 8000};
    if (!dfu_ms) dfu_ms = def;
    memset(g, 0, sizeof *g);
    if (!m || m->scheme == SCHEME_NONE || (unsigned)a >= GUIDE_ACTIONS) return -1;
    g->action = a;
    g->scheme = m->scheme;
    g->power = power_button(m);
    const char *P = g->power;
    int prelude = m->scheme == SCHEME_FACEID || m->scheme == SCHEME_IPAD_TOP;

    switch (a) {
    case GUIDE_ENTER_RECOVERY:
        if (prelude) {
            vol_presses(g);
            step(g, GUIDE_UNTIL, "Press and hold %s; keep holding past the Apple logo%s", P, "");
        } else {
            step(g, GUIDE_UNTIL, "Press and hold %s and %s together; keep holding past the Apple logo", P, combo(m->scheme));
        }
        snprintf(g->outcome, sizeof g->outcome, "Release when the recovery screen (a computer and a cable) appears.");
        snprintf(g->note, sizeof g->note, "Connect the cable first. ibench shows the device in Recovery on its USB port.");
        break;
    case GUIDE_EXIT_RECOVERY:
    case GUIDE_EXIT_DFU:
        if (prelude) {
            vol_presses(g);
            step(g, GUIDE_UNTIL, "Press and hold %s until the Apple logo appears%s", P, "");
        } else {
            step(g, GUIDE_UNTIL, "Press and hold %s and %s together until the Apple logo appears", P, combo(m->scheme));
        }
        snprintf(g->outcome, sizeof g->outcome, "The device restarts; it boots iOS if iOS is intact.");
        if (a == GUIDE_EXIT_RECOVERY)
            snprintf(g->note, sizeof g->note, "Software can do this too: `ibench recovery exit DEVICE` sets auto-boot and reboots.");
        else
            snprintf(g->note, sizeof g->note, "DFU can only be left by this force restart; software cannot leave it.");
        break;
    case GUIDE_ENTER_DFU:
        if (prelude) {
            vol_presses(g);
            step(g, dfu_ms[0], "Press and hold %s%s", P, "");
            step(g, dfu_ms[1], "Keep holding %s and also hold %s", P, "Volume Down");
            step(g, dfu_ms[2], "Release %s; keep holding %s", P, "Volume Down");
        } else {
            int last = dfu_ms[2];
            if (m->cpid == 0x8900) last = dfu_ms[2] + 5000; /* S5L8900: through WTF mode */
            step(g, dfu_ms[0], "Press and hold %s and %s together", P, combo(m->scheme));
            step(g, last, "Release %s; keep holding %s", P, combo(m->scheme));
        }
        snprintf(g->outcome, sizeof g->outcome, "The screen stays black and ibench shows DFU on the port. Then release.");
        snprintf(g->note, sizeof g->note, "An Apple logo means %s was held too long; a recovery screen means it was released too late. Start again.", P);
        break;
    default:
        return -1;
    }
    return 0;
}

int guide_same(const struct model *a, const struct model *b, const int dfu_ms[3])
{
    for (int act = 0; act < GUIDE_ACTIONS; act++) {
        struct guide x, y;
        int rx = guide_build(a, (enum guide_action)act, dfu_ms, &x), ry = guide_build(b, (enum guide_action)act, dfu_ms, &y);
        if (rx != ry) return 0;
        if (rx < 0) continue;
        if (x.nsteps != y.nsteps || strcmp(x.power, y.power) || strcmp(x.outcome, y.outcome) || strcmp(x.note, y.note)) return 0;
        for (int i = 0; i < x.nsteps; i++)
            if (x.steps[i].hold_ms != y.steps[i].hold_ms || strcmp(x.steps[i].text, y.steps[i].text)) return 0;
    }
    return 1;
}
