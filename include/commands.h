/* Subcommands. Each takes the loaded configuration and its own argv
 * (argv[0] is the subcommand name) and returns a process exit code. */
#ifndef IBENCH_COMMANDS_H
#define IBENCH_COMMANDS_H
#include "config.h"
#include "exit_codes.h"


int cmd_tui(struct config *c, int argc, char **argv);
int cmd_models(struct config *c, int argc, char **argv);
int cmd_identify(struct config *c, int argc, char **argv);
int cmd_list(struct config *c, int argc, char **argv);
int cmd_watch(struct config *c, int argc, char **argv);
int cmd_guide(struct config *c, int argc, char **argv);
int cmd_recovery(struct config *c, int argc, char **argv);
int cmd_reboot(struct config *c, int argc, char **argv);
int cmd_send(struct config *c, int argc, char **argv);
int cmd_cmd(struct config *c, int argc, char **argv);
int cmd_dfu(struct config *c, int argc, char **argv);
int cmd_fw(struct config *c, int argc, char **argv);
int cmd_ipsw(struct config *c, int argc, char **argv);
int cmd_restore(struct config *c, int argc, char **argv);
int cmd_jobs(struct config *c, int argc, char **argv);
int cmd_history(struct config *c, int argc, char **argv);
int cmd_doctor(struct config *c, int argc, char **argv);

/* Shared by headless commands: asks "question [y/N]" on the terminal; true on yes.
 * With --yes it returns true; with no terminal and no --yes it returns false. */
int confirm(const struct config *c, const char *question);

#endif
