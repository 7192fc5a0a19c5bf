# `ibench guide` through the real binary.
. "$IBENCH_TOP/tests/lib.sh"
"$IBENCH" guide iPhone10,3 dfu >"$T/x.txt"; rc=$?
check "guide exits 0" [ $rc = 0 ]
has "$T/x.txt" 'Press and hold Side +10s' "Face ID DFU: hold Side 10s"
has "$T/x.txt" 'Release Side; keep holding Volume Down +8s' "Face ID DFU: keep Volume Down 8s"
has "$T/x.txt" '4013' "advice mentions 4013"
"$IBENCH" guide d22ap >"$T/all.txt"
for t in 'Enter Recovery' 'Exit Recovery' 'Enter DFU' 'Exit DFU'; do has "$T/all.txt" "^$t\$" "all four guides: $t"; done
"$IBENCH" --json guide "iPad Pro 11-inch (3rd gen, WiFi)" recovery >"$T/j.json" 2>&1 || "$IBENCH" --json guide iPad13,4 recovery >"$T/j.json"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); g=o["guides"][0]; assert g["power_button"]=="Top" and g["steps"][2]["hold_ms"]==-1, o' "$T/j.json"
check "guide --json for an iPad without Home" [ $? = 0 ]
printf 'dfu_first_hold_ms = 4000\n' >"$T/c"
"$IBENCH" -c "$T/c" guide iPhone9,1 dfu >"$T/cfg.txt"
has "$T/cfg.txt" 'Press and hold Side and Volume Down together +4s' "DFU timings are configurable"
"$IBENCH" guide iPhone99,1 >/dev/null 2>"$T/e"; rc=$?
check "unknown model exits 2" [ $rc = 2 ]
has "$T/e" "unknown model 'iPhone99,1'" "unknown model is named"
"$IBENCH" guide iPhone10,3 sideways >/dev/null 2>&1; rc=$?
check "unknown action exits 2" [ $rc = 2 ]

# What a technician types: the start of a name, any case; a product type or
# board in any case; several models only when one guide serves them all.
"$IBENCH" guide "iPhone 7" dfu >"$T/p7.txt" 2>&1; rc=$?
check "guide 'iPhone 7' exits 0" [ $rc = 0 ]
has "$T/p7.txt" 'Press and hold Side and Volume Down together +10s' "guide 'iPhone 7': the iPhone 7 DFU steps"
has "$T/p7.txt" "same steps serve all 4 models that fit 'iPhone 7'" "guide 'iPhone 7' says how many models it covers"
has "$T/p7.txt" '^  iPhone9,4 +iPhone 7 Plus \(GSM\)$' "... and names them"
"$IBENCH" guide "iphone 8" recovery >"$T/p8.txt" 2>&1; rc=$?
check "guide 'iphone 8' (any case) exits 0" [ $rc = 0 ]
has "$T/p8.txt" 'Press and quickly release Volume Up' "guide 'iphone 8': the Face ID sequence"
"$IBENCH" guide "iPad Air" >"$T/air.txt" 2>&1; rc=$?
check "guide 'iPad Air' (buttons differ) exits 2" [ $rc = 2 ]
has "$T/air.txt" "'iPad Air' fits [0-9]+ models whose buttons differ" "guide 'iPad Air' says the models differ"
has "$T/air.txt" '^  iPad4,1 +iPad Air \(WiFi\) +home$' "... lists a Home-button iPad Air"
has "$T/air.txt" '^  iPad13,1 +iPad Air \(4th gen, WiFi\) +ipad_top$' "... and a Top-button one"
"$IBENCH" guide iphone9,1 dfu >"$T/pt.txt" 2>&1 && "$IBENCH" guide D10AP dfu >"$T/bd.txt" 2>&1
check "a product type and a board in any case are found" cmp -s "$T/pt.txt" "$T/bd.txt"
has "$T/pt.txt" '^iPhone 7 \(Global\) \(iPhone9,1, d10ap\)' "iphone9,1 is the iPhone 7 (Global)"
"$IBENCH" guide "iphne 7" >/dev/null 2>"$T/near"; rc=$?
check "a misspelt model exits 2" [ $rc = 2 ]
has "$T/near" "did you mean 'iPhone 7 \(Global\)' \(iPhone9,1\)" "a misspelt model gets the nearest name"
"$IBENCH" --json guide "iPhone 7" dfu >"$T/p7.json"
python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert [c["product_type"] for c in o["covers"]] == ["iPhone9,1", "iPhone9,2", "iPhone9,3", "iPhone9,4"], o["covers"]' "$T/p7.json"
check "guide --json lists the models the guide covers" [ $? = 0 ]
