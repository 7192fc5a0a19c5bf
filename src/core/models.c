/* Lookups in the compiled-in model table. The table is small (a few hundred
 * rows), so linear scans are fast enough and keep the code obvious. */
#include "models.h"

#include <string.h>
#include <strings.h>

const struct model *models_by_chip(uint32_t cpid, uint32_t bdid)
{
    for (size_t i = 0; i < models_count; i++)
        if (models_table[i].cpid == cpid && models_table[i].bdid == bdid) return &models_table[i];
    return NULL;
}

const struct model *models_by_product(const char *product_type)
{
    if (!product_type || !*product_type) return NULL;
    for (size_t i = 0; i < models_count; i++)
        if (strcmp(models_table[i].product_type, product_type) == 0) return &models_table[i];
    return NULL;
}

const struct model *models_by_board(const char *board)
{
    if (!board || !*board) return NULL;
    for (size_t i = 0; i < models_count; i++)
        if (strcasecmp(models_table[i].board, board) == 0) return &models_table[i];
    return NULL;
}

const struct model *models_find(const char *what)
{
    const struct model *m = NULL;
    if (!what || !*what) return NULL;
    for (size_t i = 0; i < models_count && !m; i++)
        if (strcasecmp(models_table[i].product_type, what) == 0) m = &models_table[i];
    if (!m) m = models_by_board(what);
    for (size_t i = 0; i < models_count && !m; i++)
        if (strcasecmp(models_table[i].name, what) == 0) m = &models_table[i];
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
