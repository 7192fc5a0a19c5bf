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
