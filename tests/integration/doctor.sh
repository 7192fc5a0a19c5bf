# `ibench doctor` on this machine: no usbmuxd, Debian's old restore engine.
. "$IBENCH_TOP/tests/lib.sh"
unset USBMUXD_SOCKET_ADDRESS
"$IBENCH" doctor >"$T/d" 2>&1; rc=$?
check "doctor exits 7 when a check fails" [ $rc = 7 ]
has "$T/d" '^FAIL +usbmuxd +usbmuxd is not running' "says plainly that usbmuxd is not running"
if [ -x /usr/bin/idevicerestore ] && /usr/bin/idevicerestore -v 2>&1 | grep -q '1\.0\.0'; then
    has "$T/d" '^WARN +engine .*1\.0\.0: it cannot restore iOS 16 or later' "says the engine is too old for iOS 16+"
elif [ -x /usr/bin/idevicerestore ]; then   # Debian 13's 1.0.1 restores iOS 16 and later
    hasnt "$T/d" 'cannot restore iOS 16' "no iOS 16 warning for Debian 13's engine"
fi
has "$T/d" '[0-9]+ failures?, [0-9]+ warnings?$' "summary line"

printf '#!/bin/sh\necho "idevicerestore 1.3.1"\n' >"$T/newengine"; chmod +x "$T/newengine"
"$IBENCH" --engine "$T/newengine" doctor >"$T/d2" 2>&1
has "$T/d2" "^ok +engine +$T/newengine \\(idevicerestore 1\\.3\\.1\\)" "a newer engine passes"
"$IBENCH" --engine "$T/none" doctor >"$T/d3" 2>&1
has "$T/d3" '^FAIL +engine +no restore engine' "a missing engine fails with the fix"

start_muxd || { fail "stand-in usbmuxd starts"; exit 1; }
"$IBENCH" --json doctor >"$T/j" 2>&1
python3 -c '
import json,sys; o=json.load(open(sys.argv[1]))
c={x["check"]: x for x in o["checks"]}
assert c["usbmuxd"]["result"]=="pass", c["usbmuxd"]
assert all(set(x)=={"check","result","detail"} for x in o["checks"]) and "failures" in o' "$T/j"
check "--json: usbmuxd found through USBMUXD_SOCKET_ADDRESS; stable keys" [ $? = 0 ]
echo quit >&3
has "$T/d" '^WARN +catalog +no firmware catalog cached yet' "says when no firmware catalog is cached"
has "$T/d" '^ok +jobs +0 restores running, 0 queued, 0 job folders kept for 90 days \(caps: 4 on the bench, 2 per hub\)' "reports the restore jobs, their retention and the caps"
