/* `ibench guide MODEL [ACTION]`: button steps for one model, on the terminal
 * or as JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "duration.h"
#include "guide.h"
#include "model_match.h"
#include "models.h"

#define GUIDE_FIT_MAX 48

/* The model a guide is for: one that fits, or several whose guides are the
 * same step for step. NULL after saying why not (none, or several that differ). */
static const struct model *pick(const struct config *c, const char *what, const struct model **fit, size_t *nfit)
{
    size_t n = models_match(what, fit, GUIDE_FIT_MAX);
    if (n == 0) {
        const struct model *near = models_nearest(what);
        if (near) fprintf(stderr, "ibench: unknown model '%s'; did you mean '%s' (%s)?\n", what, near->name, near->product_type);
        else fprintf(stderr, "ibench: unknown model '%s' (product type, board or name; see `ibench models`)\n", what);
        return NULL;
    }
    size_t shown = n < GUIDE_FIT_MAX ? n : GUIDE_FIT_MAX;
    int same = n <= GUIDE_FIT_MAX;
    for (size_t i = 1; i < shown && same; i++) same = guide_same(fit[0], fit[i], c->dfu_hold_ms);
    if (!same) {
        fprintf(stderr, "ibench: '%s' fits %zu models whose buttons differ; name one:\n", what, n);
        for (size_t i = 0; i < shown; i++)
            fprintf(stderr, "  %-14s %-36s %s\n", fit[i]->product_type, fit[i]->name, scheme_key(fit[i]->scheme));
        if (n > shown) fprintf(stderr, "  ... and %zu more\n", n - shown);
        return NULL;
    }
    *nfit = n;
    return fit[0];
}

static void hold_text(char *out, size_t n, int ms)
{
    if (ms == GUIDE_UNTIL) snprintf(out, n, "until it shows");
    else if (ms == 0) snprintf(out, n, "press");
    else duration_format(out, n, (ms + 500) / 1000 * 1000);
}

int cmd_guide(struct config *c, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "+j", opts, NULL)) != -1) {
        if (ch == 'j') c->json = true;
        else return EXIT_USAGE;
    }
    int nargs = argc - optind;
    if (nargs < 1 || nargs > 2) {
        fprintf(stderr, "usage: ibench guide MODEL [recovery|exit-recovery|dfu|exit-dfu] [--json]\n");
        return EXIT_USAGE;
    }
    const struct model *fit[GUIDE_FIT_MAX];
    size_t nfit = 0;
    const struct model *m = pick(c, argv[optind], fit, &nfit);
    if (!m) return EXIT_USAGE;
    int only = -1;
    if (nargs == 2 && (only = guide_action_parse(argv[optind + 1])) < 0) {
        fprintf(stderr, "ibench: unknown action '%s': recovery, exit-recovery, dfu or exit-dfu\n", argv[optind + 1]);
        return EXIT_USAGE;
    }
    if (m->scheme == SCHEME_NONE) {
        fprintf(stderr, "ibench: %s (%s) has no button guide here: only iPhone, iPad and iPod touch\n", m->name, m->product_type);
        return EXIT_NODEVICE;
    }
    json_t *arr = c->json ? json_array() : NULL;
    if (!c->json) {
        printf("%s (%s, %s) - button scheme %s\n", m->name, m->product_type, m->board, scheme_key(m->scheme));
        if (nfit > 1) printf("The same steps serve all %zu models that fit '%s':\n", nfit, argv[optind]);
        for (size_t i = 0; i < nfit && nfit > 1; i++) printf("  %-14s %s\n", fit[i]->product_type, fit[i]->name);
    }
    for (int a = 0; a < GUIDE_ACTIONS; a++) {
        if (only >= 0 && a != only) continue;
        struct guide g;
        if (guide_build(m, (enum guide_action)a, c->dfu_hold_ms, &g) < 0) continue;
        if (arr) {
            json_t *steps = json_array();
            for (int i = 0; i < g.nsteps; i++)
                json_array_append_new(steps, json_pack("{s:s, s:i}", "text", g.steps[i].text, "hold_ms", g.steps[i].hold_ms));
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "action", guide_action_key(g.action),
                                                 "title", guide_action_title(g.action), "power_button", g.power,
                                                 "steps", steps, "outcome", g.outcome, "note", g.note));
            continue;
        }
        printf("\n%s\n", guide_action_title(g.action));
        for (int i = 0; i < g.nsteps; i++) {
            char h[24];
            hold_text(h, sizeof h, g.steps[i].hold_ms);
            printf("  %d. %-64s %s\n", i + 1, g.steps[i].text, h);
        }
        printf("  -> %s\n  Note: %s\n", g.outcome, g.note);
    }
    if (arr) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "product_type", m->product_type, "name", m->name,
                              "board", m->board, "scheme", scheme_key(m->scheme), "guides", arr);
        json_t *adv = json_array();
        for (int i = 0; guide_advice[i]; i++) json_array_append_new(adv, json_string(guide_advice[i]));
        json_object_set_new(o, "advice", adv);
        json_t *covers = json_array();
        for (size_t i = 0; i < nfit; i++)
            json_array_append_new(covers, json_pack("{s:s, s:s}", "product_type", fit[i]->product_type, "name", fit[i]->name));
        json_object_set_new(o, "covers", covers);
        json_dumpf(o, stdout, JSON_INDENT(1));
        putchar('\n');
        json_decref(o);
        return EXIT_OK;
    }
    printf("\nBefore you start:\n");
    for (int i = 0; guide_advice[i]; i++) printf("  - %s\n", guide_advice[i]);
    return EXIT_OK;
}
