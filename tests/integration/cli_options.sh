# One option parser: the global options work anywhere on the line, as the
# man page writes them, for every command; "--" ends them.
. "$IBENCH_TOP/tests/lib.sh"
SERIAL='CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:001A2B3C4D5E6F70 IBFL:3C SRNM:[F17XXXXXJCLY] SRTG:[iBoot-3332.0.0.1.23]'
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"; }

"$IBENCH" guide "iPhone 8 (Global)" dfu --json >"$T/g1" 2>&1
check "guide MODEL dfu --json prints JSON" json_ok "$T/g1"
"$IBENCH" --json guide "iPhone 8 (Global)" dfu >"$T/g2" 2>&1
check "... the same as --json before the command" cmp -s "$T/g1" "$T/g2"
"$IBENCH" guide --json "iPhone 8 (Global)" dfu >"$T/g3" 2>&1
check "... and among the arguments" cmp -s "$T/g1" "$T/g3"

"$IBENCH" identify "$SERIAL" --json >"$T/i1" 2>&1
check "identify SERIAL --json prints JSON (--json is not read as a nonce)" json_ok "$T/i1"
has "$T/i1" '"ecid": "0x001A2B3C4D5E6F70"|"ecid": "001A2B3C4D5E6F70"' "... of the serial string given"
"$IBENCH" -j identify "$SERIAL" >"$T/i2" 2>&1
check "... the same as -j first" cmp -s "$T/i1" "$T/i2"

"$IBENCH" models --cache "$T/c" --json >"$T/m1" 2>&1
check "a global option with a value after the command" json_ok "$T/m1"
"$IBENCH" models --cache=/x -j >"$T/m2" 2>&1
check "--name=value form" cmp -s "$T/m1" "$T/m2"

# --yes after the command reaches the confirmation: without a terminal the
# same command refuses without it and is not refused for its options with it.
"$IBENCH" restore 0x1 --ipsw /nonexistent --yes </dev/null >"$T/r1" 2>&1; rc=$?
hasnt "$T/r1" 'unrecognized option|usage:' "restore ... --yes: --yes is taken, not a usage error"
check "... it fails for the missing device instead (exit 3)" [ "$rc" = 3 ]

"$IBENCH" identify -- --json >"$T/d1" 2>&1; rc=$?
has "$T/d1" 'serial|CPID' "after --, --json is the command's argument, not an option"
check "... and is read as a (bad) serial string (exit not 0)" [ "$rc" != 0 ]

"$IBENCH" guide "iPhone 8 (Global)" dfu --cache >"$T/e1" 2>&1; rc=$?
check "a global option missing its value is a usage error (exit 2)" [ "$rc" = 2 ]
has "$T/e1" -- '--cache needs a value' "... and says which"
"$IBENCH" list --json=1 >"$T/e2" 2>&1; rc=$?
check "a flag given a value is a usage error (exit 2)" [ "$rc" = 2 ]
