/* Matching typed model names against the merged table (model_match.h). */
#include "model_match.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define MATCH_MAX_LEN 64

static int seen_product(const struct model **out, size_t n, size_t max, const char *product)
{
    for (size_t i = 0; i < n && i < max; i++)
        if (strcmp(out[i]->product_type, product) == 0) return 1;
    return 0;
}

/* "iPhone 7" starts "iPhone 7 (Global)" and "iPhone 7 Plus", not "iPhone 7s"
 * nor "iPhone 17": the typed text must end where a word ends. */
static int name_prefix(const char *name, const char *what, size_t len)
{
    if (strncasecmp(name, what, len) != 0) return 0;
    unsigned char next = (unsigned char)name[len], last = (unsigned char)what[len - 1];
    return !next || !isalnum(next) || !isalnum(last);
}

size_t models_match(const char *what, const struct model **out, size_t max)
{
    size_t len = what ? strlen(what) : 0, n = 0;
    if (!len) return 0;
    const struct model *m = models_by_product_ci(what);
    if (m || (m = models_by_board(what))) {
        if (max) out[0] = m;
        return 1;
    }
    /* A whole name (which two product types may share), else the start of names. */
    for (int whole = 1; whole >= 0 && n == 0; whole--) {
        for (size_t i = 0; i < models_total(); i++) {
            m = models_at(i);
            int fits = whole ? strcasecmp(m->name, what) == 0 : name_prefix(m->name, what, len);
            if (!fits || seen_product(out, n, max, m->product_type)) continue;
            if (n < max) out[n] = m;
            n++;
        }
    }
    return n;
}

/* Levenshtein distance of a and b, case-insensitive, both cut to MATCH_MAX_LEN. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t row[MATCH_MAX_LEN + 1];
    if (la > MATCH_MAX_LEN) la = MATCH_MAX_LEN;
    if (lb > MATCH_MAX_LEN) lb = MATCH_MAX_LEN;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Against a name, the typed text may be its start ("iphne 7" for "iPhone 7
 * (Global)"): the nearest of the name's starts about as long as the text. */
static size_t name_distance(const char *name, const char *what, size_t len)
{
    size_t nl = strlen(name), best = distance(what, len, name, nl);
    for (size_t k = len > 1 ? len - 1 : 1; k <= len + 2 && k <= nl; k++) {
        size_t d = distance(what, len, name, k);
        if (d < best) best = d;
    }
    return best;
}

const struct model *models_nearest(const char *what)
{
    size_t len = what ? strlen(what) : 0, best = (size_t)-1;
    const struct model *hit = NULL;
    if (!len) return NULL;
    for (size_t i = 0; i < models_total(); i++) {
        const struct model *m = models_at(i);
        size_t d = name_distance(m->name, what, len), e;
        if ((e = distance(what, len, m->product_type, strlen(m->product_type))) < d) d = e;
        if ((e = distance(what, len, m->board, strlen(m->board))) < d) d = e;
        if (d < best) { best = d; hit = m; }
    }
    /* Farther than a third of what was typed is a guess, not a suggestion. */
    return best <= (len < MATCH_MAX_LEN ? len : MATCH_MAX_LEN) / 3 + 1 ? hit : NULL;
}
