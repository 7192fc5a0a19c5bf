# A device entering Restore mode is never reported in a Normal mode it was
# not in: usbmuxd lists Normal and Restore devices alike and the USB product
# ID is shared, so `ibench watch` (and the console's history) must wait for
# lockdownd's answer. One device goes Recovery -> Restore, one is plugged in
# Restore, one really boots to Normal.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench

cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
device B model=iPhone10,2 ecid=0x00AA345678ABCDEF port=1-1.4
device C model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.5 ios=17.5.1 build=21F90
at 0 plug A recovery
at 0 plug C recovery
S
mkfifo "$T/ctl"
( cd "$IBENCH_TOP" && timeout 90 "$VBENCH" --scenario "$T/scn" --fifo "$T/ctl" -- "$IBENCH" watch ) >"$T/watch.txt" 2>&1 &
on_exit "kill $! 2>/dev/null"
# The moves come once watch has seen both devices in Recovery, however slowly it started.
wait_for "$T/watch.txt" '^[^ ]+ identified +id [0-9]+ 1-1\.3 +Recovery' 60 && wait_for "$T/watch.txt" '^[^ ]+ identified +id [0-9]+ 1-1\.5 +Recovery' 30 \
    || fail "watch sees both devices in Recovery" "$(cat "$T/watch.txt")"
printf 'mode A restore\nplug B restore\nmode C normal\n' > "$T/ctl"
wait_for "$T/watch.txt" ' 1-1\.3 +Restore' 60 && wait_for "$T/watch.txt" ' 1-1\.4 +Restore' 30 && wait_for "$T/watch.txt" 'identified +id [0-9]+ 1-1\.5 +Normal' 30 \
    || fail "the three moves are seen" "$(cat "$T/watch.txt")"
echo quit > "$T/ctl"
wait
# "<time> <event> id <row> <port> <mode> ..." per line; the modes each device's rows went through.
# A row may gain its port only when USB's view joins usbmuxd's (then it is
# heard as identified): every event that shows the port counts, each mode once.
modes() { awk -v p="$1" '$5 == p && ($2 == "attached" || $2 == "mode_changed" || $2 == "identified") && $6 != last {print $6; last = $6}' \
              "$T/watch.txt" | tr '\n' ' '; }
check "Recovery -> Restore: watch reports Recovery, then Restore, no Normal between ($(modes 1-1.3))" [ "$(modes 1-1.3)" = "Recovery Restore " ]
check "plugged in Restore: first reported in Restore ($(modes 1-1.4))" [ "$(modes 1-1.4)" = "Restore " ]
check "Recovery -> Normal still reads Normal ($(modes 1-1.5))" [ "$(modes 1-1.5)" = "Recovery Normal " ]
hasnt "$T/watch.txt" 'id [0-9]+ +id [0-9]+ +Normal' "no usbmuxd-only row in Normal for a device in Restore"
