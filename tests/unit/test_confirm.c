/* The headless [y/N] question (src/cli/confirm.c) on a real terminal (a
 * pty as standard input): only an explicit yes confirms; a bare Enter, a
 * no, anything else or end of input refuses; --yes confirms without asking. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "tap.h"

static int master = -1;

static int answer(const char *typed)
{
    struct config c;
    memset(&c, 0, sizeof c);
    if (typed && write(master, typed, strlen(typed)) != (ssize_t)strlen(typed)) return -1;
    return confirm(&c, "Reboot Bay 2?");
}

TEST(only_yes_confirms_at_a_terminal)
{
    CHECK(isatty(STDIN_FILENO));
    CHECK_INT(answer("\n"), 0);          /* bare Enter: the default is No */
    CHECK_INT(answer("n\n"), 0);
    CHECK_INT(answer("x\n"), 0);
    CHECK_INT(answer(" y\n"), 0);
    CHECK_INT(answer("y\n"), 1);
    CHECK_INT(answer("Y\n"), 1);
    CHECK_INT(answer("yes\n"), 1);
    struct config c;
    memset(&c, 0, sizeof c);
    c.yes = true;
    CHECK_INT(confirm(&c, "Reboot Bay 2?"), 1);
}

int main(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) { printf("# no pty\n"); return 77; }
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    if (slave < 0 || dup2(slave, STDIN_FILENO) < 0) { printf("# no pty\n"); return 77; }
    setvbuf(stdin, NULL, _IONBF, 0);
    if (!freopen("/dev/null", "w", stderr)) return 1;   /* the prompts would run into the result lines */
    RUN(only_yes_confirms_at_a_terminal);
    return TAP_DONE();
}
