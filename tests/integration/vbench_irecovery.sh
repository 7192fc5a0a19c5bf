# The emulated devices, checked with an independent client: stock irecovery
# (libirecovery 1.0.0) and stock libimobiledevice tools, through umockdev.
. "$IBENCH_TOP/tests/lib.sh"

command -v umockdev-wrapper >/dev/null 2>&1 || { echo "umockdev-wrapper not installed"; exit 77; }
command -v irecovery >/dev/null 2>&1 || { echo "irecovery not installed"; exit 77; }
[ -x "$VBENCH" ] || { echo "$VBENCH not built"; exit 77; }

vb() { # scenario-file log-file command...
    s=$1; l=$2; shift 2
    ( cd "$IBENCH_TOP" && timeout 60 "$VBENCH" --scenario "$s" --log "$l" --upload-dir "$T/up" -- "$@" )
}

# -q and -m in each mode libirecovery 1.0.0 knows.
for mode in dfu recovery wtf; do
    cat > "$T/q-$mode" <<S
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 srnm=F2LVX0ABCDEF
at 0 plug A $mode
S
    vb "$T/q-$mode" "$T/q-$mode.log" sh -c 'irecovery -q; echo "rc=$?"; irecovery -m' >"$T/q-$mode.out" 2>&1
    has "$T/q-$mode.out" '^rc=0$' "irecovery -q succeeds in $mode"
    has "$T/q-$mode.out" '^CPID: 0x8015$' "irecovery -q reads the CPID in $mode"
    has "$T/q-$mode.out" '^ECID: 0x0012345678abcdef$' "irecovery -q reads the ECID in $mode"
    has "$T/q-$mode.out" '^NONC: [0-9a-f]{64}$' "irecovery -q reads the ApNonce (string index 1) in $mode"
    case $mode in
        dfu) want='DFU' ;; recovery) want='Recovery' ;; wtf) want='WTF' ;;
    esac
    has "$T/q-$mode.out" "^MODE: $want\$" "irecovery -q reports $want"
    has "$T/q-$mode.out" "^$want Mode\$" "irecovery -m reports $want Mode"
done
has "$T/q-recovery.out" '^SRNM: F2LVX0ABCDEF$' "Recovery serial string carries the serial number"
has "$T/q-dfu.out" '^SRTG: iBoot-3332' "DFU serial string carries the SecureROM tag"

# Uploads arrive byte for byte, on the Recovery bulk path and the DFU DNLOAD path.
head -c 300001 /dev/urandom > "$T/img"
want=$(sha1sum < "$T/img" | cut -c1-40)
vb "$T/q-recovery" "$T/f-rec.log" sh -c 'irecovery -f "$0"; echo "rc=$?"' "$T/img" >"$T/f-rec.out" 2>&1
has "$T/f-rec.out" '^rc=0$' "irecovery -f succeeds in Recovery"
has "$T/f-rec.log" "A upload recovery bytes=300001 sha1=$want file=$T/up/A-1.bin\$" "Recovery upload logged with size and SHA-1"
check "Recovery upload saved byte-identical" cmp -s "$T/img" "$T/up/A-1.bin"
rm -rf "$T/up"
vb "$T/q-dfu" "$T/f-dfu.log" sh -c 'irecovery -f "$0"; echo "rc=$?"' "$T/img" >"$T/f-dfu.out" 2>&1
has "$T/f-dfu.out" '^rc=0$' "irecovery -f succeeds in DFU"
has "$T/f-dfu.log" "A upload dfu bytes=300001 sha1=$want crc=ok file=$T/up/A-1.bin\$" "DFU upload: suffix CRC checked and stripped"
check "DFU upload saved byte-identical" cmp -s "$T/img" "$T/up/A-1.bin"
has "$T/f-dfu.log" 'A usb reset$' "irecovery resets the device after the DFU image"

