/* Fuzz target: BuildManifest.plist bytes from an untrusted IPSW. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ipsw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ipsw_manifest m;
    char err[200], why[300];
    int fits[IPSW_MAX_IDENTITIES];
    if (ipsw_manifest_parse(data, size, &m, err, sizeof err) == 0)
        ipsw_match(&m, "iPhone10,1", 0x8015, 0x02, fits, why, sizeof why);
    return 0;
}
