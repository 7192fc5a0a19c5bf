/* BuildManifest reader, device matching and archive entry-name safety. */
#include <stdio.h>
#include <string.h>

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
}

int main(void)
{
    RUN(reads_identities_and_components);
    RUN(hostile_manifests_are_refused_with_reasons);
    RUN(matching_explains_why_not);
    RUN(entry_names);
    return TAP_DONE();
}
