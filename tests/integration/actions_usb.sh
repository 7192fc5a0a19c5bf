# Software actions on the virtual bench: exit/enter Recovery, reboot, iBoot
# commands, uploads to Recovery and DFU, failures, two devices at once, and
# the DFU helper watching a port.
. "$IBENCH_TOP/tests/lib.sh"

need_vbench

mkdir -p "$XDG_CONFIG_HOME/ibench"
cat > "$XDG_CONFIG_HOME/ibench/config" <<'C'
dfu_first_hold_ms = 1000
dfu_both_hold_ms = 1000
dfu_last_hold_ms = 2000
[slots]
1-1.3 = Bay 3
1-2 = Bay 4
C

vb() { s=$1; l=$2; shift 2; ( cd "$IBENCH_TOP" && timeout 120 "$VBENCH" --scenario "$s" --log "$l" --upload-dir "$T/up" -- "$@" ); }

cat > "$T/two" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 ios=16.7.8 build=20H343
device B model=iPad8,1 ecid=0x000A1B2C3D4E5F60 port=1-2
at 0 plug A recovery
at 0 plug B dfu
S

# Exit Recovery: exactly setenv auto-boot true, saveenv, reboot; back in
# Normal on the same row.
vb "$T/two" "$T/x.log" sh -c '
  "$0" --yes recovery exit "Bay 3"; echo "rc=$?"
  "$0" list --json > "$1"' "$IBENCH" "$T/x.json" >"$T/x.out" 2>"$T/x.err"
has "$T/x.out" '^rc=0$' "recovery exit succeeds"
has "$T/x.out" '^Bay 3: back in Normal mode$' "recovery exit reports the device back in Normal"
grep -E ' A cmd ' "$T/x.log" | sed 's/^[0-9.]* //' > "$T/x.cmds"
printf '%s\n' 'A cmd "setenv auto-boot true"' 'A cmd "saveenv"' 'A cmd "reboot"' > "$T/x.want"
check "recovery exit sends exactly setenv auto-boot true, saveenv, reboot" cmp -s "$T/x.want" "$T/x.cmds"
python3 - "$T/x.json" >"$T/x.py" 2>&1 <<'PY'
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["ecid"] == "0012345678ABCDEF"]
assert len(rows) == 1, rows
r = rows[0]
assert r["mode"] == "normal" and r["port"] == "1-1.3" and r["slot"] == "Bay 3" and r["ios_version"] == "16.7.8", r
print("ok")
PY
check "after exit the device is one Normal row on its port, with its iOS version" grep -q '^ok$' "$T/x.py"

# Uploads to Recovery and DFU at the same time, byte-identical, with progress.
head -c 2500000 /dev/urandom > "$T/img"
vb "$T/two" "$T/u.log" sh -c '
  "$0" --yes send "Bay 4" "$1" > "$2.b" 2> "$2.b.err" & p=$!
  "$0" --yes send 0x0012345678ABCDEF "$1" > "$2.a" 2> "$2.a.err"; echo "a=$?"
  wait $p; echo "b=$?"' "$IBENCH" "$T/img" "$T/u" >"$T/u.out" 2>&1
has "$T/u.out" '^a=0$' "upload to Recovery succeeds"
has "$T/u.out" '^b=0$' "upload to DFU at the same time succeeds"
check "Recovery upload arrives byte-identical" cmp -s "$T/img" "$T/up/A-1.bin"
check "DFU upload arrives byte-identical (suffix stripped)" cmp -s "$T/img" "$T/up/B-1.bin"
has "$T/u.log" 'B upload dfu bytes=2500000 sha1=[0-9a-f]+ crc=ok' "DFU suffix CRC is right"
has "$T/u.b" '^Sent 2500000 bytes to Bay 4 \(DFU\)' "send reports what it sent"
has "$T/u.b.err" '^Bay 4: DFU upload [1-9][0-9]%$' "DFU upload reports progress"

# A device that vanishes mid-upload fails the action clearly; the bench
# process keeps running and sees the device return.
cat > "$T/van" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 bad=vanish-upload
at 0 plug A dfu
S
vb "$T/van" "$T/v.log" sh -c '"$0" --yes send 1-1.3 "$1"; echo "rc=$?"' "$IBENCH" "$T/img" >"$T/v.out" 2>&1
has "$T/v.out" 'upload to Bay 3 .*failed: .*left the bus' "vanishing device: the upload fails saying the device left"
has "$T/v.out" '^rc=1$' "vanishing device: exit status 1"

# iBoot console: getenv reads, a command needs confirmation, DFU has none.
cat > "$T/one" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 ibootver=iBoot-10151.1.1
at 0 plug A recovery
S
vb "$T/one" "$T/c.log" sh -c '
  "$0" cmd "Bay 3" "getenv build-version"; echo "g=$?"
  "$0" cmd "Bay 3" "setenv boot-args -v" </dev/null; echo "n=$?"
  "$0" --yes cmd "Bay 3" "setenv boot-args -v"; echo "y=$?"
  "$0" cmd "Bay 3" "getenv boot-args"
  "$0" --yes recovery exit nosuchdevice; echo "nd=$?"' "$IBENCH" >"$T/c.out" 2>&1
