# `ibench ipsw info` on IPSW-shaped archives the test builds, good and hostile.
. "$IBENCH_TOP/tests/lib.sh"
G="python3 $IBENCH_TOP/tests/ipsw_gen.py"
$G "$T/good.ipsw"
"$IBENCH" ipsw info "$T/good.ipsw" >"$T/info" 2>&1; rc=$?
check "info on a good IPSW exits 0" [ $rc = 0 ]
has "$T/info" '^iOS 17\.5\.1 \(21F90\)$' "version and build"
has "$T/info" '^For: iPhone10,1, iPhone10,2$' "supported product types"
has "$T/info" '^Archive: complete' "complete archive"
has "$T/info" 'Erase +d21ap +ApChipID 0x8015 ApBoardID 0x04' "identity: behaviour, board, chip and board IDs"
has "$T/info" 'KernelCache +kernelcache\.release\.d20 +[0-9]+$' "components with paths and sizes"
[ "$(grep -c 'ApChipID' "$T/info")" = 4 ] && ok "four identities listed" || fail "four identities listed"

"$IBENCH" ipsw info "$T/good.ipsw" --device iPhone10,2 >"$T/fit"; rc=$?
check "fitting device exits 0" [ $rc = 0 ]
has "$T/fit" '^\* Update +d21ap' "fitting identities are marked"
has "$T/fit" '^2 identities fit iPhone10,2' "fit summary"
"$IBENCH" ipsw info "$T/good.ipsw" --device d22ap >"$T/nofit"; rc=$?
check "a device the file does not fit exits 3" [ $rc = 3 ]
has "$T/nofit" 'is for iPhone10,1, iPhone10,2, not iPhone10,3 .*same chip, other board' "plain reason it does not fit"
"$IBENCH" --json ipsw info "$T/good.ipsw" --device iPhone10,1 >"$T/j"
python3 -c '
import json,sys; o=json.load(open(sys.argv[1]))
assert o["version"]=="17.5.1" and o["complete"] and o["fits"] and len(o["identities"])==4
f=[i for i in o["identities"] if i["fits"]]; assert {i["behavior"] for i in f}=={"Erase","Update"} and all(i["board"]=="d20ap" for i in f)
assert all(c["size"]>0 for i in o["identities"] for c in i["components"])' "$T/j"
check "--json: identities, fit flags, sizes" [ $? = 0 ]

$G "$T/z64.ipsw" --variant zip64
"$IBENCH" ipsw info "$T/z64.ipsw" >"$T/z64" 2>&1; rc=$?
check "ZIP64 archive reads" [ $rc = 0 ]

$G "$T/missing.ipsw" --variant missing
"$IBENCH" ipsw info "$T/missing.ipsw" >"$T/miss" 2>&1; rc=$?
check "incomplete archive exits 5" [ $rc = 5 ]
has "$T/miss" 'kernelcache\.release\.d21 +MISSING' "missing component is named"

$G "$T/bad.ipsw" --variant badplist
"$IBENCH" ipsw info "$T/bad.ipsw" >/dev/null 2>"$T/bad"; rc=$?
check "malformed manifest exits 5" [ $rc = 5 ]
has "$T/bad" 'BuildManifest: ProductVersion missing' "malformed manifest: reason"
$G "$T/none.ipsw" --variant nomanifest
"$IBENCH" ipsw info "$T/none.ipsw" >/dev/null 2>"$T/none"; rc=$?
check "archive without manifest exits 5" [ $rc = 5 ]
has "$T/none" 'no BuildManifest.plist: not an IPSW' "no manifest: reason"
head -c 3000 "$T/good.ipsw" >"$T/trunc.ipsw"
"$IBENCH" ipsw info "$T/trunc.ipsw" >/dev/null 2>"$T/trunc"; rc=$?
check "truncated archive exits 5" [ $rc = 5 ]
has "$T/trunc" 'not a readable IPSW archive' "truncated archive: clear message"
# Damage the stored manifest bytes: the CRC must catch it.
python3 - "$T/good.ipsw" "$T/crc.ipsw" <<'PY'
import sys, zipfile, plistlib
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as o:
    for i in z.infolist():
        data = z.read(i.filename)
        i.compress_type = zipfile.ZIP_STORED
        o.writestr(i, data)
raw = bytearray(open(dst, "rb").read())
pos = raw.find(b"<string>17.5.1</string>")
raw[pos + 8] = ord("9")
open(dst, "wb").write(raw)
PY
"$IBENCH" ipsw info "$T/crc.ipsw" >/dev/null 2>"$T/crc"; rc=$?
check "manifest with a bad CRC exits 5" [ $rc = 5 ]
has "$T/crc" 'damaged|CRC|Inconsistent' "bad CRC: clear message"
"$IBENCH" ipsw info "$T/nonexistent.ipsw" >/dev/null 2>"$T/ne"; rc=$?
check "missing file exits 5 with a message" [ $rc = 5 ] && has "$T/ne" 'nonexistent.ipsw' "missing file is named"

# What info says it checked: the directory only, unless --verify (or
# `ipsw verify`) reads every entry; a damaged entry then fails with exit 5.
has "$T/info" '^Integrity: directory consistent; CRCs not checked \(--verify reads every entry of a local file\)$' "info says the CRCs were not checked"
check "info never calls an unverified archive intact" [ -z "$(grep -i intact "$T/info")" ]
$G "$T/badcrc.ipsw" --variant badcrc
"$IBENCH" ipsw info "$T/badcrc.ipsw" >"$T/bc.out" 2>&1; rc=$?
check "info without --verify on a damaged entry: exit 0, not intact" all "[ $rc = 0 ]" '[ -z "$(grep -i intact "$T/bc.out")" ]'
"$IBENCH" ipsw info "$T/badcrc.ipsw" --verify >"$T/bcv.out" 2>"$T/bcv.err"; rc=$?
check "info --verify on a damaged entry exits 5 (rc=$rc)" [ $rc = 5 ]
has "$T/bcv.err" '^ibench: .*badcrc\.ipsw: Firmware/badcrc\.bin: CRC mismatch' "info --verify names the damaged entry"
has "$T/bcv.out" '^Integrity: DAMAGED: .*Firmware/badcrc\.bin: CRC mismatch' "info --verify: integrity line"
has "$T/bcv.err" '^verify: 0% of [0-9.]+ MB$' "verification progress lines"
"$IBENCH" ipsw verify "$T/badcrc.ipsw" >/dev/null 2>&1; rc=$?
check "ipsw verify on a damaged entry exits 5 (rc=$rc)" [ $rc = 5 ]
"$IBENCH" ipsw verify "$T/good.ipsw" >"$T/gv.out" 2>"$T/gv.err"; rc=$?
check "ipsw verify on a good IPSW exits 0 (rc=$rc)" [ $rc = 0 ]
has "$T/gv.out" '^Integrity: intact: every CRC checked$' "ipsw verify: intact after every CRC"
has "$T/gv.err" '^verify: 100% of [0-9.]+ MB$' "ipsw verify: progress to 100%"
"$IBENCH" --json ipsw info "$T/good.ipsw" --verify >"$T/gv.json" 2>/dev/null
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["integrity"]=="intact" and o["intact_by"]=="crc", o' "$T/gv.json"
check "--json --verify: integrity intact by crc" [ $? = 0 ]
"$IBENCH" --json ipsw info "$T/good.ipsw" >"$T/g.json" 2>/dev/null
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["integrity"]=="directory", o' "$T/g.json"
check "--json: integrity directory without --verify" [ $? = 0 ]
