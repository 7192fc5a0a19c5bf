/* ibench entry point: global options, configuration, then one subcommand.
 * The only file that calls exit(). */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "models_tables.h"
#include "config.h"

struct command {
    const char *name;
    int (*fn)(struct config *, int, char **);
    const char *summary;
};

static const struct command commands[] = {
    {"tui",      cmd_tui,      "the live console (default)"},
    {"list",     cmd_list,     "print the devices attached now"},
    {"watch",    cmd_watch,    "print one line per device event until interrupted"},
    {"models",   cmd_models,   "print the model table"},
    {"identify", cmd_identify, "identify a device from its iBoot/SecureROM serial string"},
    {"guide",    cmd_guide,    "button steps: guide MODEL [recovery|exit-recovery|dfu|exit-dfu]"},
    {"dfu",      cmd_dfu,      "DFU helper countdown for one device: dfu DEVICE"},
    {"recovery", cmd_recovery, "recovery enter|exit DEVICE"},
    {"reboot",   cmd_reboot,   "reboot DEVICE"},
    {"send",     cmd_send,     "send DEVICE FILE: upload to a Recovery/DFU device"},
    {"cmd",      cmd_cmd,      "cmd DEVICE \"COMMAND\": one iBoot command"},
    {"fw",       cmd_fw,       "firmware: fw list|get|cache|verify|prune"},
    {"ipsw",     cmd_ipsw,     "IPSW files: ipsw info|extract FILE|URL"},
    {"restore",  cmd_restore,  "restore DEVICE [--ipsw FILE|--build BUILD|--latest] [--erase]"},
    {"jobs",     cmd_jobs,     "list restore jobs"},
    {"history",  cmd_history,  "restore history [--json|--csv]"},
    {"doctor",   cmd_doctor,   "check the bench: usbmuxd, permissions, engine, cache"},
};

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: ibench [OPTIONS] [COMMAND [ARGS...]] (options may also follow the command)\n"
        "A text-mode repair console for iPhones and iPads.\n\n"
        "Options:\n"
        "  -c, --config FILE   configuration file (default $XDG_CONFIG_HOME/ibench/config)\n"
        "      --api URL       firmware catalog base URL (default https://api.ipsw.me)\n"
        "      --cache DIR     firmware cache folder\n"
        "      --state DIR     jobs, logs and history folder\n"
        "      --engine PATH   restore engine (default: idevicerestore on PATH)\n"
        "  -j, --json          machine-readable output where supported\n"
        "  -y, --yes           answer yes to confirmations (scripts)\n"
        "      --ascii         ASCII line drawing\n"
        "      --no-color      monochrome (also NO_COLOR=1)\n"
        "      --demo          the console with a DEMO banner (make demo plays an emulated bench)\n"
        "  -h, --help          this help\n"
        "  -V, --version       print the version\n\n"
        "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit codes: 0 ok, 1 failed, 2 usage, 3 no such device or wrong mode,\n"
               "4 network, 5 integrity, 6 cancelled, 7 environment. See ibench(1).\n");
}

/* Global options may stand anywhere on the line, before or after the
 * command and among its arguments (`ibench guide X dfu --json`,
 * `ibench restore DEV --yes`); "--" ends them. They are taken out, and the
 * command sees only its own words. */
struct global_opt { const char *name; char short_name; int has_arg; int key; };

static const struct global_opt globals[] = {
    {"config", 'c', 1, 'c'}, {"api", 0, 1, 'A'}, {"cache", 0, 1, 'C'}, {"state", 0, 1, 'S'},
    {"engine", 0, 1, 'E'}, {"json", 'j', 0, 'j'}, {"yes", 'y', 0, 'y'}, {"ascii", 0, 0, 'a'},
    {"no-color", 0, 0, 'N'}, {"demo", 0, 0, 'D'}, {"help", 'h', 0, 'h'}, {"version", 'V', 0, 'V'},
};
#define NGLOBALS (sizeof globals / sizeof globals[0])

struct parsed { const char *config, *api, *cache, *state, *engine; int json, yes, ascii, nocolor, demo, help, version; };