# Exit recovery: setenv auto-boot true, saveenv, reboot; the device leaves the
# bus and comes back in Normal mode, where usbmuxd tools see it.
cat > "$T/n" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 ios=16.7.8 build=20H343
at 0 plug A recovery
S
# Wait (bounded) for the device to be back on usbmuxd rather than a fixed time.
vb "$T/n" "$T/n.log" sh -c 'irecovery -n; echo "rc=$?"
  i=0; while [ -z "$(idevice_id -l 2>/dev/null)" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  idevice_id -l; ideviceinfo -s -k ProductType' >"$T/n.out" 2>&1
has "$T/n.out" '^rc=0$' "irecovery -n succeeds"
grep -E ' A (cmd|reboot|unplugged|plugged)' "$T/n.log" | cut -d' ' -f2- | head -n 7 > "$T/n.seq"
printf '%s\n' 'A plugged recovery port=1-1.3 pid=0x1281' 'A cmd "setenv auto-boot true"' 'A cmd "saveenv"' \
    'A cmd "reboot"' 'A reboot -> normal' 'A unplugged' 'A plugged normal port=1-1.3 pid=0x12a8' > "$T/n.want"
check "irecovery -n: setenv auto-boot true, saveenv, reboot, leaves the bus, returns in Normal" cmp -s "$T/n.want" "$T/n.seq"
diff "$T/n.want" "$T/n.seq" | sed 's/^/# /'
has "$T/n.out" '^[0-9a-f]{40}$' "after the reboot idevice_id -l lists the device"
has "$T/n.out" '^iPhone10,1$' "after the reboot ideviceinfo reads its ProductType"

# Without saveenv of auto-boot the device comes back in Recovery (the loop).
cat > "$T/r" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
# The bench ends with the command: keep it up (bounded) until the device is
# plugged a second time, instead of a fixed second.
vb "$T/r" "$T/r.log" sh -c 'irecovery -c reboot
  i=0; while [ "$(grep -c " A plugged recovery " "$0")" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done' "$T/r.log" >/dev/null 2>&1
has "$T/r.log" 'A reboot -> recovery$' "reboot with auto-boot false returns to Recovery"
# The first plug is the scenario's; the one after the reboot is what counts.
sed -n '/A reboot -> recovery$/,$p' "$T/r.log" >"$T/r.after"
has "$T/r.after" 'A plugged recovery .*' "... and the device is back on the bus"

# Bad behaviour on demand.
cat > "$T/b" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 bad=stall
at 0 plug A recovery
S
vb "$T/b" "$T/b.log" sh -c 'irecovery -q; echo "rc=$?"' >"$T/b.out" 2>&1
hasnt "$T/b.out" '^CPID: 0x8015$' "a stalling device gives irecovery no identity"

cat > "$T/v" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3 bad=vanish-upload
at 0 plug A recovery
S
rm -rf "$T/up"
vb "$T/v" "$T/v.log" sh -c 'irecovery -f "$0"; echo "rc=$?"' "$T/img" >"$T/v.out" 2>&1
has "$T/v.log" 'A vanish during upload after [0-9]+ bytes$' "vanish-upload: the device drops off mid-upload"
has "$T/v.log" 'A unplugged$' "vanish-upload: it leaves the bus"
check "vanish-upload: nothing saved" [ ! -e "$T/up/A-1.bin" ]
hasnt "$T/v.out" '^rc=0$' "vanish-upload: irecovery -f fails"

# The control FIFO drives a bench with no scenario file.
mkfifo "$T/ctl"
( cd "$IBENCH_TOP" && timeout 30 "$VBENCH" --fifo "$T/ctl" --log "$T/fifo.log" ) &
vbpid=$!
on_exit "kill $vbpid 2>/dev/null"
exec 4>"$T/ctl"
echo 'device Z model=iPad8,1 ecid=0x000A1B2C3D4E5F60 port=1-2' >&4
echo 'plug Z dfu' >&4
wait_for "$T/fifo.log" 'Z plugged dfu port=1-2 pid=0x1227' 30
has "$T/fifo.log" 'Z plugged dfu port=1-2 pid=0x1227$' "FIFO: device and plug lines take effect"
echo 'bogus step' >&4
echo 'quit' >&4
wait $vbpid
check "FIFO: quit ends the bench" [ $? = 0 ]
has "$T/fifo.log" 'error step "bogus step"' "FIFO: a bad line is reported, not fatal"
