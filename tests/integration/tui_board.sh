# The console in a tmux pane at 80x24: board, detail, guide, help, resize, quit.
. "$IBENCH_TOP/tests/lib.sh"
command -v tmux >/dev/null || { echo "tmux missing"; exit 77; }
start_muxd || { fail "stand-in usbmuxd starts"; exit 1; }
printf '%s\n' "attach udid=00008030-001A2B3C4D5E6F70 model=iPhone12,1 ios=17.5.1 build=21F90 srnm=F2LZK0AAN70F ecid=0x001A2B3C4D5E6F70 cpid=0x8030 bdid=0x04 name='Bench \\033]0;pwned\\007 phone'" >&3
printf '%s\n' "attach udid=a1b2c3d4e5f60718293a4b5c6d7e8f9012345678 model=iPad8,1 ios=16.7 build=20H19 ecid=0x000A1B2C3D4E5F60 cpid=0x8027 bdid=0x0c" >&3

S="ibench-test-$$"
tm() { tmux -L "$S" -f /dev/null "$@"; }
on_exit "tmux -L $S kill-server 2>/dev/null"
tm new-session -d -x 80 -y 24 "USBMUXD_SOCKET_ADDRESS=UNIX:$T/mux.sock '$IBENCH'; echo EXITED \$? >'$T/exit'; sleep 30"
tm set -g window-size manual >/dev/null 2>&1
shot() { tm capture-pane -p >"$T/$1"; }

wait_screen s1 'iPad Pro' && ok "board shows both devices" || fail "board shows both devices" "$(cat "$T/s1")"
has "$T/s1" '^ ibench - 2 devices' "title counts devices"
has "$T/s1" 'Normal +iPhone 11 +001A2B3C4D5E6F70 +iOS 17\.5\.1 \(21F90\)' "board row: mode, model, ECID, version"
has "$T/s1" 'Normal +iPad Pro 11" 1st +000A1B2C3D4E5F60' "board row: the model's short name, whole, in the model column"
has "$T/s1" '\?Help' "key bar"
title=$(tm display -p '#{pane_title}')
check "a device name cannot retitle the terminal" [ "$title" != "pwned" ]
tm send-keys j
wait_screen s2 '^>.*iPad' && ok "j selects the next device" || fail "j selects the next device"
has "$T/s2" 'ECID 000A1B2C3D4E5F60' "detail shows the selected device"
has "$T/s2" 'iPad Pro 11-inch \(1st gen, WiFi\) - ' "detail keeps the full model name"
has "$T/s2" '^ UDID a1b2c3d4e5f60718293a4b5c6d7e8f9012345678$' "80x24: a 40-character UDID gets a line of its own, whole"
tm send-keys g
wait_screen s3 'Enter Recovery on iPad' && ok "g shows the guide for the selected model" || fail "guide" "$(tail -12 "$T/s3")"
has "$T/s3" 'Press and hold Top' "iPad guide uses the Top button"
tm send-keys ']' ']'
wait_screen s4 'Enter DFU on iPad' && ok "] steps to the DFU guide" || fail "] steps to the DFU guide"
tm send-keys d
wait_screen s4b 'has no known USB port to watch' && ok "d explains the DFU helper needs a USB port" || fail "d without a port"
tm send-keys '?'
wait_screen s5 'ibench keys' && ok "? shows help" || fail "? shows help"
has "$T/s5" ' x +leave Recovery: setenv auto-boot true, saveenv, reboot' "help lists the verbs from the verb table"
has "$T/s5" ' R +Erase restore \(deletes all data; type the ECID' "... Erase and how it is confirmed"
tm send-keys x
tm resize-window -x 60 -y 20
wait_screen s6 'iPhone 11' && ok "survives resize to 60x20" || fail "resize 60x20"
[ "$(wc -L <"$T/s6")" -le 60 ] && ok "60 columns: nothing drawn past the edge" || fail "60 columns"
tm send-keys 1
wait_screen s6u '^ UDID a1b2c3d4e5f60718293a4b5c6d7e8f9012345678$' && ok "60x20: the UDID shows whole" || fail "60x20 UDID" "$(cat "$T/s6u")"
tm resize-window -x 30 -y 8
# It drew at 30x8: the sentence and nothing else of the console, within
# 30 columns (the board was there at 60x20).
wait_shows s6t 'Terminal too small (30x8): ibench needs at least 40x10.' 100 \
    && ok "30x8: says the terminal is too small, and how big it must be" || fail "30x8" "$(cat "$T/s6t")"
check "30x8: nothing else drawn, nothing past column 30" \
    all "! grep -Eq 'iPhone|iPad|Help|BAY' '$T/s6t'" "[ \$(wc -L <'$T/s6t') -le 30 ]"
tm resize-window -x 80 -y 24
wait_screen s7 'iPad Pro' && ok "survives a tiny terminal and comes back at 80x24" || fail "tiny terminal"
hasnt "$T/s7" 'too small' "80x24: the sentence is gone"
tm resize-window -x 120 -y 40
wait_screen s7w 'ECID 000A1B2C3D4E5F60 .* UDID a1b2c3d4e5f60718293a4b5c6d7e8f9012345678$' \
    && ok "120x40: the UDID fits beside the ECID" || fail "120x40 detail" "$(cat "$T/s7w")"
has "$T/s7w" 'Normal +iPhone 11 +001A2B3C4D5E6F70 +iOS 17\.5\.1 \(21F90\)' "120x40: board row: mode, model, ECID, version"
check "120x40: nothing drawn past the edge" [ "$(wc -L <"$T/s7w")" -le 120 ]
tm resize-window -x 80 -y 24
tm send-keys q
wait_for "$T/exit" 'EXITED' 20 && ok "q quits" || fail "q quits"
has "$T/exit" 'EXITED 0' "exit status 0 after q"

# A dead terminal (SSH drop): the pane's terminal goes away, ibench must end.
# On a server of its own: tmux 3.3a's server dies making a session with -x/-y
# once window-size is manual, and then no ibench would run here at all.
td() { tmux -L "$S-drop" -f /dev/null "$@"; }
on_exit "tmux -L $S-drop kill-server 2>/dev/null"
td new-session -d -s drop -x 80 -y 24 "echo \$\$ > '$T/drop.pid'; USBMUXD_SOCKET_ADDRESS=UNIX:$T/mux.sock exec '$IBENCH'"
wait_for "$T/drop.pid" '^[0-9]+$' 10
# Drop the terminal once ibench is drawing in it, not after a fixed second.
i=0; while [ $i -lt 300 ] && ! td capture-pane -p -t drop 2>/dev/null | grep -q 'iPad Pro'; do sleep 0.1; i=$((i+1)); done
pid=$(cat "$T/drop.pid" 2>/dev/null)
td kill-session -t drop
i=0; while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
if [ -z "$pid" ]; then fail "ibench ends when its terminal is gone" "it never started in the second terminal"
elif kill -0 "$pid" 2>/dev/null; then fail "ibench ends when its terminal is gone"; kill "$pid"; else ok "ibench ends when its terminal is gone"; fi
echo quit >&3
