# `ibench list` and `ibench watch` on the virtual bench's USB side: identity
# read with ibench's own asynchronous transfers, every mode, hostile devices,
# a device rebooting through modes on one row, and a full bench of 16.
. "$IBENCH_TOP/tests/lib.sh"

need_vbench

mkdir -p "$XDG_CONFIG_HOME/ibench"
cat > "$XDG_CONFIG_HOME/ibench/config" <<'C'
linger_seconds = 2
[slots]
1-1.3 = Bay 3
C

vb() { s=$1; l=$2; shift 2; ( cd "$IBENCH_TOP" && timeout 90 "$VBENCH" --scenario "$s" --log "$l" -- "$@" ); }

cat > "$T/all" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 srnm=F2LVX0ABCDEF
device R model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.4 srnm=C39ZZ0ABCDEF
device N model=iPhone12,1 ecid=0x0000AAAABBBBCCCC port=1-1.5 ios=17.5.1 build=21F90 name="Counter two"
device W model=iPad8,1 ecid=0x000A1B2C3D4E5F60 port=1-2
device K model=iPhone15,2 ecid=0x0000001111111111 port=1-3
device P model=iPhone15,3 ecid=0x0000002222222222 port=1-4
device U cpid=0x9999 bdid=0x30 ecid=0x0000003333333333 port=1-5
device G ecid=0x0000004444444444 port=1-6 bad=garbage-serial
device L ecid=0x0000005555555555 port=1-7 bad=long-serial
device S ecid=0x0000006666666666 port=1-8 bad=stall
device Q ecid=0x0000007777777777 port=1-9 bad=nak
at 0 plug A dfu
at 0 plug R recovery
at 0 plug N normal
at 0 plug W wtf
at 0 plug K kis
at 0 plug P port-dfu
at 0 plug U dfu
at 0 plug G recovery
at 0 plug L recovery
at 0 plug S recovery
at 0 plug Q dfu
S
vb "$T/all" "$T/all.log" sh -c '"$0" list --json > "$1"; echo "rc=$?"; "$0" list' "$IBENCH" "$T/all.json" >"$T/all.out" 2>&1
has "$T/all.out" '^rc=0$' "list --json exits 0 on a mixed bench"
python3 - "$T/all.json" >"$T/all.py" 2>&1 <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
by = {r["port"]: r for r in rows}
def want(port, **kv):
    r = by.get(port)
    assert r is not None, "no row for " + port
    for k, v in kv.items():
        assert r.get(k) == v, "%s: %s=%r, want %r" % (port, k, r.get(k), v)
want("1-1.3", mode="dfu", product_type="iPhone10,1", board="d20ap", ecid="0012345678ABCDEF",
     cpid="0x8015", identified=True, slot="Bay 3", iboot="iBoot-3332.0.0.1.23")
want("1-1.4", mode="recovery", product_type="iPhone12,1", ecid="001A2B3C4D5E6F70",
     serial="C39ZZ0ABCDEF", identified=True)
want("1-1.5", mode="normal", product_type="iPhone12,1", ios_version="17.5.1", build="21F90",
     device_name="Counter two", ecid="0000AAAABBBBCCCC", identified=True)
want("1-2", mode="wtf", product_type="iPad8,1", identified=True)
want("1-3", mode="kis", product_type="iPhone15,2", identified=True)
want("1-4", mode="port_dfu", product_type="iPhone15,3", identified=True)
want("1-5", mode="dfu", product_type=None, cpid="0x9999", ecid="0000003333333333")
for port in ("1-6", "1-7", "1-8", "1-9"):
    r = by.get(port)
    assert r is not None, "hostile device on %s has no row" % port
    assert r["mode"] in ("recovery", "dfu"), r
s = by["1-8"]
assert s["error"] and "stall" in s["error"], s
q = by["1-9"]
assert q["error"] and "timed out" in q["error"], q
for r in rows:
    for k, v in r.items():
        if isinstance(v, str):
            assert not any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or c == "\u202e" for c in v), (k, v)
            assert len(v) <= 256, (k, len(v))
assert len([r for r in rows if r["port"] == "1-1.5"]) == 1, "Normal device seen twice (USB and usbmuxd not merged)"
print("ok")
PY
check "every mode identified over USB; hostile devices get a row and a reason" grep -q '^ok$' "$T/all.py"
grep -v '^ok$' "$T/all.py" | sed 's/^/# /'
has "$T/all.out" '^#[0-9]+ +Bay 3 +DFU +iPhone 8' "text list shows the row, slot label, mode and marketing name"
has "$T/all.out" 'Port DFU' "text list names Port DFU"
hasnt "$T/all.out" "$(printf '\033')" "no escape sequence from a device reaches the terminal"
awk 'NR > 1 && $2 ~ /^1-/ { print $2 }' "$T/all.out" > "$T/order"
sort -t- -k2,2n -c "$T/order" 2>/dev/null
check "text list is in port order" [ $? = 0 ]

