/* The app layer's own: resolving a typed restore source on a worker
 * (restore_resolve.c), for restores.c. Not for front ends: it holds a
 * catalog entry (a source type). */
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

#endif
