# The virtual bench's USB side (build/vbench): emulated devices seen by stock
# libusb through umockdev, with hotplug. Transfers are checked with stock
# irecovery in vbench_irecovery.sh.
. "$IBENCH_TOP/tests/lib.sh"

command -v umockdev-wrapper >/dev/null 2>&1 || { echo "umockdev-wrapper not installed"; exit 77; }
pkg-config --exists libusb-1.0 || { echo "libusb headers missing"; exit 77; }
[ -x "$VBENCH" ] || { echo "$VBENCH not built"; exit 77; }

cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Wno-unused-parameter -o "$T/probe" \
    "$IBENCH_TOP/tests/vbench/probe/hotplug_probe.c" $(pkg-config --cflags --libs libusb-1.0) 2>"$T/cc.log"
rc=$?
check "hotplug probe compiles warning-free" [ $rc = 0 ]
[ $rc = 0 ] || { sed 's/^/# /' "$T/cc.log"; exit 1; }

# The move comes at 3 s so a slow start of the probe still sees the device
# first; the probe stops after the two hotplug events (or 30 s).
cat > "$T/s1" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3   # comment
at 0   plug A dfu
at 3   mode A recovery gap=0.5
S
( cd "$IBENCH_TOP" && "$VBENCH" --scenario "$T/s1" --log "$T/log1" -- "$T/probe" 30 2 ) >"$T/out1" 2>"$T/err1"
rc=$?
check "vbench exits with the command's status (0)" [ $rc = 0 ]
has "$T/out1" '^present 05ac:1227 port=1-1.3$' "libusb enumerates a DFU device on its port"
has "$T/out1" '^left 05ac:1227 port=1-1.3$' "libusb hotplug sees the DFU device leave"
has "$T/out1" '^arrived 05ac:1281 port=1-1.3$' "libusb hotplug sees it return in Recovery"
has "$T/log1" '^0\.[0-9]{3} A plugged dfu port=1-1.3 pid=0x1227$' "log: plugged line"
has "$T/log1" '^[0-9.]+ - ready$' "log: ready after the at-0 steps"
has "$T/log1" '^3\.[0-9]{3} A unplugged$' "log: unplugged line"
has "$T/log1" '^3\.[5-9][0-9]{2} A plugged recovery port=1-1.3 pid=0x1281$' "log: mode step brings it back after the gap"

( cd "$IBENCH_TOP" && "$VBENCH" --scenario "$T/s1" -- sh -c 'cat "$UMOCKDEV_DIR"/sys/devices/usb1/1-1/1-1.3/serial; exit 3' ) >"$T/out2" 2>"$T/err2"
rc=$?
check "vbench exits with the command's status (3)" [ $rc = 3 ]
has "$T/out2" '^CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:0[0-9A-F] ECID:0012345678ABCDEF IBFL:3C SRTG:\[iBoot-[0-9.]+\]$' \
    "DFU serial string carries CPID/BDID from the model table and the ECID"

# Normal mode: on USB (PID 0x12a8, serial = UDID) and on the stand-in usbmuxd.
if command -v idevice_id >/dev/null 2>&1; then
    cat > "$T/s3" <<'S'
device N model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.4
at 0 plug N normal
S
    ( cd "$IBENCH_TOP" && "$VBENCH" --scenario "$T/s3" --mux-socket "$T/mux.sock" -- \
        sh -c 'idevice_id -l; "$0"; cat "$UMOCKDEV_DIR"/sys/devices/usb1/1-1/1-1.4/serial' "$T/probe" ) >"$T/out3" 2>"$T/err3"
    has "$T/out3" '^00008030-001A2B3C4D5E6F70$' "Normal device listed by idevice_id through the stand-in usbmuxd"
    has "$T/out3" '^present 05ac:12a8 port=1-1.4$' "Normal device on USB with PID 0x12a8"
    has "$T/out3" '^00008030001A2B3C4D5E6F70$' "Normal device's USB serial is the UDID"
fi
