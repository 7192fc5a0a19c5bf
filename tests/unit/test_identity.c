/* Device identity: mode table, serial and nonce strings, sanitizer. */
#include <stdio.h>
#include <string.h>

#include "mode.h"
#include "sanitize.h"
#include "serial.h"
#include "tap.h"

TEST(mode_table_boundaries)
{
    CHECK_INT(mode_from_usb(0x05ac, 0x1222), MODE_WTF);
    CHECK_INT(mode_from_usb(0x05ac, 0x1227), MODE_DFU);
    CHECK_INT(mode_from_usb(0x05ac, 0x127f), MODE_UNKNOWN);
    for (int p = 0x1280; p <= 0x1283; p++) CHECK_INT(mode_from_usb(0x05ac, (uint16_t)p), MODE_RECOVERY);
    CHECK_INT(mode_from_usb(0x05ac, 0x1284), MODE_UNKNOWN);
    CHECK_INT(mode_from_usb(0x05ac, 0x128f), MODE_UNKNOWN);
    CHECK_INT(mode_from_usb(0x05ac, 0x1290), MODE_NORMAL);
    CHECK_INT(mode_from_usb(0x05ac, 0x12a8), MODE_NORMAL);
    CHECK_INT(mode_from_usb(0x05ac, 0x12af), MODE_NORMAL);
    CHECK_INT(mode_from_usb(0x05ac, 0x12b0), MODE_UNKNOWN);
    CHECK_INT(mode_from_usb(0x05ac, 0x1881), MODE_KIS);
    CHECK_INT(mode_from_usb(0x05ac, 0xf014), MODE_PORT_DFU);
    CHECK_INT(mode_from_usb(0x05ac, 0x1338), MODE_UNKNOWN);
    CHECK_INT(mode_from_usb(0x1d6b, 0x1227), -1);
}

TEST(mode_names_keys_and_parse)
{
    CHECK_STR(mode_name(MODE_PORT_DFU), "Port DFU");
    CHECK_STR(mode_key(MODE_PORT_DFU), "port_dfu");
    for (int m = 0; m < MODE_COUNT; m++) CHECK_INT(mode_parse(mode_key((enum dev_mode)m)), m);
    CHECK_INT(mode_parse("port-dfu"), MODE_PORT_DFU);
    CHECK_INT(mode_parse("DFU"), MODE_DFU);
    CHECK_INT(mode_parse("sideways"), -1);
    CHECK_STR(mode_name((enum dev_mode)99), "Unknown");
    CHECK(mode_is_iboot(MODE_RECOVERY) && mode_is_iboot(MODE_DFU) && !mode_is_iboot(MODE_NORMAL));
}

static int parse(const char *s, struct serial_info *si, char *err)
{
    return serial_parse(s, strlen(s), si, err, 160);
}

