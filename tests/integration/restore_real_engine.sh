# Debian's real idevicerestore (1.0.0 on Debian 12, 1.0.1 on Debian 13)
# driven by ibench against an emulated iPhone 8 in Recovery, inside the test
# runner's private network namespace, with no signing server at all (the
# bench's own, reached through the proxy variables vbench sets, is taken
# away): it identifies the device, reads the IPSW and the nonces, then cannot
# reach Apple's signing server, and ibench must say so as precisely as the
# engine's output allows. (restore_real_update, _dfu, _faults and _two run
# whole restores with the bench's signing server.)
. "$IBENCH_TOP/tests/lib.sh"
need_real_engine

unset IBENCH_ENGINE
ver=$(idevicerestore -v 2>&1 | head -n 1)   # "idevicerestore 1.0.0" / "idevicerestore 1.0.1"
export IBENCH_API_URL="http://127.0.0.1:1/v4"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf 'restore_retries = 0\n[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"

# An iOS 15 IPSW (idevicerestore 1.0.0 predates iOS 16) whose manifest has
# what the engine's signing request needs.
python3 - "$T/ios15.ipsw" "$IBENCH_TOP/tests" <<'PY'
import plistlib, sys, zipfile
sys.path.insert(0, sys.argv[2])
import ipsw_gen
m = ipsw_gen.manifest()
m["ProductVersion"], m["ProductBuildVersion"] = "15.8.3", "19H386"
for i in m["BuildIdentities"]:
    i["Info"]["BuildNumber"] = "19H386"
    i["UniqueBuildID"] = b"\x11" * 20
    i["ApProductionMode"] = i["ApSecurityMode"] = True
    for v in i["Manifest"].values():
        v["Trusted"] = True
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("BuildManifest.plist", plistlib.dumps(m))
    z.writestr("Restore.plist", plistlib.dumps({"ProductVersion": "15.8.3", "ProductBuildVersion": "19H386",
                                                "SupportedProductTypes": m["SupportedProductTypes"]}))
    for p in sorted({v["Info"]["Path"] for i in m["BuildIdentities"] for v in i["Manifest"].values()}):
        z.writestr(p, b"\0" * 4096)
PY

cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
( cd "$IBENCH_TOP" && timeout 240 "$VBENCH" --scenario "$T/scn" --log "$T/vb.log" -- \
    env -u http_proxy -u https_proxy -u HTTPS_PROXY \
    "$IBENCH" --yes restore "Bay 3" --ipsw "$T/ios15.ipsw" ) >"$T/out" 2>&1
rc=$?
log=$(ls "$IBENCH_STATE"/jobs/*/engine.log 2>/dev/null | head -n1)
check "the job's engine log exists" [ -n "$log" ]
has "$T/out" "^  ok   engine +$(command -v idevicerestore) $(echo "$ver" | sed 's/[.]/[.]/g')\$" "preflight names the real engine and its version"
has "$log" '^Found device in Recovery mode$' "the real engine finds the emulated device in Recovery"
has "$log" '^Identified device as d20ap, iPhone10,1$' "... and identifies it"
has "$log" '^Getting ApNonce in recovery mode' "... and reads its ApNonce"
has "$log" 'ERROR: Unable to send TSS request' "... and fails at the signing request"
hasnt "$log" 'Variant: Customer Erase|will erase' "... running the Update identity, not the Erase one"
case "$ver" in
*" 1.0.0")  # its libcurl errors reach the log
    has "$T/out" "Apple's signing server could not be reached" "ibench explains that Apple's signing server was unreachable"
    has "$T/out" 'next: Check the bench.s internet connection' "... and what to do" ;;
*)  # libtatsu (1.0.1 on) says why a signing request failed only with -d
    has "$T/out" "The engine could not get signing blobs for the device" "ibench explains that the signing request failed"
    has "$T/out" "next: Check the network to Apple's signing server and retry" "... and what to do" ;;
esac
hasnt "$T/vb.log" ' - tss (request|CONNECT)' "nothing reached the bench's signing server"
check "restore exits 1" [ $rc = 1 ]
