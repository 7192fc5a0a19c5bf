/* IPSW inspection, the pure part: the BuildManifest parser and which build
 * identities fit a device. Nothing in an archive is trusted: every plist value
 * is type-checked. The archive around it is ipsw_archive.h (sources). */
#ifndef IBENCH_IPSW_MANIFEST_H
#define IBENCH_IPSW_MANIFEST_H
#include <stddef.h>
#include <stdint.h>

#define IPSW_MAX_IDENTITIES 64
#define IPSW_MAX_COMPONENTS 96
#define IPSW_MAX_PRODUCTS 32
#define IPSW_MANIFEST_MAX (16u << 20)   /* a BuildManifest larger than this is refused */
#define IPSW_MANIFEST_DEPTH_MAX 64      /* and one nested deeper than this (real ones: about 8) */
#define IPSW_STR_(x) #x
#define IPSW_STR(x) IPSW_STR_(x)

struct ipsw_component {
    char name[64];        /* "KernelCache", "iBSS", ... */
    char path[256];       /* entry inside the archive */
    int64_t size;         /* from the central directory, -1 if absent */
};

struct ipsw_identity {
    char board[32];       /* Info.DeviceClass, "d20ap" */
    uint32_t chip_id, board_id;
    char variant[128];    /* Info.Variant */
    char behavior[16];    /* Info.RestoreBehavior: "Erase" or "Update" */
    int ncomponents;
    struct ipsw_component components[IPSW_MAX_COMPONENTS];
};

/* About 2 MB: allocate it, never on a stack or as a static. */
struct ipsw_manifest {
    char version[32], build[32];
    int nproducts;
    char products[IPSW_MAX_PRODUCTS][32];
    int nidentities;
    struct ipsw_identity identities[IPSW_MAX_IDENTITIES];
};

/* Parses BuildManifest.plist bytes (XML or binary). 0, or -1 with a reason. */
int ipsw_manifest_parse(const void *data, size_t len, struct ipsw_manifest *m, char *err, size_t errlen);

/* Which identities fit a device: sets fits[i] for each identity; returns the
 * count, and when none fit, a plain reason in why. */
int ipsw_match(const struct ipsw_manifest *m, const char *product_type, uint32_t cpid, uint32_t bdid,
               int fits[IPSW_MAX_IDENTITIES], char *why, size_t whylen);

/* Entry names that could escape the output folder or are not plain files. */
int ipsw_name_is_safe(const char *name);

/* True for http:// and https:// addresses. */
int ipsw_is_url(const char *s);

#endif
