# The console's words at 80x24 on the virtual bench: one time notation that
# ticks every second, STATUS naming what the mode knows, the Log tab in words
# (engine progress as steps, raw one key away, search matches marked), a
# restore's true mode sequence, messages that expire into a history, and a
# rebooted device's outcome in the event log only once it is back.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
mkfifo "$T/ctl"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n1-1.5 = Bay 5\n' > "$XDG_CONFIG_HOME/ibench/config"
A=0012345678ABCDEF
printf '%s success A 2\n' "$A" > "$T/plan"
cat > "$T/scn" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3
device C model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.5 ios=17.5.1 build=21F90
at 0 plug A recovery
at 0 plug C normal
S
tui_start "cd '$IBENCH_TOP' && IBENCH_ENGINE='$IBENCH_TOP/tests/engine/idevicerestore' IBENCH_API_URL=http://127.0.0.1:1/v4 STANDIN_PLAN='$T/plan' STANDIN_FIFO='$T/ctl' STANDIN_GATE='$T/gate' STANDIN_GATE_STEPS=4 '$VBENCH' --scenario '$T/scn' --fifo '$T/ctl' -- '$IBENCH'"

wait_screen s1 'Bay 5 +Normal +iPhone 11 .*iOS 17\.5\.1' 300 && ok "board shows both devices" || fail "board" "$(cat "$T/s1")"
has "$T/s1" '^>Bay 3 +Recovery +iPhone 8 .* 0012345678ABCDEF  for [0-9]+s$' "a Recovery row shows its time in mode in one notation"
hasnt "$T/s1" 'in mode|-[0-9]+s' "no other time notation on the board"

# The row's time in mode moves one second at a time (it moved in 10 s steps).
age() { sed -n 's/^>Bay 3 .* for \([0-9]*\)s$/\1/p' "$T/$1"; }
a1=$(age s1); i=0
while [ $i -lt 50 ]; do shot tick; a2=$(age tick); [ -n "$a2" ] && [ "$a2" != "$a1" ] && break; sleep 0.1; i=$((i+1)); done
check "the row's time in mode ticks by one second ($a1 -> $a2)" [ -n "$a1" -a -n "$a2" -a "$a2" = "$((a1 + 1))" ]

# Esc at the board is no command and says nothing (polled for 2 s: curses
# holds a lone Esc for ESCDELAY before handing it over).
tm send-keys Escape
if wait_screen esc 'Unknown key' 20; then fail "Esc at the board is not an unknown key" "$(tail -1 "$T/esc")"
else ok "Esc at the board is not an unknown key"; fi

# A message goes after a few seconds and stays readable in the Log tab.
tm send-keys x
wait_screen s2 'Exit Recovery on Bay 3' 100 || fail "x asks" "$(tail -1 "$T/s2")"
tm send-keys n
wait_screen s3 'Cancelled; nothing was sent' 100 && ok "n cancels" || fail "n cancels" "$(tail -1 "$T/s3")"
i=0; while [ $i -lt 150 ]; do shot s4; tail -1 "$T/s4" | grep -q '?Help' && break; sleep 0.1; i=$((i+1)); done
check "the message gives way to the key bar by itself" grep -q '^ ?Help' "$T/s4"
tm send-keys l
wait_screen s5 'Events and messages' 50 && ok "l shows events and messages when no job runs" || fail "events" "$(tail -12 "$T/s5")"
has "$T/s5" '^ +[0-9]+s ago  > Cancelled; nothing was sent\.' "the message said is in the history, with its age"

# Exit Recovery on Bay 5's iPhone after a trip to Recovery: the event log
# tells the reboot's outcome once the device is back, in the runtime's words.
echo 'mode C recovery' > "$T/ctl"
tm send-keys 1 j
wait_screen s6 '^>Bay 5 +Recovery' 300 && ok "Bay 5 went to Recovery" || fail "Bay 5 Recovery" "$(head -4 "$T/s6")"
hasnt "$T/s6" '^>Bay 5 .*iOS 17' "a device in Recovery shows no iOS version on its row"
hasnt "$T/s6" 'In Recovery for .*iOS' "... nor in Detail"
tm send-keys x y
wait_screen s7 'Bay 5: back in Normal mode' 300 && ok "the console says where it came back" || fail "back" "$(tail -1 "$T/s7")"
tm send-keys l
wait_screen s8 'Bay 5: Exit: back in Normal mode' 50 && ok "the event log has the outcome in the same words" || fail "event log" "$(tail -14 "$T/s8")"
has "$T/s8" 'Bay 5: Exit: sent; waiting for the device to come back' "... after saying it was sent"
hasnt "$T/s8" 'Exit Recovery: done' "no 'done' logged before the device was back"

# A restore on Bay 3: Recovery, then Restore, never a Normal between them.
tm send-keys 1 k r
wait_screen s9 'Update Bay 3 with IPSW' 50 || fail "r prompt" "$(tail -2 "$T/s9")"
tm send-keys C-u "$T/fw.ipsw" Enter
wait_screen s10 'keeping its data\? \[y/N\]' 100 || fail "restore confirm" "$(tail -3 "$T/s10")"
tm send-keys y
wait_screen s11 '^>Bay 3 +Restore' 300 && ok "Bay 3 enters Restore" || fail "Restore" "$(head -4 "$T/s11")"
wait_screen s12 '^ History +Recovery [0-9]+s ago > Restore [0-9]+s ago$' 50 && ok "history: Recovery, then Restore" \
    || fail "history" "$(grep History "$T/s12")"
tm send-keys l
wait_screen s13 'Step 3, verify filesystem: 100%' 300 && ok "the Log tab shows the engine's progress as a step and a percentage" || fail "steps" "$(tail -14 "$T/s13")"
hasnt "$T/s13" 'progress: [0-9]' "no raw progress lines in the readable log"
check "one line per step: the newest percentage of a run" [ "$(grep -c 'Step 2, upload filesystem' "$T/s13")" = 1 ]
hasnt "$T/s13" '^ +Recovery' "(the Detail line is not on this tab)"
tm send-keys v
wait_screen s14 'progress: 3 1\.000000' 50 && ok "v shows the engine's raw lines" || fail "raw" "$(tail -14 "$T/s14")"
tm send-keys v / Verifying Enter
wait_screen s15 'Verifying restore' 50 || fail "search" "$(tail -14 "$T/s15")"
# The line shows before the search is applied: wait for the mark itself.
i=0; until tm capture-pane -p -e > "$T/s15e" && grep -q "$(printf '\033\\[7m')Verifying" "$T/s15e" || [ $i -ge 50 ]; do
    sleep 0.1; i=$((i + 1)); done
check "the search match is highlighted" grep -q "$(printf '\033\\[7m')Verifying" "$T/s15e"
touch "$T/gate.4"
tm send-keys q
wait_for "$T/exit" EXITED 30 || { tm send-keys y; wait_for "$T/exit" EXITED 30; }
has "$T/exit" 'EXITED 0' "console exits 0"
