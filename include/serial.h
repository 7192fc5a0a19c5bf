/* Parser for the iBoot/SecureROM USB serial string and the nonce string.
 * Pure; input is hostile: every field is bounded and checked. */
#ifndef IBENCH_SERIAL_H
#define IBENCH_SERIAL_H
#include <stddef.h>
#include <stdint.h>

enum serial_field {
    SF_CPID = 1 << 0, SF_CPRV = 1 << 1, SF_CPFM = 1 << 2, SF_SCEP = 1 << 3,
    SF_BDID = 1 << 4, SF_ECID = 1 << 5, SF_IBFL = 1 << 6, SF_SRTG = 1 << 7,
    SF_SRNM = 1 << 8, SF_IMEI = 1 << 9, SF_PWND = 1 << 10,
};

struct serial_info {
    unsigned present;        /* SF_* bits of the fields that were given */
    uint32_t cpid, cprv, cpfm, scep, bdid, ibfl;
    uint64_t ecid;
    char srtg[64];           /* SecureROM/iBoot tag, brackets stripped */
    char srnm[32];           /* serial number; may be empty ("SRNM:[]") */
    char imei[32];
    char pwnd[32];           /* exploit name when PWND:[...] is present */
};

#define NONCE_MAX 64
struct nonce_info {
    uint8_t nonc[NONCE_MAX]; size_t nonc_len;   /* ApNonce */
    uint8_t snon[NONCE_MAX]; size_t snon_len;   /* SepNonce */
};

/* Longest serial string accepted (a USB string descriptor carries at most 126 chars;
 * we allow more for pasted input but never more than this). */
#define SERIAL_MAX 512

/* 0 on success; -1 with a reason in err for hostile or unusable input
 * (no CPID and no ECID, bad hex, duplicated key, unterminated bracket, control bytes...). */
int serial_parse(const char *s, size_t len, struct serial_info *out, char *err, size_t errlen);
int nonce_parse(const char *s, size_t len, struct nonce_info *out, char *err, size_t errlen);

/* A USB string descriptor (bLength, bDescriptorType, UTF-16LE units; len
 * bytes received, bLength trusted only when it is not larger) as ASCII text
 * in out (n, always NUL-terminated): other characters become '?', and the
 * result has passed sanitize_text, so an escape sequence in a serial-number
 * field is dropped whole rather than shown as "?[31m". Returns strlen(out). */
size_t serial_from_descriptor(const unsigned char *d, size_t len, char *out, size_t n);

/* Fuse and flag readings (CPFM bit0 secure, bit1 production; IBFL bits 2..4). */
int serial_is_production(const struct serial_info *si);
int serial_is_secure(const struct serial_info *si);
int serial_is_image4(const struct serial_info *si);

#endif
