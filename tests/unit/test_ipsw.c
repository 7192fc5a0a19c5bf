/* BuildManifest reader, device matching, archive entry-name safety, and the
 * extraction job on archives built here with libzip. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "ipsw.h"
#include "tap.h"

static const char *ID(const char *chip, const char *board, const char *cls, const char *beh)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, 1024,
             "<dict><key>ApChipID</key><string>%s</string><key>ApBoardID</key><string>%s</string>"
             "<key>Info</key><dict><key>DeviceClass</key><string>%s</string><key>Variant</key><string>Customer %s Install</string>"
             "<key>RestoreBehavior</key><string>%s</string></dict>"
             "<key>Manifest</key><dict><key>KernelCache</key><dict><key>Info</key><dict><key>Path</key>"
             "<string>kernelcache.release.x</string></dict></dict>"
             "<key>Junk</key><string>not a dict</string></dict></dict>", chip, board, cls, beh, beh);
    return b;
}

static int parse(const char *ids, struct ipsw_manifest *m, char *err)
{
    char xml[8192];
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>ProductVersion</key><string>17.5.1</string>"
             "<key>ProductBuildVersion</key><string>21F90</string><key>SupportedProductTypes</key>"
             "<array><string>iPhone10,1</string><integer>7</integer></array><key>BuildIdentities</key><array>%s</array></dict></plist>", ids);
    return ipsw_manifest_parse(xml, strlen(xml), m, err, 200);
}

static struct ipsw_manifest M;

TEST(reads_identities_and_components)
{
    char err[200], ids[4096];
    snprintf(ids, sizeof ids, "%s%s", ID("0x8015", "0x02", "d20ap", "Erase"), ID("0x8015", "0x02", "d20ap", "Update"));
    CHECK(parse(ids, &M, err) == 0);
    CHECK_STR(M.version, "17.5.1");
    CHECK_STR(M.build, "21F90");
    CHECK_INT(M.nproducts, 1); /* the integer is skipped, not trusted */
    CHECK_INT(M.nidentities, 2);
    CHECK_INT(M.identities[0].chip_id, 0x8015);
    CHECK_INT(M.identities[0].board_id, 2);
    CHECK_STR(M.identities[1].behavior, "Update");
    CHECK_INT(M.identities[0].ncomponents, 1);
    CHECK_STR(M.identities[0].components[0].path, "kernelcache.release.x");
}

TEST(hostile_manifests_are_refused_with_reasons)
{
    char err[200];
    CHECK(parse(ID("0x8015", "0x02", "d20ap", "Wipe"), &M, err) < 0 && strstr(err, "RestoreBehavior"));
    CHECK(parse(ID("zz", "0x02", "d20ap", "Erase"), &M, err) < 0 && strstr(err, "ApChipID"));
    CHECK(parse(ID("0x1FFFFFFFF", "0x02", "d20ap", "Erase"), &M, err) < 0);
    CHECK(parse("", &M, err) < 0 && strstr(err, "BuildIdentities"));
    CHECK(parse("<string>x</string>", &M, err) < 0 && strstr(err, "identity 0"));
    CHECK(parse(ID("0x8015", "0x02", "d20&#27;[2J", "Erase"), &M, err) < 0 && strstr(err, "DeviceClass"));
    CHECK(ipsw_manifest_parse("garbage!garbage!", 16, &M, err, sizeof err) < 0);
    CHECK(ipsw_manifest_parse("bplist00\xff\xff", 10, &M, err, sizeof err) < 0 && strstr(err, "binary"));
    CHECK(ipsw_manifest_parse(NULL, 0, &M, err, sizeof err) < 0);
    CHECK(ipsw_manifest_parse("<?xml \0 ?><plist/>", 18, &M, err, sizeof err) < 0 && strstr(err, "NUL"));
    const char *arr = "<?xml version=\"1.0\"?><plist><array/></plist>";
    CHECK(ipsw_manifest_parse(arr, strlen(arr), &M, err, sizeof err) < 0 && strstr(err, "not a dictionary"));
}

