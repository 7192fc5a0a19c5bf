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

/* The board's model column is 20 wide at 80 columns (src/tui/cmd_tui.c):
 * every short name fits it whole, and two product types never look alike. */
TEST(short_names_fit_and_tell_models_apart)
{
    CHECK(MODEL_SHORT_MAX <= 20);
    for (size_t i = 0; i < models_count; i++) {
        const struct model *a = &models_table[i];
        CHECK(a->short_name[0] && strlen(a->short_name) <= 20);
        if (strlen(a->short_name) > 20) printf("#   %s: '%s' is too long\n", a->product_type, a->short_name);
        for (size_t j = i + 1; j < models_count; j++) {
            const struct model *b = &models_table[j];
            if (strcmp(a->short_name, b->short_name) == 0 && strcmp(a->product_type, b->product_type) != 0) {
                CHECK(!"two product types share a short name");
                printf("#   %s and %s are both '%s'\n", a->product_type, b->product_type, a->short_name);
            }
        }
    }
    CHECK_STR(models_by_product("iPad16,3")->short_name, "iPad Pro 11\" M4 WiFi");
    CHECK_STR(models_by_product("iPad16,4")->short_name, "iPad Pro 11\" M4 Cell");
    CHECK_STR(models_by_product("iPhone10,1")->short_name, "iPhone 8 Global");
    CHECK_STR(models_by_product("iPhone10,1")->source, "compiled");
}

static int parse(const char *line, struct model_row *r, char *err)
{
    return model_row_parse(line, strlen(line), r, err, 160);
}

TEST(row_parser)
{
    struct model_row r;
    char err[160];
    CHECK_INT(parse("iPhone19,1\tiPhone 18 Pro\td93ap\t0x8160\t0x0c\tiPhone\tfaceid\tiPhone 18 Pro\n", &r, err), 1);
    CHECK_STR(r.product_type, "iPhone19,1");
    CHECK(r.cpid == 0x8160 && r.bdid == 0x0c && r.scheme == SCHEME_FACEID);
    CHECK_STR(r.short_name, "iPhone 18 Pro");
    /* No short name: whole words of the name, cut to fit. */
    CHECK_INT(parse("iPad99,1\tiPad Pro 14-inch (M9, Cellular, 4TB)\tj999ap\t0x8199\t0x10\tiPad\tipad_top", &r, err), 1);
    CHECK_STR(r.short_name, "iPad Pro 14-inch");
    CHECK_INT(parse("Watch9,9\tWatch\tn1ap\t0x8301\t0x01\tWatch\tn/a", &r, err), 1);
    CHECK(r.scheme == SCHEME_NONE);
    CHECK_INT(parse("", &r, err), 0);
    CHECK_INT(parse("# a comment", &r, err), 0);
    CHECK_INT(parse("product_type\tmarketing_name\thardware_model", &r, err), 0);
    const char *bad[] = {
        "iPhone19,1\tiPhone 18 Pro\td93ap\t0x8160\t0x0c\tiPhone",            /* 6 columns */
        "iPhone19\tiPhone 18 Pro\td93ap\t0x8160\t0x0c\tiPhone\tfaceid",     /* no comma */
        "iPhone19,1\t\td93ap\t0x8160\t0x0c\tiPhone\tfaceid",                /* no name */
        "iPhone19,1\tiPhone \033[31m18\td93ap\t0x8160\t0x0c\tiPhone\tfaceid", /* escape */
        "iPhone19,1\tiPhone 18\td93 ap\t0x8160\t0x0c\tiPhone\tfaceid",      /* board */
        "iPhone19,1\tiPhone 18\td93ap\t8160\t0x0c\tiPhone\tfaceid",         /* no 0x */
        "iPhone19,1\tiPhone 18\td93ap\t0x18160\t0x0c\tiPhone\tfaceid",      /* CPID too big */
        "iPhone19,1\tiPhone 18\td93ap\t0x8160\t0x100\tiPhone\tfaceid",      /* BDID too big */
        "iPhone19,1\tiPhone 18\td93ap\t0x8160\t0x0c\tiPhone\tsideways",     /* scheme */
        "iPhone19,1\tiPhone 18\td93ap\t0x8160\t0x0c\tiPhone\tfaceid\tA name far too long for the board",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        int rc = parse(bad[i], &r, err);
        CHECK(rc == -1 && err[0]);
        if (rc != -1) printf("#   accepted bad row %zu\n", i);
    }
    char longline[2000];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = 0;
    CHECK_INT(parse(longline, &r, err), -1);
}