static void set_global(struct parsed *p, int key, const char *val)
{
    switch (key) {
    case 'c': p->config = val; break;
    case 'A': p->api = val; break;
    case 'C': p->cache = val; break;
    case 'S': p->state = val; break;
    case 'E': p->engine = val; break;
    case 'j': p->json = 1; break;
    case 'y': p->yes = 1; break;
    case 'a': p->ascii = 1; break;
    case 'N': p->nocolor = 1; break;
    case 'D': p->demo = 1; break;
    case 'h': p->help = 1; break;
    case 'V': p->version = 1; break;
    }
}

/* Takes the global options out of argv into p; the rest (the command and
 * its words) go to rest. -1 with a message on a global option without its
 * value. */
static int take_globals(int argc, char **argv, struct parsed *p, char **rest, int *nrest)
{
    *nrest = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { while (i < argc) rest[(*nrest)++] = argv[i++]; break; }
        const struct global_opt *g = NULL;
        const char *val = NULL;
        if (a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            for (size_t k = 0; k < NGLOBALS && !g; k++)
                if (strlen(globals[k].name) == len && !strncmp(a + 2, globals[k].name, len)) g = &globals[k];
            if (g && eq) {
                if (!g->has_arg) { fprintf(stderr, "ibench: --%s takes no value\n", g->name); return -1; }
                val = eq + 1;
            }
        } else if (a[0] == '-' && a[1] && !a[2]) {
            for (size_t k = 0; k < NGLOBALS && !g; k++)
                if (globals[k].short_name == a[1]) g = &globals[k];
        }
        if (!g) { rest[(*nrest)++] = argv[i]; continue; }
        if (g->has_arg && !val) {
            if (i + 1 >= argc) { fprintf(stderr, "ibench: --%s needs a value\n", g->name); return -1; }
            val = argv[++i];
        }
        set_global(p, g->key, val);
    }
    rest[*nrest] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    struct parsed p = {0};
    setlocale(LC_ALL, "");
    signal(SIGPIPE, SIG_IGN);
    char **rest = calloc((size_t)argc + 2, sizeof *rest);
    int nrest = 0;
    if (!rest) return EXIT_FAIL;
    if (take_globals(argc, argv, &p, rest + 1, &nrest) < 0) { usage(stderr); free(rest); return EXIT_USAGE; }
    if (nrest && rest[1][0] == '-' && strcmp(rest[1], "--")) {
        fprintf(stderr, "ibench: unknown option '%s' (try ibench --help)\n", rest[1]);
        free(rest);
        return EXIT_USAGE;
    }
    if (p.help) { usage(stdout); free(rest); return EXIT_OK; }
    if (p.version) { printf("ibench %s\n", IBENCH_VERSION); free(rest); return EXIT_OK; }

    static struct config cfg;
    char err[256];
    if (config_load(&cfg, p.config, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        free(rest);
        return EXIT_USAGE;
    }
    if (p.api) snprintf(cfg.api_url, sizeof cfg.api_url, "%s", p.api);
    if (p.cache) snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s", p.cache);
    if (p.state) snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s", p.state);
    if (p.engine) snprintf(cfg.engine, sizeof cfg.engine, "%s", p.engine);
    models_tables_load(&cfg, stderr);
    cfg.json |= p.json; cfg.yes |= p.yes; cfg.ascii |= p.ascii; cfg.no_color |= p.nocolor; cfg.demo |= p.demo;

    /* rest[1..nrest] is the command and its words; rest[0] stays free so a
     * command's getopt sees its name in argv[0]. */
    int sub_argc = nrest;
    char **sub_argv = rest + 1;
    static char *tui_argv[] = {"tui", NULL};
    if (sub_argc == 0) { sub_argc = 1; sub_argv = tui_argv; }
    int rc = EXIT_USAGE;
    size_t i;
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(sub_argv[0], commands[i].name) == 0) {
            optind = 0; /* 0 makes glibc re-initialise getopt for the command's own options */
            rc = commands[i].fn(&cfg, sub_argc, sub_argv);
            break;
        }
    }
    if (i == sizeof commands / sizeof commands[0])
        fprintf(stderr, "ibench: unknown command '%s' (try ibench --help)\n", sub_argv[0]);
    free(rest);
    return rc;
}
