/* A restore's IPSW verified on a worker (see restore_resolve.h): every CRC
 * read before the job exists, its percent handed to the loop each time it
 * moves. */
#include "restore.h"
#include "restore_resolve.h"

#include <stdlib.h>

#include "ipsw_intact.h"

struct step { struct app *a; unsigned id; int last_pct, (*stop)(void *); void *user; };
struct note { unsigned id; int pct; long long total; };

static void noted(struct app *a, void *arg)
{
    struct note *n = arg;
    restore_verify_noted(a, n->id, n->pct, n->total);
    free(n);
}

static void step(long long done, long long total, void *user)
{
    struct step *s = user;
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    struct note *n = pct != s->last_pct ? malloc(sizeof *n) : NULL;
    if (!n) return;
    s->last_pct = pct;
    *n = (struct note){s->id, pct, total};
    if (app_post_call(s->a, noted, n) < 0) free(n);
}

static int stopped(void *user)
{
    struct step *s = user;
    return s->stop && s->stop(s->user);
}

int restore_verify(struct app *a, unsigned id, const char *ipsw, int (*stop)(void *), void *user, char *msg, size_t n)
{
    struct step s = {a, id, -1, stop, user};
    return ipsw_intact_verify(ipsw, step, stopped, &s, msg, n);
}
