/* The app layer's own, for restores.c: resolving a typed restore source on
 * a worker (restore_resolve.c) and verifying its IPSW (restore_verify.c).
 * Not for front ends: it holds a catalog entry (a source type). */
#ifndef IBENCH_RESTORE_RESOLVE_H
#define IBENCH_RESTORE_RESOLVE_H
#include "catalog.h"
#include "restore.h"

/* What a typed source resolves to, on a worker (restore_resolve.c): in
 * cfg, facts, source, erase, flags (and engine when known_engine); out
 * outcome 0 (pf, ipsw: the preflight ran), 1 (fw: download it first,
 * message says so) or -1 (message says why not), and the engine judged. */
struct restore_resolution {
    const struct config *cfg;
    struct restore_facts facts;
    char source[PATH_MAX];
    int erase;
    unsigned flags;
    int known_engine, have_engine;
    struct engine_info engine;
    int outcome;
    struct firmware fw;
    struct preflight pf;
    char ipsw[PATH_MAX], message[400];
};
void restore_resolve(struct restore_resolution *x);

/* On a worker (restore_verify.c): reads every entry of ipsw for request id,
 * its progress going to restore_verify_noted() on the loop. Returns enum
 * ipsw_verify_result, msg naming the damaged entry. */
int restore_verify(struct app *a, unsigned id, const char *ipsw, int (*stop)(void *), void *user, char *msg, size_t n);
void restore_verify_noted(struct app *a, unsigned id, int pct, long long total);

#endif