/* Newer origins win for the same product type and chip; a new chip is found. */
TEST(added_rows_and_precedence)
{
    struct model_row r;
    char err[160];
    CHECK(models_by_chip(0x8160, 0x0c) == NULL);
    CHECK_INT(parse("iPhone19,1\tiPhone 18 Pro (catalog)\td93ap\t0x8160\t0x0c\tiPhone\tfaceid", &r, err), 1);
    CHECK_INT(models_add(&r, MODEL_CATALOG, "catalog 2026-11-28"), 0);
    const struct model *m = models_by_chip(0x8160, 0x0c);
    CHECK(m && !strcmp(m->product_type, "iPhone19,1") && m->origin == MODEL_CATALOG);
    CHECK(m && !strcmp(m->source, "catalog 2026-11-28"));
    CHECK_INT((long)models_total(), (long)models_count + 1);
    /* The user's row replaces it; an installed row no longer can. */
    CHECK_INT(parse("iPhone19,1\tiPhone 18 Pro (mine)\td93ap\t0x8160\t0x0c\tiPhone\tfaceid", &r, err), 1);
    CHECK_INT(models_add(&r, MODEL_USER, "user"), 0);
    CHECK_INT(parse("iPhone19,1\tiPhone 18 Pro (installed)\td93ap\t0x8160\t0x0c\tiPhone\tfaceid", &r, err), 1);
    CHECK_INT(models_add(&r, MODEL_INSTALLED, "installed"), 0);
    CHECK_STR(models_by_chip(0x8160, 0x0c)->name, "iPhone 18 Pro (mine)");
    CHECK_INT((long)models_total(), (long)models_count + 1);
    /* An installed row overrides the compiled one in place. */
    CHECK_INT(parse("iPhone10,1\tiPhone 8 (renamed)\td20ap\t0x8015\t0x02\tiPhone\tfaceid\tiPhone 8 R", &r, err), 1);
    CHECK_INT(models_add(&r, MODEL_INSTALLED, "installed"), 0);
    CHECK_STR(models_by_chip(0x8015, 0x02)->short_name, "iPhone 8 R");
    CHECK_STR(models_find("iPhone10,1")->source, "installed");
    /* The same row again (an installed copy of this build's table) changes nothing. */
    CHECK_INT(parse("iPhone10,3\tiPhone X (Global)\td22ap\t0x8015\t0x06\tiPhone\tfaceid\tiPhone X Global", &r, err), 1);
    CHECK_INT(models_add(&r, MODEL_INSTALLED, "installed"), 0);
    CHECK_STR(models_by_product("iPhone10,3")->source, "compiled");
    models_reset();
    CHECK(models_by_chip(0x8160, 0x0c) == NULL);
    CHECK_STR(models_by_chip(0x8015, 0x02)->source, "compiled");
    CHECK_INT((long)models_total(), (long)models_count);
}

int main(void)
{
    RUN(known_rows);
    RUN(phone_schemes_follow_the_chip);
    RUN(table_and_data_file_agree_in_rows);
    RUN(lookups);
    RUN(newest_models_and_schemes);
    RUN(short_names_fit_and_tell_models_apart);
    RUN(row_parser);
    RUN(added_rows_and_precedence);
    return TAP_DONE();
}
