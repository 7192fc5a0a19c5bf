# The virtual bench's stand-in usbmuxd (tests/vbench/muxd*.c), driven alone
# and queried with stock libimobiledevice tools.
. "$IBENCH_TOP/tests/lib.sh"

for tool in idevice_id ideviceinfo ideviceenterrecovery pkg-config; do
    command -v $tool >/dev/null 2>&1 || { echo "$tool not installed"; exit 77; }
done
pkg-config --exists libusbmuxd-2.0 libimobiledevice-1.0 || { echo "libimobiledevice headers missing"; exit 77; }

CFL="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-deprecated-declarations -O1 -g"
P="$IBENCH_TOP/tests/vbench"
cc $CFL $(sh "$P/features.sh") -o "$T/muxd" "$P/probe/muxd_standalone.c" "$P"/muxd*.c \
    $(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0) 2>"$T/cc.log" &&
cc $CFL -o "$T/listen" "$P/probe/muxd_listen.c" $(pkg-config --cflags --libs libusbmuxd-2.0) 2>>"$T/cc.log" &&
cc $CFL -o "$T/restored" "$P/probe/muxd_restored.c" \
    $(pkg-config --cflags --libs libimobiledevice-1.0 libplist-2.0) 2>>"$T/cc.log"
rc=$?
check "stand-in usbmuxd and probes compile warning-free" [ $rc = 0 ]
[ $rc = 0 ] || { sed 's/^/# /' "$T/cc.log"; exit 1; }

mkfifo "$T/ctl"
"$T/muxd" "$T/mux.sock" <"$T/ctl" >"$T/log" 2>&1 &
MUXPID=$!
on_exit "kill $MUXPID 2>/dev/null"
exec 3>"$T/ctl"
send() { printf '%s\n' "$1" >&3; }
wait_for "$T/log" '^ready' 30 || { fail "stand-in usbmuxd starts"; exit 1; }
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/mux.sock"

# A: newer device, 24-digit UDID, iOS 17, a DeviceName with escape bytes and quotes.
# B: older device, 40-hex UDID, iOS 13.
A=00008030-001A2B3C4D5E6F70
B=a1b2c3d4e5f60718293a4b5c6d7e8f9012345678
send "attach udid=$A model=iPhone12,1 ios=17.5.1 build=21F90 srnm=F2LZK0AAN70F hwmodel=N104AP ecid=0x001A2B3C4D5E6F70 cpid=0x8030 bdid=0x04 name='Bob\\033[7m \\\"Q\\\" <&> it'\\''s\\177\\342\\200\\256'"
send "attach udid=$B model=iPhone10,1 ios=13.7 build=17H35 name=\"Bay two\" srnm=C39VX0AAJCLJ hwmodel=D20AP ecid=0x00000A1B2C3D4E5F cpid=0x8015 bdid=0x02"
wait_for "$T/log" "^log $B mux Attached" 30

idevice_id -l >"$T/list" 2>&1
has "$T/list" "^$A\$" "idevice_id -l lists the 24-digit UDID with its dash"
has "$T/list" "^$B\$" "idevice_id -l lists the 40-hex UDID"

ideviceinfo -s -u $A >"$T/infoA" 2>&1
has "$T/infoA" '^ProductType: iPhone12,1$' "ideviceinfo -s shows ProductType"
has "$T/infoA" '^ProductVersion: 17\.5\.1$' "ideviceinfo -s shows ProductVersion"
has "$T/infoA" "^UniqueChipID: $(printf '%d' 0x001A2B3C4D5E6F70)\$" "ideviceinfo -s shows UniqueChipID as an integer"
has "$T/infoA" "^UniqueDeviceID: $A\$" "ideviceinfo -s shows UniqueDeviceID"
has "$T/infoA" '^ChipID: 32816$' "ideviceinfo -s shows ChipID"
has "$T/log" "^log $A lockdown GetValue \(all\)" "GetValue without a key is logged"

ideviceinfo -s -k ProductType >"$T/pt" 2>&1
has "$T/pt" '^iPhone1[02],1$' "ideviceinfo -s -k ProductType answers one value"
ideviceinfo -s -u $B -k BuildVersion >"$T/bv" 2>&1
has "$T/bv" '^17H35$' "ideviceinfo -k BuildVersion on the second device"
ideviceinfo -s -u $B -k NoSuchKey >"$T/nk" 2>&1
has "$T/log" "^log $B lockdown GetValue NoSuchKey -> MissingValue" "unknown key answers MissingValue"

# The stand-in sends the name as is (ESC, quotes, markup, DEL, U+202E); like a
# real lockdownd it answers in XML, and libimobiledevice 1.3.0 turns C0 control
# bytes other than TAB/LF/CR in XML into spaces before parsing, so ESC reaches
# the client as a space while DEL and U+202E arrive untouched.
idevice_id $A >"$T/nameA" 2>&1
printf 'Bob [7m "Q" <&> it'\''s\177\342\200\256\n' >"$T/nameA.want"
check "idevice_id UDID shows the DeviceName (quotes, markup, DEL, U+202E intact)" cmp -s "$T/nameA" "$T/nameA.want"
idevice_id $B >"$T/nameB" 2>&1
has "$T/nameB" '^Bay two$' "idevice_id UDID on the 40-hex device"
has "$T/log" "^log $A lockdown GetValue DeviceName" "GetValue DeviceName is logged"

# Many clients at once.
i=0; pids=""
while [ $i -lt 12 ]; do
    ideviceinfo -s -u $B -k ProductType >"$T/par$i" 2>&1 & pids="$pids $!"
    i=$((i + 1))
