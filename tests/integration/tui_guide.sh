# The Guide tab and the DFU helper read whole at 80x24 and 60x20: steps,
# outcomes and notes wrap instead of being cut, the hold times lead each
# step, and the helper's seconds left are on screen while it counts.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.4 = Bay 4\n' > "$XDG_CONFIG_HOME/ibench/config"
cat > "$T/scn" <<'S'
device B model=iPad8,1 ecid=0x000A1B2C3D4E5F60 port=1-1.4
at 0 plug B recovery
S

for size in 80x24 60x20; do
    rm -f "$T/exit" "$T/ctl"; mkfifo "$T/ctl"
    tui_start "cd '$IBENCH_TOP' && '$VBENCH' --scenario '$T/scn' --fifo '$T/ctl' -- '$IBENCH'" "${size%x*}" "${size#*x}"
    wait_screen "$size-0" '^>Bay 4 +Recovery' 300 || fail "$size: the iPad is on the board" "$(cat "$T/$size-0")"

    tm send-keys g
    wait_screen "$size-g1" 'Enter Recovery on iPad' 50 || fail "$size: g shows the guide" "$(tail -10 "$T/$size-g1")"
    check "$size: a step that holds until the screen says so reads whole, its hold first" \
        shows "$size-g1" 'until it shows Press and hold Top; keep holding past the Apple logo'
    check "$size: the guide's outcome reads whole" shows "$size-g1" 'Release when the recovery screen (a computer and a cable) appears.'
    check "$size: nothing drawn past the edge" [ "$(wc -L <"$T/$size-g1")" -le "${size%x*}" ]

    tm send-keys ']' ']'
    wait_screen "$size-g2" 'Enter DFU on iPad' 50 || fail "$size: ] ] shows the DFU guide" "$(tail -10 "$T/$size-g2")"
    has "$T/$size-g2" '^ +3\. +10s +Press and hold Top' "$size: the 10 s hold leads its step"
    has "$T/$size-g2" '^ +4\. +5s +Keep holding Top' "$size: the 5 s hold leads its step"
    check "$size: the DFU note reads whole" shows "$size-g2" 'An Apple logo means Top was held too long; a recovery screen means it was released too late. Start again.'

    tm send-keys d
    wait_screen "$size-d1" '> NOW +[0-9]+s left' 50 && ok "$size: the step being counted down shows its seconds left" \
        || fail "$size: countdown" "$(tail -10 "$T/$size-d1")"
    has "$T/$size-d1" 'DFU helper on 1-1\.4: running, [0-9]+s left' "$size: the seconds left lead the helper's title"

    # The iPad leaves and comes back in Recovery: Top was held too long.
    echo 'mode B recovery gap=0.3' > "$T/ctl"
    wait_screen "$size-d2" 'held too long' 300 || fail "$size: the helper sees the Apple logo" "$(tail -10 "$T/$size-d2")"
    check "$size: the helper's verdict reads whole" \
        shows "$size-d2" 'It came back in Recovery: Top was held too long (the Apple logo appeared). Release the buttons and try again with a shorter hold.'
    check "$size: nothing drawn past the edge" [ "$(wc -L <"$T/$size-d2")" -le "${size%x*}" ]
    if [ "$size" = 60x20 ]; then
        # Smaller still, the tab holds less than the guide: it says so and scrolls.
        tm set -g window-size manual >/dev/null 2>&1
        tm resize-window -x 44 -y 12
        tm send-keys ']'
        wait_screen s0 'Exit DFU on iPad' 50 || fail "44x12: ] shows the Exit DFU guide" "$(cat "$T/s0")"
        wait_screen s1 '↓ [0-9]+ more' 50 && ok "44x12: the tab says how many lines lie below" || fail "44x12: more below" "$(cat "$T/s1")"
        tm send-keys NPage
        wait_screen s2 '↑ [0-9]+ more' 50 && ok "44x12: PgDn scrolls the tab, which says how many lines lie above" || fail "44x12: PgDn" "$(cat "$T/s2")"
        # The DFU helper: the step being counted down stays in view as it moves on.
        tm send-keys d
        wait_screen s3 '> NOW +[0-9]+s left' 50 && ok "44x12: the countdown shows" || fail "44x12: countdown" "$(cat "$T/s3")"
        wait_screen s4 '> NOW +[0-9]+s left +Press and hold Top' 100 && ok "44x12: the step being counted down stays in view" \
            || fail "44x12: later step" "$(cat "$T/s4")"
        tm send-keys c
    fi
    tm send-keys q
    wait_for "$T/exit" EXITED 30 && ok "$size: q quits" || fail "$size: q quits"
    tm kill-server 2>/dev/null
done
