/* The compiled-in model table against facts the test states itself (known
 * rows, the chip-to-button-scheme rule for phones), and the row count of
 * src/core/models.tsv it is generated from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "tap.h"

/* Known facts, written here by hand (not read from models.tsv): a change to
 * the data file that breaks one of them fails. CPID/BDID pairs that other
 * tests' data relies on (tests/ipsw_gen.py's d20ap/d21ap, the virtual
 * bench's iPhone 11, iPhone X, iPhone 14 Pro Max, iPad Pro) are among them. */
static const struct { const char *product, *name_start, *board; unsigned cpid, bdid; const char *family; enum button_scheme scheme; } known[] = {
    {"iPhone1,1", "iPhone 2G", "m68ap", 0x8900, 0x00, "iPhone", SCHEME_HOME},
    {"iPhone6,1", "iPhone 5s", "n51ap", 0x8960, 0x00, "iPhone", SCHEME_HOME},
    {"iPhone7,2", "iPhone 6", "n61ap", 0x7000, 0x06, "iPhone", SCHEME_HOME},
    {"iPhone8,1", "iPhone 6s", "n71ap", 0x8000, 0x04, "iPhone", SCHEME_HOME},
    {"iPhone8,1", "iPhone 6s", "n71map", 0x8003, 0x04, "iPhone", SCHEME_HOME},
    {"iPhone9,1", "iPhone 7", "d10ap", 0x8010, 0x08, "iPhone", SCHEME_VOLDOWN},
    {"iPhone10,1", "iPhone 8", "d20ap", 0x8015, 0x02, "iPhone", SCHEME_FACEID},
    {"iPhone10,2", "iPhone 8 Plus", "d21ap", 0x8015, 0x04, "iPhone", SCHEME_FACEID},
    {"iPhone10,3", "iPhone X", "d22ap", 0x8015, 0x06, "iPhone", SCHEME_FACEID},
    {"iPhone12,1", "iPhone 11", "n104ap", 0x8030, 0x04, "iPhone", SCHEME_FACEID},
    {"iPhone12,8", "iPhone SE", "d79ap", 0x8030, 0x10, "iPhone", SCHEME_FACEID},
    {"iPhone15,3", "iPhone 14 Pro Max", "d74ap", 0x8120, 0x0e, "iPhone", SCHEME_FACEID},
    {"iPod9,1", "iPod", "n112ap", 0x8010, 0x16, "iPod", SCHEME_VOLDOWN},
    {"iPad7,5", "iPad (6th gen", "j71bap", 0x8010, 0x18, "iPad", SCHEME_HOME},
    {"iPad8,1", "iPad Pro 11-inch", "j317ap", 0x8027, 0x0c, "iPad", SCHEME_IPAD_TOP},
    {"iPad13,18", "iPad (10th gen", "j271ap", 0x8101, 0x14, "iPad", SCHEME_IPAD_TOP},
    {"iPad16,3", "iPad Pro 11-inch (M4", "j717ap", 0x8132, 0x08, "iPad", SCHEME_IPAD_TOP},
};

TEST(known_rows)
{
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        const struct model *m = models_by_chip(known[k].cpid, known[k].bdid);
        int good = m && !strcmp(m->product_type, known[k].product) && !strncmp(m->name, known[k].name_start, strlen(known[k].name_start)) &&
                   !strcmp(m->board, known[k].board) && !strcmp(m->family, known[k].family) && m->scheme == known[k].scheme;
        CHECK(good);
        if (!good) printf("#   %s (%04x/%02x) is not as known\n", known[k].product, known[k].cpid, known[k].bdid);
    }
}

/* Button schemes of phones follow the chip: A9 and older (and the S5L87xx/89xx
 * and 0x7000-series) have a Home button, A10 (0x8010) is Volume Down, A11
 * (0x8015) and later the Face ID sequence, iPhone SE included. */
TEST(phone_schemes_follow_the_chip)
{
    int phones = 0;
    for (size_t i = 0; i < models_count; i++) {
        const struct model *m = &models_table[i];
        if (strcmp(m->family, "iPhone") && strcmp(m->family, "iPod")) continue;
        phones++;
        enum button_scheme want = m->cpid < 0x8010 || (m->cpid >= 0x8700 && m->cpid < 0x9000) ? SCHEME_HOME
                                : m->cpid == 0x8010 ? SCHEME_VOLDOWN : SCHEME_FACEID;
        CHECK(m->scheme == want);
        if (m->scheme != want) printf("#   %s %s: scheme %s\n", m->product_type, m->board, scheme_key(m->scheme));
        CHECK(m->board[0] && m->name[0] && m->cpid && strchr(m->product_type, ','));
    }
    CHECK(phones >= 60);
}

/* The generated table has one entry per data row (the .tsv's lines but the header). */
TEST(table_and_data_file_agree_in_rows)
{
    const char *top = getenv("IBENCH_TOP");
    char path[512], line[1024];
    snprintf(path, sizeof path, "%s/src/core/models.tsv", top ? top : ".");
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    long rows = -1;
    while (fgets(line, sizeof line, fp)) rows += line[0] != '\n';
    fclose(fp);
    CHECK_INT((long)models_count, rows);
    CHECK(models_count >= 300);
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
    RUN(known_rows);
    RUN(phone_schemes_follow_the_chip);
    RUN(table_and_data_file_agree_in_rows);
    RUN(lookups);
    RUN(newest_models_and_schemes);
    return TAP_DONE();
}