has "$T/c.out" '^iBoot-10151\.1\.1$' "cmd getenv prints the variable"
has "$T/c.out" '^g=0$' "cmd getenv exits 0"
has "$T/c.out" '^n=6$' "a changing command without a terminal or --yes is refused (exit 6)"
has "$T/c.out" '^-v$' "a confirmed setenv took effect"
has "$T/c.out" "no device matches 'nosuchdevice'" "unknown device named plainly"
has "$T/c.out" '^nd=3$' "unknown device exits 3"
[ "$(grep -c 'cmd "setenv boot-args -v"' "$T/c.log")" = 1 ] && ok "the refused command never reached the device" \
    || fail "the refused command never reached the device"

cat > "$T/dfu" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A dfu
S
vb "$T/dfu" "$T/d.log" sh -c '"$0" --yes recovery exit "Bay 3"; echo "rc=$?"; "$0" --yes reboot "Bay 3"; echo "rb=$?"' "$IBENCH" >"$T/d.out" 2>&1
has "$T/d.out" 'DFU is left only by a force restart' "exit Recovery on a DFU device explains DFU"
has "$T/d.out" '^To leave DFU on iPhone 8' "... and shows the force-restart steps"
has "$T/d.out" '^rc=3$' "exit Recovery on a DFU device exits 3"
has "$T/d.out" '^rb=3$' "reboot of a DFU device exits 3"

# Reboot in Recovery with auto-boot false: back in Recovery.
vb "$T/one" "$T/r.log" sh -c '"$0" --yes reboot "Bay 3"; echo "rc=$?"' "$IBENCH" >"$T/r.out" 2>&1
has "$T/r.out" '^Bay 3: back in Recovery mode$' "reboot in Recovery comes back (auto-boot false: Recovery)"
has "$T/r.log" 'A cmd "reboot"' "reboot sends iBoot's reboot"

# A command that never answers times out with a message.
cat > "$T/hang" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 bad=hang-command
at 0 plug A recovery
S
vb "$T/hang" "$T/h.log" sh -c '"$0" --yes cmd "Bay 3" "saveenv"; echo "rc=$?"' "$IBENCH" >"$T/h.out" 2>&1
has "$T/h.out" 'timed out' "a command that never answers times out plainly"
has "$T/h.out" '^rc=1$' "... and exits 1"

# Enter Recovery from Normal: allowed unpaired before iOS 14.5; refused after,
# with advice and the button guide.
cat > "$T/normal" <<'S'
device O model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 ios=14.4 build=18D52
device N model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-2 ios=17.5.1 build=21F90
at 0 plug O normal
at 0 plug N normal
S
vb "$T/normal" "$T/e.log" sh -c '
  "$0" --yes recovery enter "Bay 3"; echo "o=$?"
  "$0" --yes recovery enter "Bay 4"; echo "n=$?"' "$IBENCH" >"$T/e.out" 2>&1
has "$T/e.out" '^Bay 3: back in Recovery mode$' "enter Recovery (iOS 14.4): the device comes back in Recovery"
has "$T/e.out" '^o=0$' "enter Recovery (iOS 14.4) exits 0"
has "$T/e.out" 'enter Recovery on Bay 4 .* failed: the device is locked' "enter Recovery (iOS 17): pairing refused, said plainly"
has "$T/e.out" 'ibench guide iPhone12,1 recovery' "... with the button guide as the way out"
has "$T/e.out" '^n=1$' "enter Recovery (iOS 17) exits 1"

# The DFU helper watches the port: success when DFU appears there, "held too
# long" when the device comes back in Recovery.
# The device moves (through the control FIFO) once the helper shows step 4,
# not at a fixed time: a slow start could otherwise miss the move.
cat > "$T/h" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
dfu_run() { # mode-to-move-to log out
    rm -f "$T/h.ctl"; mkfifo "$T/h.ctl"
    ( cd "$IBENCH_TOP" && timeout 120 "$VBENCH" --scenario "$T/h" --fifo "$T/h.ctl" --log "$2" -- sh -c '
      "$0" dfu "Bay 3" > "$1" 2>&1 & p=$!
      i=0; while ! grep -q "^Step 4/" "$1" && kill -0 $p 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
      echo "mode A $2 gap=0.5" > "$3"
      wait $p; echo "rc=$?" >> "$1"' "$IBENCH" "$3" "$1" "$T/h.ctl" ) >"$3.vb" 2>&1
}
dfu_run dfu "$T/hok.log" "$T/hok.out"
has "$T/hok.out" '^Step 3/5: Press and hold Side \(1s\)$' "DFU helper counts through the model's steps"
has "$T/hok.out" '^success: DFU reached on 1-1.3' "DFU helper: success when DFU appears on the port"
has "$T/hok.out" '^rc=0$' "DFU helper success exits 0"
dfu_run recovery "$T/hl.log" "$T/hl.out"
has "$T/hl.out" '^held too long: It came back in Recovery' "DFU helper: held too long when Recovery comes back"
has "$T/hl.out" '^rc=1$' "DFU helper failure exits 1"
