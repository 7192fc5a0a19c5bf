# `ibench models` and `ibench identify` through the real binary.
. "$IBENCH_TOP/tests/lib.sh"

"$IBENCH" models --json >"$T/models.json"; rc=$?
check "models --json exits 0" [ $rc = 0 ]
python3 - "$T/models.json" "$IBENCH_TOP/src/core/models.tsv" >"$T/cmp" 2>&1 <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
got = {(r["product_type"], r["cpid"], r["bdid"]): r for r in rows}
missing = 0
lines = open(sys.argv[2]).read().splitlines()[1:]
for line in lines:
    f = line.split("\t")
    if f[5] not in ("iPhone", "iPad", "iPod"):
        continue
    key = (f[0], "0x%04x" % int(f[3], 16), "0x%02x" % int(f[4], 16))
    r = got.get(key)
    if not r or r["name"] != f[1] or r["board"] != f[2] or r["scheme"] != f[6]:
        print("MISMATCH", key, r)
        missing += 1
print("checked", len(lines), "missing", missing)
sys.exit(1 if missing else 0)
PY
check "models --json lists every iPhone/iPad/iPod row with CPID, BDID, board, name, scheme" [ $? = 0 ]
"$IBENCH" models >"$T/models.txt"
has "$T/models.txt" '^iPhone10,3 +iPhone X \(Global\) +d22ap +8015 +06 +faceid' "models table text"

X8='CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:02 ECID:0012345678ABCDEF IBFL:3C SRTG:[iBoot-3332.0.0.1.23]'
"$IBENCH" identify "$X8" >"$T/id.txt"
has "$T/id.txt" 'iPhone10,1, d20ap\), button scheme faceid' "identify iPhone 8 DFU: model and scheme"
has "$T/id.txt" '^Fused: +production' "identify iPhone 8 DFU: production fused"
has "$T/id.txt" '^ECID: +0012345678ABCDEF \(5124095577148911\)' "identify prints ECID hex and decimal"
"$IBENCH" --json identify "$X8" >"$T/id.json"
python3 -c '
import json,sys; o=json.load(open(sys.argv[1]))
assert o["model"]["product_type"]=="iPhone10,1" and o["model"]["board"]=="d20ap"
assert o["model"]["scheme"]=="faceid" and o["fused"]=="production" and o["pwned"] is None
assert o["ecid"]=="0012345678ABCDEF" and o["srtg"]=="iBoot-3332.0.0.1.23"' "$T/id.json"
check "identify --json fields" [ $? = 0 ]

"$IBENCH" identify 'CPID:8010 CPRV:11 CPFM:03 SCEP:01 BDID:08 ECID:0012345678ABCDEF IBFL:3C SRTG:[iBoot-2696.0.0.1.33] PWND:[checkm8]' >"$T/pw.txt"
has "$T/pw.txt" '^PWND: +checkm8' "identify reports an active exploit"
"$IBENCH" identify 'CPID:8015 BDID:FF ECID:1' >"$T/unk.txt"; rc=$?
check "unknown CPID/BDID still identifies" [ $rc = 0 ]
has "$T/unk.txt" 'unknown model' "unknown model is said plainly"
"$IBENCH" identify "CPID:8015 ECID:00123456789ABCDEF0" >/dev/null 2>"$T/bad.txt"; rc=$?
check "hostile serial string exits 2" [ $rc = 2 ]
has "$T/bad.txt" 'ECID: 18 hex digits' "hostile serial string: reason given"
"$IBENCH" identify "$X8" ' NONC:977A728CA4DEC7636470F3A78D2D8DD9A2542C95 SNON:00112233' >"$T/n.txt"
has "$T/n.txt" '^ApNonce: +977a728ca4dec7636470f3a78d2d8dd9a2542c95' "identify with a nonce string"