done
for p in $pids; do wait $p; done
bad=0; i=0
while [ $i -lt 12 ]; do grep -qx 'iPhone10,1' "$T/par$i" || bad=$((bad + 1)); i=$((i + 1)); done
check "12 concurrent clients all answered" [ $bad = 0 ]

# A locked device: the pairing attempt is refused with PasswordProtected.
ideviceinfo -u $A >"$T/paired" 2>&1
has "$T/paired" 'Password protected' "paired ideviceinfo reports a passcode-locked device"
has "$T/log" "^log $A lockdown Pair -> PasswordProtected" "Pair request is logged"

# Attach and detach while a libusbmuxd listener watches.
R=00008101-000A1B2C3D4E5F60
# The listener runs until it is stopped below (a fixed lifetime could end
# before a slow run gets to the detach).
"$T/listen" 300 >"$T/events" 2>&1 &
LPID=$!
on_exit "kill $LPID 2>/dev/null"
wait_for "$T/events" "^add $B " 30
send "attach udid=$R model=iPhone13,2 ios=15.0 build=19A346 srnm=F17ZZ0AAP1GG hwmodel=D53gAP ecid=0x000A1B2C3D4E5F60 cpid=0x8101 bdid=0x0C restore=1"
wait_for "$T/events" "^add $R " 30
"$T/restored" $R >"$T/restore" 2>&1
has "$T/restore" '^type com\.apple\.mobile\.restored [0-9]+$' "restored QueryType with RestoreProtocolVersion"
has "$T/restore" "^ecid $(printf '%d' 0x000A1B2C3D4E5F60)\$" "restored HardwareInfo UniqueChipID"
has "$T/restore" '^chip 0x8101 0xc$' "restored HardwareInfo ChipID and BoardID"
has "$T/restore" '^serial F17ZZ0AAP1GG$' "restored SerialNumber"
send "detach $R"
wait_for "$T/events" "^remove $R " 30
kill $LPID; wait $LPID
has "$T/events" "^add $A " "listener is told about devices already present"
check "listener sees Attached then Detached" \
    [ "$(grep " $R " "$T/events" | cut -d' ' -f1 | tr '\n' ' ')" = "add remove " ]

# EnterRecovery: allowed unpaired before iOS 14.5, refused after.
# (ideviceenterrecovery 1.3.0 exits 0 even when lockdownd refuses; read its words)
ideviceenterrecovery $B >"$T/recB" 2>&1
hasnt "$T/recB" 'Failed|ERROR' "ideviceenterrecovery on iOS 13 succeeds"
wait_for "$T/log" "^action $B recovery" 30
has "$T/log" "^action $B recovery" "EnterRecovery on iOS 13 triggers the recovery action"
has "$T/log" "^log $B lockdown EnterRecovery -> allowed" "allowed EnterRecovery is logged"
wait_for "$T/log" "Detached .*$B|$B mux Detached" 30
idevice_id -l >"$T/list2" 2>&1
hasnt "$T/list2" "$B" "the device left usbmuxd after the recovery action"
ideviceenterrecovery $A >"$T/recA" 2>&1
# 1.3.0 (Debian 12) gives up at once; Debian 13's retries with a paired
# session, and pairing is refused: the device has a passcode.
has "$T/recA" 'Failed to enter recovery mode|Could not connect to lockdownd: Password protected' "ideviceenterrecovery on iOS 17 fails"
has "$T/log" "^log $A lockdown EnterRecovery -> SessionInactive" "refused EnterRecovery is logged"
hasnt "$T/log" "^action $A" "no action for the refused EnterRecovery"

# Malformed clients are closed; the daemon carries on.
if command -v python3 >/dev/null 2>&1; then
    python3 - "$T/mux.sock" >"$T/bad" 2>&1 <<'EOF'
import socket, struct, sys
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(path); return s
def closed(s):
    try:
        return s.recv(4096) == b""
    except OSError:
        return True
s = conn(); s.sendall(struct.pack("<IIII", 0xFFFFFFF0, 1, 8, 1)); print("huge", "closed" if closed(s) else "open")
s = conn(); s.sendall(struct.pack("<IIII", 20, 1, 8, 2) + b"\x00\xff<x"); print("garbage", "closed" if closed(s) else "open")
s = conn(); s.sendall(struct.pack("<IIII", 16, 0, 3, 7)); r = s.recv(64)
print("binary", struct.unpack("<IIIII", r) if len(r) == 20 else r)
s = conn(); s.sendall(b"\x01\x02"); s.close()
x = b'<?xml version="1.0"?><plist version="1.0"><dict><key>MessageType</key><string>Connect</string><key>DeviceID</key><integer>1</integer><key>PortNumber</key><integer>32498</integer></dict></plist>'
s = conn(); s.sendall(struct.pack("<IIII", 16 + len(x), 1, 8, 3) + x + b"\x00\x00\x00\x05junk!")
hdr = s.recv(16); n = struct.unpack("<I", hdr[:4])[0]; body = b""
while len(body) < n - 16: body += s.recv(4096)
print("connect", b"<integer>0</integer>" in body, "then junk", "closed" if closed(s) else "open")
EOF
    has "$T/bad" '^huge closed' "an oversized usbmuxd header closes the client"
    has "$T/bad" '^garbage closed' "an unparsable plist closes the client"
    has "$T/bad" '^binary \(20, 0, 1, 7, 6\)' "a version-0 binary request gets a BADVERSION result"
    has "$T/bad" '^connect True then junk closed' "garbage on a lockdownd stream closes it"
    idevice_id -l >"$T/list3" 2>&1
    has "$T/list3" "^$A\$" "the daemon still answers after malformed clients"
fi

send quit
wait $MUXPID; rc=$?
check "stand-in usbmuxd exits cleanly" [ $rc = 0 ]
check "socket file removed on stop" [ ! -e "$T/mux.sock" ]
