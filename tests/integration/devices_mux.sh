# `ibench list` and `ibench watch` on Normal- and Restore-mode devices through
# the stand-in usbmuxd (the USB side of these devices is not emulated here).
. "$IBENCH_TOP/tests/lib.sh"
start_muxd || { fail "stand-in usbmuxd starts"; exit 1; }
send() { mux_send "$1"; }

"$IBENCH" list >"$T/empty" 2>"$T/empty.err"
has "$T/empty" 'No device attached' "empty bench says what to do"
hasnt "$T/empty.err" 'usbmuxd is not running' "usbmuxd is found through USBMUXD_SOCKET_ADDRESS"

A=00008030-001A2B3C4D5E6F70
B=a1b2c3d4e5f60718293a4b5c6d7e8f9012345678
# Start watching before the devices come.
"$IBENCH" watch --json >"$T/watch" 2>"$T/watch.err" &
WPID=$!
on_exit "kill $WPID 2>/dev/null"
sleep 0.5
send "attach udid=$A model=iPhone12,1 ios=17.5.1 build=21F90 srnm=F2LZK0AAN70F hwmodel=N104AP ecid=0x001A2B3C4D5E6F70 cpid=0x8030 bdid=0x04 name='Bob\\033[7m \\\"Q\\\"\\177\\342\\200\\256'"
send "attach udid=$B model=iPhone10,1 ios=13.7 build=17H35 name=\"Bay two\" srnm=C39VX0AAJCLJ hwmodel=D20AP ecid=0x00000A1B2C3D4E5F cpid=0x8015 bdid=0x02"
wait_for "$T/watch" "\"identified\".*$B" 30
wait_for "$T/watch" "\"identified\".*$A" 30

"$IBENCH" list --json >"$T/list.json" 2>"$T/list.err"
python3 - "$T/list.json" "$A" "$B" >"$T/py" 2>&1 <<'PY'
import json, sys
rows = {r["udid"]: r for r in json.load(open(sys.argv[1]))}
a, b = rows[sys.argv[2]], rows[sys.argv[3]]
assert a["mode"] == "normal" and a["product_type"] == "iPhone12,1" and a["name"] == "iPhone 11", a
assert a["ecid"] == "001A2B3C4D5E6F70" and a["ios_version"] == "17.5.1" and a["serial"] == "F2LZK0AAN70F", a
assert b["product_type"] == "iPhone10,1" and b["board"] == "d20ap" and b["ecid"] == "00000A1B2C3D4E5F", b
assert b["device_name"] == "Bay two" and b["cpid"] == "0x8015", b
name = a["device_name"]
assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0 or ch == "\u202e" for ch in name), repr(name)
print("ok")
PY
check "list --json: model, mode, ECID, version, serial of Normal-mode devices" grep -q '^ok$' "$T/py"
[ -s "$T/py" ] && grep -v '^ok$' "$T/py" | sed 's/^/# /'
check "DeviceName reaches JSON without control characters or bidi overrides" grep -q '^ok$' "$T/py"

"$IBENCH" list >"$T/list.txt"
has "$T/list.txt" 'Normal +iPhone 11 +iPhone12,1 +001A2B3C4D5E6F70 +17\.5\.1' "list text row"

send "detach $B"
wait_for "$T/watch" "\"detached\".*$B" 30
has "$T/watch" "\"event\":\"attached\".*$A" "watch: attached"
has "$T/watch" "\"event\":\"detached\".*$B" "watch: detached"
python3 -c '
import json,sys
for l in open(sys.argv[1]):
    o=json.loads(l); assert set(["time","event","device"])<=set(o) and o["time"].endswith("Z")' "$T/watch"
check "watch lines are JSON objects with time, event and device" [ $? = 0 ]

# Restore mode: same ECID as B, seen through restored -> the same row, mode restore.
send "attach udid=$B restore=1 model=iPhone10,1 ecid=0x00000A1B2C3D4E5F cpid=0x8015 bdid=0x02"
wait_for "$T/watch" "\"mode\":\"restore\"" 30
has "$T/watch" "\"event\":\"(attached|mode_changed)\".*\"mode\":\"restore\".*$B" "restore-mode device keeps its row"
ids=$(python3 -c '
import json,sys
print(len({json.loads(l)["device"]["id"] for l in open(sys.argv[1]) if sys.argv[2] in l}))' "$T/watch" "$B")
check "one row id for the device through Normal and Restore" [ "$ids" = 1 ]

kill -INT $WPID; wait $WPID; rc=$?
check "watch ends cleanly on SIGINT" [ $rc = 0 ]
