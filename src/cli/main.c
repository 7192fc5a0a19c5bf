/* ibench entry point: global options, configuration, then one subcommand.
 * The only file that calls exit(). */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
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
        "Usage: ibench [OPTIONS] [COMMAND [ARGS...]]\n"
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
        "  -h, --help          this help\n"
        "  -V, --version       print the version\n\n"
        "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit codes: 0 ok, 1 failed, 2 usage, 3 no such device or wrong mode,\n"
               "4 network, 5 integrity, 6 cancelled, 7 environment. See ibench(1).\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'}, {"api", required_argument, 0, 'A'},
        {"cache", required_argument, 0, 'C'},  {"state", required_argument, 0, 'S'},
        {"engine", required_argument, 0, 'E'}, {"json", no_argument, 0, 'j'},
        {"yes", no_argument, 0, 'y'},          {"ascii", no_argument, 0, 'a'},
        {"no-color", no_argument, 0, 'N'},     {"demo", no_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},         {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    const char *config_path = NULL, *api = NULL, *cache = NULL, *state = NULL, *engine = NULL;
    int json = 0, yes = 0, ascii = 0, nocolor = 0, demo = 0, ch;

    setlocale(LC_ALL, "");
    signal(SIGPIPE, SIG_IGN);
    while ((ch = getopt_long(argc, argv, "+c:jyhV", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': config_path = optarg; break;
        case 'A': api = optarg; break;
        case 'C': cache = optarg; break;
        case 'S': state = optarg; break;
        case 'E': engine = optarg; break;
        case 'j': json = 1; break;
        case 'y': yes = 1; break;
        case 'a': ascii = 1; break;
        case 'N': nocolor = 1; break;
        case 'D': demo = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf("ibench %s\n", IBENCH_VERSION); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }

    static struct config cfg;
    char err[256];
    if (config_load(&cfg, config_path, err, sizeof err) < 0) {
        fprintf(stderr, "ibench: %s\n", err);
        return EXIT_USAGE;
    }
    if (api) snprintf(cfg.api_url, sizeof cfg.api_url, "%s", api);
    if (cache) snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s", cache);
    if (state) snprintf(cfg.state_dir, sizeof cfg.state_dir, "%s", state);
    if (engine) snprintf(cfg.engine, sizeof cfg.engine, "%s", engine);
    cfg.json |= json; cfg.yes |= yes; cfg.ascii |= ascii; cfg.no_color |= nocolor; cfg.demo |= demo;

    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    static char *tui_argv[] = {"tui", NULL};
    if (sub_argc == 0) { sub_argc = 1; sub_argv = tui_argv; }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(sub_argv[0], commands[i].name) == 0) {
            optind = 0; /* 0 makes glibc re-initialise getopt for the command's own options */
            return commands[i].fn(&cfg, sub_argc, sub_argv);
        }
    }
    fprintf(stderr, "ibench: unknown command '%s' (try ibench --help)\n", sub_argv[0]);
    return EXIT_USAGE;
}