# A device that reboots through the modes keeps its row and its port. Each
# move (through the control FIFO) waits until watch has seen the device
# identified in its current mode, and watch runs until the row is removed:
# fixed times could outrun a slow watch.
cat > "$T/journey" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 ios=16.7.8 build=20H343
at 0.5 plug A dfu
S
mkfifo "$T/journey.ctl"
( cd "$IBENCH_TOP" && timeout 180 "$VBENCH" --scenario "$T/journey" --fifo "$T/journey.ctl" --log "$T/journey.log" -- sh -c '
  "$0" watch --json > "$1" & p=$!
  seen() { i=0; while ! grep "\"event\":\"$1\"" "$W" 2>/dev/null | grep -q "$2"; do
      [ $i -ge 300 ] && { echo "timed out waiting for $1 $2"; return 1; }; sleep 0.1; i=$((i+1)); done; }
  W=$1
  seen identified "\"mode\":\"dfu\""; echo "mode A recovery" > "$2"
  seen identified "\"mode\":\"recovery\""; echo "mode A normal" > "$2"
  seen identified "\"mode\":\"normal\".*\"ios_version\":\"16.7.8\""; echo "unplug A" > "$2"
  seen removed '"port":"1-1.3"'
  kill $p; wait $p' "$IBENCH" "$T/watch.json" "$T/journey.ctl" ) >"$T/journey.out" 2>&1
python3 - "$T/watch.json" >"$T/journey.py" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
a = [e for e in ev if e["device"].get("ecid") == "0012345678ABCDEF" or e["device"].get("port") == "1-1.3"]
assert a, "no events for the device"
# In Normal, usbmuxd may give it a second row until its identity is known;
# that row must be announced as merged into the device's own row.
merged = [e for e in a if e["device"].get("merged_into")]
a = [e for e in a if not e["device"].get("merged_into")]
ids = {e["device"]["id"] for e in a}
assert len(ids) == 1, "the device changed rows: %s" % ids
assert all(e["device"]["merged_into"] in ids for e in merged), merged
modes = []
for e in a:
    m = e["device"]["mode"]
    if e["event"] in ("attached", "mode_changed", "identified") and (not modes or modes[-1] != m):
        modes.append(m)
assert modes == ["dfu", "recovery", "normal"], modes
assert all(e["device"]["port"] == "1-1.3" for e in a), [e["device"]["port"] for e in a]
assert all(e["device"]["slot"] == "Bay 3" for e in a)
kinds = [e["event"] for e in a]
assert "detached" in kinds and kinds[-1] == "removed", kinds
n = [e for e in a if e["device"]["mode"] == "normal" and e["event"] == "identified"]
assert n and n[-1]["device"]["ios_version"] == "16.7.8", n
print("ok")
PY
check "DFU -> Recovery -> Normal on one row and one port, then detached and removed" grep -q '^ok$' "$T/journey.py"
grep -v '^ok$' "$T/journey.py" | sed 's/^/# /'

# A Normal device first seen now: USB and usbmuxd may each give it a row
# before its UDID shows they are one. Every extra row must be announced as
# removed, naming the row that carries on.
cat > "$T/fresh" <<'S'
device C model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.5 ios=17.5.1 build=21F90
at 0.5 plug C normal
S
( cd "$IBENCH_TOP" && timeout 120 "$VBENCH" --scenario "$T/fresh" -- sh -c '
  "$0" watch --json > "$1" & p=$!
  i=0; while ! grep -q "\"identified\".*\"port\":\"1-1.5\".*\"ios_version\":\"17.5.1\"" "$1" 2>/dev/null; do
      [ $i -ge 300 ] && break; sleep 0.1; i=$((i+1)); done
  kill $p; wait $p' "$IBENCH" "$T/fresh.json" ) >"$T/fresh.out" 2>&1
python3 - "$T/fresh.json" >"$T/fresh.py" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
whole = [e for e in ev if e["event"] == "identified" and e["device"]["port"] == "1-1.5" and e["device"]["ios_version"] == "17.5.1"]
assert whole, "never identified with both its port and its iOS version: %s" % [
    (e["event"], e["device"]["id"], e["device"]["port"], e["device"]["mode"], e["device"].get("ios_version"),
     e["device"].get("merged_into")) for e in ev]
final = whole[-1]["device"]["id"]
assert whole[-1]["device"]["ecid"] == "001A2B3C4D5E6F70"
for rid in {e["device"]["id"] for e in ev if e["event"] == "attached"} - {final}:
    gone = [e for e in ev if e["event"] == "removed" and e["device"]["id"] == rid]
    assert gone and gone[0]["device"].get("merged_into") == final, "row %d vanished unannounced: %s" % (rid, gone)
print("ok")
PY
check "a first-seen Normal device: any second row is announced as merged into the first" grep -q '^ok$' "$T/fresh.py"
grep -v '^ok$' "$T/fresh.py" | sed 's/^/# /'

# A full bench: 16 Recovery/DFU devices on two hubs, all identified.
{
    for i in $(seq 1 16); do
        hub=$(( (i - 1) / 8 + 1 )); port=$(( (i - 1) % 8 + 1 ))
        printf 'device D%d model=iPhone10,1 ecid=0x%016X port=1-%d.%d\n' "$i" "$i" "$hub" "$port"
    done
    for i in $(seq 1 16); do
        if [ $((i % 2)) = 0 ]; then printf 'at 0 plug D%d dfu\n' "$i"; else printf 'at 0 plug D%d recovery\n' "$i"; fi
    done
} > "$T/sixteen"
vb "$T/sixteen" "$T/sixteen.log" sh -c '"$0" list --json > "$1"' "$IBENCH" "$T/sixteen.json" >/dev/null 2>&1
python3 - "$T/sixteen.json" >"$T/sixteen.py" 2>&1 <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 16, len(rows)
assert all(r["identified"] and r["product_type"] == "iPhone10,1" for r in rows), [r for r in rows if not r["identified"]]
assert len({r["ecid"] for r in rows}) == 16 and len({r["port"] for r in rows}) == 16
print("ok")
PY
check "16 devices on two hubs: 16 rows, all identified, distinct ECIDs and ports" grep -q '^ok$' "$T/sixteen.py"
grep -v '^ok$' "$T/sixteen.py" | sed 's/^/# /'