TEST(matching_explains_why_not)
{
    char err[200], why[300], ids[4096];
    int fits[IPSW_MAX_IDENTITIES];
    snprintf(ids, sizeof ids, "%s%s", ID("0x8015", "0x02", "d20ap", "Erase"), ID("0x8015", "0x04", "d21ap", "Update"));
    CHECK(parse(ids, &M, err) == 0);
    CHECK_INT(ipsw_match(&M, "iPhone10,2", 0x8015, 0x04, fits, why, sizeof why), 1);
    CHECK(!fits[0] && fits[1]);
    CHECK_INT(ipsw_match(&M, "iPhone10,3", 0x8015, 0x06, fits, why, sizeof why), 0);
    CHECK(strstr(why, "not iPhone10,3") && strstr(why, "same chip"));
    CHECK_INT(ipsw_match(&M, "iPhone14,2", 0x8110, 0x0c, fits, why, sizeof why), 0);
    CHECK(strstr(why, "not iPhone14,2") && !strstr(why, "same chip"));
}

TEST(entry_names)
{
    CHECK(ipsw_name_is_safe("Firmware/dfu/iBSS.d20.RELEASE.im4p"));
    CHECK(ipsw_name_is_safe("BuildManifest.plist"));
    CHECK(!ipsw_name_is_safe("../etc/passwd"));
    CHECK(!ipsw_name_is_safe("Firmware/../../x"));
    CHECK(!ipsw_name_is_safe("/etc/passwd"));
    CHECK(!ipsw_name_is_safe("C:\\x"));
    CHECK(!ipsw_name_is_safe("a\\..\\b"));
    CHECK(!ipsw_name_is_safe("./x"));
    CHECK(!ipsw_name_is_safe("a\nb"));
    CHECK(!ipsw_name_is_safe(""));
    CHECK(!ipsw_name_is_safe("Firmware/\x1b[2Jclear"));   /* terminal escape */
    CHECK(!ipsw_name_is_safe("a\xc2\x9b" "31mred"));         /* C1 CSI */
    CHECK(!ipsw_name_is_safe("bad\xff" "utf8"));
    CHECK(!ipsw_name_is_safe("del\x7f"));
    CHECK(ipsw_name_is_safe("Firmware/R\xc3\xa9sum\xc3\xa9.plist"));
    char longname[1100];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK(!ipsw_name_is_safe(longname));
}

/* Writes an archive: entries "name=content"; a name starting with '@' is
 * added as a symbolic link. */
static void make_zip(const char *path, const char *const *entries, int n)
{
    int err = 0;
    unlink(path);
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    for (int i = 0; z && i < n; i++) {
        const char *eq = strchr(entries[i], '=');
        char name[128];
        int link = entries[i][0] == '@';
        snprintf(name, sizeof name, "%.*s", (int)(eq - entries[i]) - link, entries[i] + link);
        zip_source_t *src = zip_source_buffer(z, eq + 1, strlen(eq + 1), 0);
        zip_int64_t idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8);
        if (link) zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, (0120777u) << 16);
    }
    if (z) zip_close(z);
}

static int progress_calls;
static long long progress_last;
static void on_progress(const struct ipsw_progress *p, void *user)
{
    progress_calls++;
    progress_last = p->done;
}

static int file_is(const char *path, const char *content)
{
    char buf[256] = "";
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strcmp(buf, content) == 0;
}

static char dir[64];

TEST(extracts_with_progress_and_selection)
{
    char arc[128], out[128], p[256];
    snprintf(arc, sizeof arc, "%s/a.zip", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *e[] = {"BuildManifest.plist=not a plist", "Firmware/dfu/iBSS.im4p=ibss", "Firmware/dfu/iBEC.im4p=ibec",
                       "kernelcache.release.x=kernel"};
    make_zip(arc, e, 4);
    struct ipsw_extract_opts o = {.archive = arc, .out_dir = out, .threads = 2, .progress = on_progress};
    struct ipsw_extract_result r;
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_OK);
    CHECK_INT(r.files, 4);
    CHECK_INT(r.bytes, 11 + 4 + 4 + 6);
    CHECK(progress_calls >= 2 && progress_last == r.bytes);
    snprintf(p, sizeof p, "%s/Firmware/dfu/iBEC.im4p", out);
    CHECK(file_is(p, "ibec"));
    const char *pats[] = {"Firmware/*/iBSS*"};
    snprintf(out, sizeof out, "%s/sel", dir);
    o = (struct ipsw_extract_opts){.archive = arc, .out_dir = out, .patterns = pats, .npatterns = 1};
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_OK);
    CHECK_INT(r.files, 1);
    snprintf(p, sizeof p, "%s/Firmware/dfu/iBSS.im4p", out);
    CHECK(file_is(p, "ibss"));
    snprintf(p, sizeof p, "%s/kernelcache.release.x", out);
    CHECK(access(p, F_OK) != 0);
    const char *none[] = {"nothing*"};
    o.patterns = none;
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_NOMATCH);
    CHECK(strstr(r.err, "nothing*") != NULL);
}

