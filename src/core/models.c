/* The merged model table and its lookups. The table is small (a few hundred
 * rows), so linear scans are fast enough and keep the code obvious. Until a
 * row is added the compiled table is used as it is. */
#include "models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A row added at run time owns its strings. */
struct added {
    struct model m;
    struct model_row r;
    char source[40];
};

static const struct model **merged;   /* NULL: the compiled table alone */
static size_t nmerged, capmerged;

size_t models_total(void) { return merged ? nmerged : models_count; }
const struct model *models_at(size_t i) { return merged ? merged[i] : &models_table[i]; }

static int grow(void)
{
    if (!merged) {
        capmerged = models_count + 64;
        if (!(merged = malloc(capmerged * sizeof *merged))) return -1;
        for (size_t i = 0; i < models_count; i++) merged[i] = &models_table[i];
        nmerged = models_count;
    }
    if (nmerged < capmerged) return 0;
    const struct model **p = realloc(merged, 2 * capmerged * sizeof *p);
    if (!p) return -1;
    merged = p;
    capmerged *= 2;
    return 0;
}

static void drop(const struct model *m)
{
    if (m->origin != MODEL_COMPILED) free((struct added *)(void *)m); /* m is the first member */
}

/* A row that says nothing new keeps its origin: the installed copy of this
 * build's own table leaves every row "compiled". */
static int same(const struct model *m, const struct model_row *r)
{
    return !strcmp(m->name, r->name) && !strcmp(m->board, r->board) && !strcmp(m->family, r->family) &&
           m->scheme == r->scheme && !strcmp(m->short_name, r->short_name);
}

int models_add(const struct model_row *r, enum model_origin origin, const char *source)
{
    if (grow() < 0) return -1;
    size_t at = nmerged;
    for (size_t i = 0; i < nmerged && at == nmerged; i++)
        if (merged[i]->cpid == r->cpid && merged[i]->bdid == r->bdid && strcmp(merged[i]->product_type, r->product_type) == 0) at = i;
    if (at < nmerged && (merged[at]->origin > origin || same(merged[at], r))) return 0;
    struct added *a = calloc(1, sizeof *a);
    if (!a) return -1;
    a->r = *r;
    snprintf(a->source, sizeof a->source, "%s", source);
    a->m = (struct model){a->r.product_type, a->r.name, a->r.board, a->r.cpid, a->r.bdid, a->r.family, a->r.scheme,
                          a->r.short_name, origin, a->source};
    if (at < nmerged) drop(merged[at]);
    else nmerged++;
    merged[at] = &a->m;
    return 0;
}

void models_reset(void)
{
    for (size_t i = 0; merged && i < nmerged; i++) drop(merged[i]);
    free(merged);
    merged = NULL;
    nmerged = capmerged = 0;
}

const struct model *models_by_chip(uint32_t cpid, uint32_t bdid)
{
    const struct model *best = NULL;
    for (size_t i = 0; i < models_total(); i++) {
        const struct model *m = models_at(i);
        if (m->cpid == cpid && m->bdid == bdid && (!best || m->origin > best->origin)) best = m;
    }
    return best;
}

const struct model *models_by_product(const char *product_type)
{
    if (!product_type || !*product_type) return NULL;
    for (size_t i = 0; i < models_total(); i++)
        if (strcmp(models_at(i)->product_type, product_type) == 0) return models_at(i);
    return NULL;
}

const struct model *models_by_product_ci(const char *product_type)
{
    if (!product_type || !*product_type) return NULL;
    for (size_t i = 0; i < models_total(); i++)
        if (strcasecmp(models_at(i)->product_type, product_type) == 0) return models_at(i);
    return NULL;
}

const struct model *models_by_board(const char *board)
{
    if (!board || !*board) return NULL;
    for (size_t i = 0; i < models_total(); i++)
        if (strcasecmp(models_at(i)->board, board) == 0) return models_at(i);
    return NULL;
}

const struct model *models_find(const char *what)
{
    const struct model *m = models_by_product_ci(what);
    if (!m) m = models_by_board(what);
    for (size_t i = 0; i < models_total() && !m; i++)
        if (strcasecmp(models_at(i)->name, what) == 0) m = models_at(i);
    return m;
}

static const char *const scheme_keys[] = {
    [SCHEME_NONE] = "n/a", [SCHEME_HOME] = "home", [SCHEME_VOLDOWN] = "voldown",
    [SCHEME_FACEID] = "faceid", [SCHEME_IPAD_TOP] = "ipad_top",
};

const char *scheme_key(enum button_scheme s)
{
    return (unsigned)s <= SCHEME_IPAD_TOP ? scheme_keys[s] : "n/a";
}

int scheme_parse(const char *s)
{
    for (int i = 0; i <= SCHEME_IPAD_TOP; i++)
        if (s && strcmp(s, scheme_keys[i]) == 0) return i;
    return -1;
}
