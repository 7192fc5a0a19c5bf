/* Confirmation for headless actions that change a device. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

int confirm(const struct config *c, const char *question)
{
    if (c->yes) return 1;
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "ibench: %s — refusing without a terminal; pass --yes to confirm\n", question);
        return 0;
    }
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[32];
    if (!fgets(line, sizeof line, stdin)) return 0;
    return line[0] == 'y' || line[0] == 'Y';
}