TEST(hostile_entries_and_cancel)
{
    char arc[128], out[128];
    snprintf(arc, sizeof arc, "%s/h.zip", dir);
    snprintf(out, sizeof out, "%s/hout", dir);
    const char *e[] = {"a.txt=fine", "@link=/etc", "b.txt=fine"};
    make_zip(arc, e, 3);
    struct ipsw_extract_opts o = {.archive = arc, .out_dir = out};
    struct ipsw_extract_result r;
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_INTEGRITY);
    CHECK(strstr(r.err, "link: refused: a symbolic link") != NULL);
    CHECK_INT(r.files, 0);
    char p[256];
    snprintf(p, sizeof p, "%s/a.txt", out);
    CHECK(access(p, F_OK) != 0); /* refused before anything is written */
    const char *e2[] = {"a.txt=fine", "b.txt=fine"};
    make_zip(arc, e2, 2);
    _Atomic int cancel = 1;
    o.cancel = &cancel;
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_CANCELLED);
    CHECK_INT(r.files, 0);
    o.archive = "/nonexistent/x.ipsw";
    o.cancel = NULL;
    CHECK_INT(ipsw_extract_run(&o, &r), IPSW_X_INTEGRITY);
    CHECK(strstr(r.err, "/nonexistent/x.ipsw") != NULL);
    CHECK(ipsw_is_url("https://example.invalid/x.ipsw") && ipsw_is_url("HTTP://h/x") && !ipsw_is_url("file:///x") &&
          !ipsw_is_url("/tmp/x.ipsw"));
}

/* libplist recurses once per nesting level: 200,000 nested arrays overflowed
 * the stack. Deep nesting is refused before libplist sees it; 64 levels (and
 * comments, CDATA and quoted '>' that do not nest) still parse. */
TEST(deep_nesting_is_refused_before_libplist)
{
    char err[200];
    size_t levels = 200000, n = 0;
    char *x = malloc(levels * 15 + 200);
    n += (size_t)sprintf(x, "<?xml version=\"1.0\"?><plist version=\"1.0\">");
    for (size_t i = 0; i < levels; i++) { memcpy(x + n, "<array>", 7); n += 7; }
    for (size_t i = 0; i < levels; i++) { memcpy(x + n, "</array>", 8); n += 8; }
    n += (size_t)sprintf(x + n, "</plist>");
    CHECK(ipsw_manifest_parse(x, n, &M, err, sizeof err) < 0 && strstr(err, "nested more than 64 levels"));
    free(x);
    char ids[8192], deep[4096] = "", undeep[2048] = "";
    for (int i = 0; i < 62; i++) strcat(deep, "<array>");           /* plist, dict, array + 62 = 65 */
    for (int i = 0; i < 62; i++) strcat(deep, "</array>");
    snprintf(ids, sizeof ids, "%s%s", ID("0x8015", "0x02", "d20ap", "Erase"), deep);
    CHECK(parse(ids, &M, err) < 0 && strstr(err, "nested more than 64 levels"));
    for (int i = 0; i < 61; i++) strcat(undeep, "<array>");         /* exactly 64 */
    strcat(undeep, "<true/><!-- <array><array> --><![CDATA[<array>]]>");
    for (int i = 0; i < 61; i++) strcat(undeep, "</array>");
    snprintf(ids, sizeof ids, "%s%s", ID("0x8015", "0x02", "d20ap", "Erase"), undeep);
    CHECK(parse(ids, &M, err) == 0 || !strstr(err, "nested"));
    CHECK(ipsw_manifest_parse("bplist00\xa1\x01\xa1\x02\xa1\x03", 14, &M, err, sizeof err) < 0 && strstr(err, "binary"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_ipsw.XXXXXX");
    if (tap_scratch_make(dir) < 0) return 1;
    RUN(reads_identities_and_components);
    RUN(hostile_manifests_are_refused_with_reasons);
    RUN(matching_explains_why_not);
    RUN(entry_names);
    RUN(extracts_with_progress_and_selection);
    RUN(hostile_entries_and_cancel);
    RUN(deep_nesting_is_refused_before_libplist);
    tap_scratch_remove(dir);
    return TAP_DONE();
}
