/* Placeholder until this area lands; see the issue tracker. */
#include <stdio.h>
#include "commands.h"
int cmd_list(struct config *c, int argc, char **argv)
{
    (void)c; (void)argc;
    fprintf(stderr, "ibench: %s: not available in this build\n", argv[0]);
    return EXIT_FAIL;
}
int cmd_watch(struct config *c, int argc, char **argv)
{
    (void)c; (void)argc;
    fprintf(stderr, "ibench: %s: not available in this build\n", argv[0]);
    return EXIT_FAIL;
}