TEST(serial_real_strings)
{
    struct serial_info si;
    char err[160];
    CHECK(parse("CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:02 ECID:0012345678ABCDEF IBFL:3C SRTG:[iBoot-3332.0.0.1.23]", &si, err) == 0);
    CHECK_INT(si.cpid, 0x8015); CHECK_INT(si.cprv, 0x11); CHECK_INT(si.cpfm, 3); CHECK_INT(si.scep, 1);
    CHECK_INT(si.bdid, 2); CHECK(si.ecid == 0x0012345678ABCDEFULL); CHECK_INT(si.ibfl, 0x3c);
    CHECK_STR(si.srtg, "iBoot-3332.0.0.1.23");
    CHECK(serial_is_production(&si) && serial_is_secure(&si) && serial_is_image4(&si));
    CHECK(!(si.present & SF_PWND));

    CHECK(parse("CPID:8010 CPRV:11 CPFM:03 SCEP:01 BDID:08 ECID:0012345678ABCDEF IBFL:3C SRTG:[iBoot-2696.0.0.1.33] PWND:[checkm8]", &si, err) == 0);
    CHECK_STR(si.pwnd, "checkm8");
    /* 3GS: no IBFL */
    CHECK(parse("CPID:8920 CPRV:15 CPFM:03 SCEP:03 BDID:00 ECID:000001234567ABCD SRTG:[iBoot-359.3.2]", &si, err) == 0);
    CHECK(!(si.present & SF_IBFL));
    CHECK(!serial_is_image4(&si));
    /* Recovery with SRNM and IMEI; empty SRNM */
    CHECK(parse("CPID:8930 CPRV:20 CPFM:03 SCEP:02 BDID:04 ECID:0012345678ABCDEF IBFL:1B SRNM:[F00XXXXXXXXX] IMEI:[012345678901234]", &si, err) == 0);
    CHECK_STR(si.srnm, "F00XXXXXXXXX"); CHECK_STR(si.imei, "012345678901234");
    CHECK(parse("CPID:8940 CPRV:21 CPFM:03 SCEP:11 BDID:04 ECID:0012345678ABCDEF IBFL:1B SRNM:[]", &si, err) == 0);
    CHECK((si.present & SF_SRNM) && si.srnm[0] == 0);
    /* development fused */
    CHECK(parse("CPID:8015 CPFM:01 BDID:03 ECID:1", &si, err) == 0);
    CHECK(!serial_is_production(&si) && serial_is_secure(&si));
}

TEST(serial_reordered_missing_and_unknown_fields)
{
    struct serial_info si;
    char err[160];
    CHECK(parse("ECID:0016519820F8402E BDID:06 CPID:8015", &si, err) == 0);
    CHECK_INT(si.cpid, 0x8015); CHECK_INT(si.bdid, 6);
    CHECK(parse("  CPID:8015   NEWF:[x y]  ECID:1 ZZZZ:17 ", &si, err) == 0); /* brackets may hold spaces */
    CHECK(si.ecid == 1);
    CHECK(parse("CPID:8015 ZZZZ:17 ECID:1 NEWF:[abc]", &si, err) == 0);
    CHECK(parse("ECID:abcdef", &si, err) == 0); /* lower-case hex accepted */
    CHECK(si.ecid == 0xabcdef);
}

TEST(serial_hostile_input_is_rejected_with_reason)
{
    struct serial_info si;
    char err[160];
    CHECK(parse("", &si, err) < 0);
    CHECK(parse("BDID:02", &si, err) < 0 && strstr(err, "neither CPID nor ECID"));
    CHECK(parse("CPID:8015 ECID:00123456789ABCDEF", &si, err) < 0 && strstr(err, "ECID"));
    CHECK(parse("CPID:80G5", &si, err) < 0 && strstr(err, "not hexadecimal"));
    CHECK(parse("CPID:8015 CPID:8010", &si, err) < 0 && strstr(err, "twice"));
    CHECK(parse("CPID:8015 SRNM:[F00", &si, err) < 0 && strstr(err, "unterminated"));
    CHECK(parse("CPID:8015 SRNM:[F00]X", &si, err) < 0);
    CHECK(parse("CPID:8015 CPID", &si, err) < 0);
    CHECK(parse("CPID:", &si, err) < 0);
    CHECK(parse("CPID:8015 BDID:[02]", &si, err) < 0);
    CHECK(parse("CPID:8015 \x1b[31m", &si, err) < 0 && strstr(err, "control"));
    CHECK(parse("CPID:8015 SRNM:[\xc3\xa9]", &si, err) < 0);
    char longsrnm[200];
    snprintf(longsrnm, sizeof longsrnm, "CPID:8015 SRNM:[%0120d]", 0);
    CHECK(parse(longsrnm, &si, err) < 0 && strstr(err, "too long"));
    char huge[SERIAL_MAX + 10];
    memset(huge, 'A', sizeof huge - 1);
    huge[sizeof huge - 1] = 0;
    CHECK(serial_parse(huge, sizeof huge, &si, err, sizeof err) < 0);
}

