# More devices than the board holds: 14 on the stand-in usbmuxd at 80x24.
# The board says how many rows lie below and above its view, and scrolls
# with the selection, only as far as the selection needs.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
start_muxd || { fail "stand-in usbmuxd starts"; exit 1; }
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14; do
    mux_send "attach udid=00008030-0000000000AB00$i model=iPhone12,1 ios=17.5.1 build=21F90 ecid=0x0000000000AB00$i cpid=0x8030 bdid=0x04 name='Phone $i'"
done
tui_start "USBMUXD_SOCKET_ADDRESS=UNIX:$T/mux.sock '$IBENCH'"
tm set -g window-size manual >/dev/null 2>&1
rows() { grep -cE '^[> ].{10} Normal +iPhone 11' "$T/$1"; }

wait_screen s1 '^ ibench - 14 devices' 100 && ok "all 14 devices are counted" || fail "14 devices" "$(cat "$T/s1")"
wait_screen s1 '↓ 5 more' 50 && ok "the rule under the board says 5 more rows lie below" || fail "5 more below" "$(head -14 "$T/s1")"
check "9 device rows show" [ "$(rows s1)" = 9 ]
has "$T/s1" '^>.*0000000000AB0001' "the first device is selected"
hasnt "$T/s1" '↑' "nothing lies above"

tm send-keys End
wait_screen s2 '^>.*0000000000AB0014' 50 && ok "End selects the last device, scrolled into view" || fail "End" "$(head -14 "$T/s2")"
has "$T/s2" '↑ 5 more' "the header says 5 more rows lie above"
hasnt "$T/s2" '↓' "nothing lies below"
check "still 9 device rows" [ "$(rows s2)" = 9 ]

# Up within the view moves the selection, not the view.
tm send-keys k k k
wait_screen s3 '^>.*0000000000AB0011' 50 && ok "k moves the selection up" || fail "k" "$(head -14 "$T/s3")"
has "$T/s3" '↑ 5 more' "the view stays while the selection is in it"

# Past the view's top, the view follows one row at a time.
tm send-keys k k k k k k
wait_screen s4 '^>.*0000000000AB0005' 50 || fail "k to the 5th" "$(head -14 "$T/s4")"
tm send-keys k
wait_screen s5 '^>.*0000000000AB0004' 50 || fail "k to the 4th" "$(head -14 "$T/s5")"
check "the view follows one row: 3 above, 2 below" all "grep -q '↑ 3 more' '$T/s5'" "grep -q '↓ 2 more' '$T/s5'"
check "the selected row is the view's first" [ "$(grep -m1 -n '0000000000AB00' "$T/s5" | cut -d: -f2 | cut -c1)" = '>' ]

tm resize-window -x 60 -y 20
tm send-keys Home
wait_screen s6 '↓ 7 more' 50 && ok "60x20: 7 rows show and 7 more lie below" || fail "60x20" "$(head -12 "$T/s6")"
check "60x20: 7 device rows" [ "$(rows s6)" = 7 ]
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
mux_send quit
