/* Asks a Restore-mode device what idevicerestore would, through stock
 * libimobiledevice's restored client (for vbench_muxd.sh).
 *
 *   muxd_restored UDID
 *
 * Prints "type <Type> <RestoreProtocolVersion>", "ecid <n>", "product <t>",
 * "chip <cpid> <bdid>", "serial <s>"; exits 1 when something is missing.
 */
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/restore.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t uint_of(plist_t dict, const char *key)
{
  uint64_t v = 0;
  plist_t n = plist_dict_get_item(dict, key);
  if (n && plist_get_node_type(n) == PLIST_UINT)
    plist_get_uint_val(n, &v);
  return v;
}

int main(int argc, char **argv)
{
  idevice_t dev = NULL;
  restored_client_t rc = NULL;
  if (argc != 2 || idevice_new(&dev, argv[1]) != IDEVICE_E_SUCCESS) {
    fprintf(stderr, "no device\n");
    return 1;
  }
  if (restored_client_new(dev, &rc, "muxd_restored") != RESTORE_E_SUCCESS) {
    fprintf(stderr, "no restored client\n");
    return 1;
  }
  char *type = NULL;
  uint64_t version = 0;
  if (restored_query_type(rc, &type, &version) != RESTORE_E_SUCCESS) {
    fprintf(stderr, "QueryType failed\n");
    return 1;
  }
  printf("type %s %llu\n", type, (unsigned long long)version);
  free(type);

  int ret = 0;
  plist_t hw = NULL;
  if (restored_query_value(rc, "HardwareInfo", &hw) == RESTORE_E_SUCCESS && hw) {
    char *pt = NULL;
    plist_t n = plist_dict_get_item(hw, "ProductType");
    if (n)
      plist_get_string_val(n, &pt);
    printf("ecid %llu\n", (unsigned long long)uint_of(hw, "UniqueChipID"));
    printf("product %s\n", pt ? pt : "?");
    printf("chip 0x%llx 0x%llx\n", (unsigned long long)uint_of(hw, "ChipID"),
           (unsigned long long)uint_of(hw, "BoardID"));
    free(pt);
    plist_free(hw);
  } else {
    fprintf(stderr, "HardwareInfo failed\n");
    ret = 1;
  }
  plist_t sn = NULL;
  if (restored_query_value(rc, "SerialNumber", &sn) == RESTORE_E_SUCCESS && sn) {
    char *s = NULL;
    plist_get_string_val(sn, &s);
    printf("serial %s\n", s ? s : "?");
    free(s);
    plist_free(sn);
  } else {
    fprintf(stderr, "SerialNumber failed\n");
    ret = 1;
  }
  /* restored_client_free says Goodbye itself. A second Goodbye after the
   * stand-in has closed the stream makes Debian 13's libimobiledevice
   * (2025 snapshot, libusbmuxd 2.1.0) retry the send on EPIPE forever. */
  restored_client_free(rc);
  idevice_free(dev);
  return ret;
}