TEST(serial_respects_length_without_terminator)
{
    struct serial_info si;
    char err[160];
    char buf[32];
    memcpy(buf, "CPID:8015 ECID:12 BDID:0200000000000000", 32); /* no NUL within 32 */
    CHECK(serial_parse(buf, 17, &si, err, sizeof err) == 0);  /* "CPID:8015 ECID:12" */
    CHECK(si.ecid == 0x12 && !(si.present & SF_BDID));
    CHECK(serial_parse(buf, 14, &si, err, sizeof err) < 0);   /* "CPID:8015 ECID": malformed token */
}

TEST(nonce_strings)
{
    struct nonce_info ni;
    char err[160];
    const char *s = " NONC:977A728CA4DEC7636470F3A78D2D8DD9A2542C95 SNON:00112233445566778899AABBCCDDEEFF00112233";
    CHECK(nonce_parse(s, strlen(s), &ni, err, sizeof err) == 0);
    CHECK_INT(ni.nonc_len, 20); CHECK_INT(ni.nonc[0], 0x97); CHECK_INT(ni.snon_len, 20);
    CHECK(nonce_parse("Apple Inc.", 10, &ni, err, sizeof err) < 0);
    CHECK(nonce_parse("NONC:ABC", 8, &ni, err, sizeof err) < 0 && strstr(err, "odd"));
    CHECK(nonce_parse("NONC:ZZ", 7, &ni, err, sizeof err) < 0);
    char big[300] = "NONC:";
    memset(big + 5, 'A', 2 * NONCE_MAX + 2);
    CHECK(nonce_parse(big, strlen(big), &ni, err, sizeof err) < 0);
}

TEST(sanitizer_removes_terminal_control)
{
    char out[64];
    sanitize_text(out, sizeof out, "Bob\x1b[2J\x07's \xe2\x80\xae phone\x7f", 64);
    CHECK(strchr(out, 0x1b) == NULL && strchr(out, 0x07) == NULL && strchr(out, 0x7f) == NULL);
    CHECK(strstr(out, "\xe2\x80\xae") == NULL);
    CHECK(strstr(out, "Bob") == out);
    sanitize_text(out, sizeof out, "caf\xc3\xa9 \xc2\x9b" "1m", 64);  /* keeps é, drops the C1 CSI sequence */
    CHECK_STR(out, "caf\xc3\xa9 ");
    sanitize_text(out, sizeof out, "\xc0\xaf overlong", 64);
    CHECK(out[0] == '?' && out[1] == '?');
    sanitize_text(out, 6, "\xc3\xa9\xc3\xa9\xc3\xa9", 16);                   /* cut at a boundary */
    CHECK_STR(out, "\xc3\xa9\xc3\xa9");
    sanitize_text(out, sizeof out, NULL, 0);
    CHECK_STR(out, "");
}

TEST(json_quote_escapes)
{
    char out[64];
    json_quote(out, sizeof out, "a\"b\\c\n\x01");
    CHECK_STR(out, "\"a\\\"b\\\\c\\u000a\\u0001\"");
    json_quote(out, 8, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    CHECK(out[strlen(out) - 1] == '"');
    CHECK(strlen(out) < 8);
}

TEST(hex_encode_is_bounded)
{
    const unsigned char b[] = {0x00, 0xab, 0x7f, 0xff};
    char out[9], small[6];
    CHECK_INT(hex_encode(out, sizeof out, b, sizeof b), 8);
    CHECK_STR(out, "00ab7fff");
    CHECK_INT(hex_encode(small, sizeof small, b, sizeof b), 4);   /* whole bytes only */
    CHECK_STR(small, "00ab");
}

int main(void)
{
    RUN(mode_table_boundaries);
    RUN(mode_names_keys_and_parse);
    RUN(serial_real_strings);
    RUN(serial_reordered_missing_and_unknown_fields);
    RUN(serial_hostile_input_is_rejected_with_reason);
    RUN(serial_respects_length_without_terminator);
    RUN(nonce_strings);
    RUN(sanitizer_removes_terminal_control);
    RUN(json_quote_escapes);
    RUN(hex_encode_is_bounded);
    return TAP_DONE();
}
