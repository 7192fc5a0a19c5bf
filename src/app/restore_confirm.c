/* The technician's answer to a restore (see restore.h): the one question,
 * and the check of the answer through the verb table, for the console and
 * the command line alike. Apart from restores.c so that the verb table can
 * start restores there while this file asks the table. */
#include "restore.h"

#include <stdio.h>

#include "verbs.h"

void restore_question(const struct restore_request *r, int short_ecid, char *out, size_t n)
{
    char hex[24];
    snprintf(hex, sizeof hex, "%016llX", (unsigned long long)r->ecid);
    if (r->erase)
        snprintf(out, n, "ERASE %s deletes all its data. Type the last 4 digits of its ECID (...%s): ",
                 short_ecid ? r->short_who : r->who, hex + 12);
    else
        snprintf(out, n, "Update %s to iOS %s (%s), keeping its data?", r->who, r->pf.version, r->pf.build);
}

int restore_confirm(struct app *a, unsigned id, const char *typed, char *err, size_t n)
{
    const struct restore_request *r = restore_current(a);
    if (id != r->id || r->stage != RESTORE_READY) { snprintf(err, n, "nothing is waiting for a confirmation"); return -1; }
    struct device *d = bench_find_id(&a->bench, r->dev_id);
    if (!d) { snprintf(err, n, "the device left the bench: nothing was started"); restore_refuse(a, id, VERB_NO_DEVICE, err); return -1; }
    /* The bench may have changed while the technician read the preflight. */
    enum verb_refusal why = verb_check(verb_get(r->erase ? VERB_ERASE : VERB_RESTORE), a, d, err, n);
    if (why != VERB_OK) { restore_refuse(a, id, why, err); return -1; }
    if (r->erase && (!typed || !verb_digits_ok(d, typed))) {
        snprintf(err, n, "Those are not the ECID's last digits: nothing was erased.");
        restore_refuse(a, id, VERB_UNCONFIRMED, err);
        return -1;
    }
    return restore_submit(a, id, err, n);
}
