/* Every row of src/core/models.tsv is in the compiled-in table, with the same values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "tap.h"

static int rows, phone_rows, mismatches;

static void check_row(char *line)
{
    char *f[9] = {0};
    int n = 0;
    for (char *p = line; n < 9; n++) {
        f[n] = p;
        char *tab = strchr(p, '\t');
        if (!tab) { p[strcspn(p, "\n")] = 0; n++; break; }
        *tab = 0;
        p = tab + 1;
    }
    if (n < 7) return;
    rows++;
    if (!strcmp(f[5], "iPhone") || !strcmp(f[5], "iPad") || !strcmp(f[5], "iPod")) phone_rows++;
    unsigned cpid = (unsigned)strtoul(f[3], NULL, 16), bdid = (unsigned)strtoul(f[4], NULL, 16);
    const struct model *m = NULL;
    for (size_t i = 0; i < models_count; i++)
        if (!strcmp(models_table[i].product_type, f[0]) && models_table[i].cpid == cpid && models_table[i].bdid == bdid)
            m = &models_table[i];
    if (!m || strcmp(m->name, f[1]) || strcmp(m->board, f[2]) || strcmp(m->family, f[5]) ||
        strcmp(scheme_key(m->scheme), f[6])) {
        mismatches++;
        printf("#   row %s (%s) differs or is missing\n", f[0], f[2]);
    }
    /* Every row is reachable by chip, unless an earlier row shares the chip IDs. */
    const struct model *c = models_by_chip(cpid, bdid);
    if (!c || c->cpid != cpid || c->bdid != bdid) { mismatches++; printf("#   chip %04x/%02x not found\n", cpid, bdid); }
}

TEST(table_matches_data_file)
{
    const char *top = getenv("IBENCH_TOP");
    char path[512];
    snprintf(path, sizeof path, "%s/src/core/models.tsv", top ? top : ".");
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    char line[1024];
    CHECK(fgets(line, sizeof line, fp) != NULL); /* header */
    while (fgets(line, sizeof line, fp)) check_row(line);
    fclose(fp);
    CHECK_INT(mismatches, 0);
    CHECK_INT((long)models_count, rows);
    CHECK(phone_rows >= 180); /* every iPhone, iPad and iPod touch */
}

TEST(lookups)
{
    const struct model *m = models_by_chip(0x8015, 0x02);
    CHECK(m && !strcmp(m->product_type, "iPhone10,1") && !strcmp(m->board, "d20ap") && m->scheme == SCHEME_FACEID);
    m = models_by_product("iPhone10,3");
    CHECK(m && m->cpid == 0x8015 && m->bdid == 0x06);
    m = models_by_board("D22AP");
    CHECK(m && !strcmp(m->product_type, "iPhone10,3"));
    CHECK(models_by_chip(0xdead, 0xff) == NULL);
    CHECK(models_by_product("iPhone99,99") == NULL);
    CHECK(models_by_product("") == NULL && models_by_board(NULL) == NULL);
    CHECK(models_find("iphone7,2") && models_find("n61ap") && models_find("iPhone 6"));
    /* The same product type on two chips (Samsung and TSMC A9). */
    int chips = 0;
    for (size_t i = 0; i < models_count; i++) chips += !strcmp(models_table[i].product_type, "iPhone8,1");
    CHECK_INT(chips, 2);
    CHECK(models_by_chip(0x8000, 0x04) && models_by_chip(0x8003, 0x04));
}

TEST(newest_models_and_schemes)
{
    const char *need[] = {"iPhone17,1", "iPhone17,5", "iPhone18,1", "iPad16,3", "iPod9,1"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        const struct model *m = models_by_product(need[i]);
        CHECK(m != NULL);
        if (!m) printf("#   missing %s\n", need[i]);
    }
    CHECK(models_by_product("iPhone9,1")->scheme == SCHEME_VOLDOWN);
    CHECK(models_by_product("iPhone6,1")->scheme == SCHEME_HOME);
    CHECK(models_by_product("iPad8,1")->scheme == SCHEME_IPAD_TOP);
    CHECK(models_by_product("iPod9,1")->scheme == SCHEME_VOLDOWN);
    CHECK_INT(scheme_parse("ipad_top"), SCHEME_IPAD_TOP);
    CHECK_INT(scheme_parse("bogus"), -1);
}

int main(void)
{
    RUN(table_matches_data_file);
    RUN(lookups);
    RUN(newest_models_and_schemes);
    return TAP_DONE();
}
