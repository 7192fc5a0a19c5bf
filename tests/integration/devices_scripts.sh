# What scripts read from `list` and `watch`: wall-clock mode times, an event
# when identification fails, and #N naming the N-th row that `list` shows.
. "$IBENCH_TOP/tests/lib.sh"

need_vbench

# B is plugged before A, so B is the older row, but A's port sorts first.
cat > "$T/s" <<'S'
device B model=iPhone10,1 ecid=0x00000000000000B2 port=1-1.2 ibootver=iBoot-2222.2.2
device A model=iPhone10,1 ecid=0x00000000000000A1 port=1-1.1 ibootver=iBoot-1111.1.1
device G ecid=0x0000004444444444 port=1-1.3 bad=garbage-serial
at 0 plug B recovery
at 0.3 plug A recovery
at 0.6 plug G recovery
S
# One watcher at a time: each sees the devices present when it starts.
( cd "$IBENCH_TOP" && timeout 90 "$VBENCH" --scenario "$T/s" --log "$T/s.log" -- sh -c '
  upto() { i=0; while ! grep -q "$2" "$1" 2>/dev/null; do [ $i -ge 300 ] && return 1; sleep 0.1; i=$((i+1)); done; }
  "$0" watch --json > "$1" & p=$!
  upto "$1" ident_failed; kill $p; wait $p
  "$0" watch > "$1.txt" & p=$!
  upto "$1.txt" ident_failed; kill $p; wait $p
  "$0" list > "$2"
  "$0" list --json > "$2.json"; date +%s > "$2.now"
  "$0" cmd "#1" "getenv build-version"
  "$0" cmd "#2" "getenv build-version"
  "$0" cmd "#9" "getenv build-version"; echo "rc9=$?"' "$IBENCH" "$T/w" "$T/l" ) >"$T/out" 2>&1

has "$T/w" '"event":"ident_failed".*"port":"1-1.3"' "watch --json reports a failed identification as ident_failed"
has "$T/w.txt" 'ident_failed .*1-1\.3.*garbage|ident_failed .*1-1\.3.*serial' "watch text reports the failed identification with its reason"
has "$T/l" '^ROW +BAY' "list has a ROW column"
has "$T/l" '^#1 +1-1\.1 ' "list: row #1 is the first port"
has "$T/l" '^#2 +1-1\.2 ' "list: row #2 is the second port"
has "$T/out" '^iBoot-1111\.1\.1$' "#1 names the first row list shows (1-1.1), not the oldest device"
has "$T/out" '^iBoot-2222\.2\.2$' "#2 names the second row"
has "$T/out" '^rc9=3$' "#N past the last row is no device (exit 3)"
python3 - "$T/l.json" "$(cat "$T/l.now")" >"$T/py" 2>&1 <<'PY'
import calendar, json, sys, time
rows = json.load(open(sys.argv[1]))
now = int(sys.argv[2])
assert [r["row"] for r in rows] == list(range(1, len(rows) + 1)), [r.get("row") for r in rows]
assert rows[0]["port"] == "1-1.1", rows[0]
for r in rows:
    assert "mode_since_ms" not in r, r
    t = calendar.timegm(time.strptime(r["mode_since"], "%Y-%m-%dT%H:%M:%SZ"))
    age = r["mode_age_s"]
    assert isinstance(age, int) and 0 <= age < 120, r
    assert abs(t + age - now) <= 5, (r["mode_since"], age, now)
print("ok")
PY
check "list --json: mode_since is a wall-clock UTC time, mode_age_s its age, row the list row" grep -q '^ok$' "$T/py"
grep -v '^ok$' "$T/py" | sed 's/^/# /'
