# The ? box at 120x40, 80x24 and 60x20: sized to the screen, every key of
# the console and of the verb table listed, descriptions wrapped rather
# than cut, and a box taller than the screen scrolls.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench
cat > "$T/scn" <<'S'
device A model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.3
at 0 plug A recovery
S
tui_start "cd '$IBENCH_TOP' && '$VBENCH' --scenario '$T/scn' -- '$IBENCH'" 120 40
tm set -g window-size manual >/dev/null 2>&1
wait_screen s0 'iPhone 11' 100 || fail "the device shows" "$(cat "$T/s0")"

# The box's inside, page NAME: what lies between its side edges, without
# the line that says what is out of view, so that wrapped lines join.
inside() { sed -n 's/^[^│]*│\(.*\)│[^│]*$/\1/p' "$T/$1" | grep -v 'more  j/k' >"$T/$1.in"
    [ -s "$T/$1.in" ] || cp "$T/$1" "$T/$1.in"; }   # no frame: the whole screen
# Every key, with the start of what it does (the verb table's words for
# the device verbs), at the start of the box's key column.
KEYS='Up/Down, j/k|select a device
Home/End|the first, the last device
Tab, Shift-Tab|the next, the previous tab
1-5|a tab: Detail, Guide, Firmware, IPSW, Log
g|the Guide tab
l|the Log tab
[ ]|Guide tab: the previous, next guide (enter or exit Recovery, enter or exit DFU); Firmware tab: choose a build
PgUp/PgDn|scroll the tab
x|leave Recovery
e|put a Normal-mode device into Recovery
b|reboot
:|one iBoot command
u|upload a file
d|DFU helper
f|firmware for this model
i|read an IPSW
r|Update restore
R|Erase restore (deletes all data; type the ECID'"'"'s last 4 digits)
c|stop the action or restore
/|search the restore log
F|refresh the firmware catalog (Firmware tab); f there fetches the chosen build
Prompts|Enter answers, Esc cancels, Backspace, Ctrl-U clears the line, Ctrl-W drops a word
?|this help
q|quit (asks first while restores run; they go on without the console)'

# Reads the whole box, 8 lines at a time (j), until its end shows, every
# view kept: NAME-0, NAME-1, ...; NAME.pages holds how many more than one.
# A view is taller than 8 lines plus the longest entry, so every entry is
# whole in some view.
read_help() {
    tm send-keys '?'
    wait_screen "$1-0" 'ibench keys' 50 || { fail "$1: ? opens the help" "$(cat "$T/$1-0")"; return; }
    inside "$1-0"
    n=0
    while grep -q '↓ [0-9]* more' "$T/$1-$n" && [ $n -lt 80 ]; do
        tm send-keys j j j j j j j j
        prev=$n; n=$((n + 1))
        i=0; while [ $i -lt 50 ]; do shot "$1-$n"; cmp -s "$T/$1-$n" "$T/$1-$prev" || break; sleep 0.1; i=$((i+1)); done
        inside "$1-$n"
    done
    echo "$n" >"$T/$1.pages"
    tm send-keys Escape
}
# listed NAME KEY WHAT: some view of the box shows KEY and WHAT whole
listed() { k=0; while [ -e "$T/$1-$k.in" ]; do shows "$1-$k.in" "$2 $3" && return 0; k=$((k + 1)); done; return 1; }

for size in 120x40 80x24 60x20; do
    tm resize-window -x "${size%x*}" -y "${size#*x}"
    wait_screen "$size-b" 'iPhone 11' 50 || fail "$size: redrawn"
    read_help "$size"
    check "$size: the box fits the screen" [ "$(wc -L <"$T/$size-0")" -le "${size%x*}" ]
    missing=""
    while IFS='|' read -r key what; do
        listed "$size" "$key" "$what" || missing="$missing [$key]"
    done <<K
$KEYS
K
    check "$size: every key is listed with what it does, nothing cut:${missing:- all there}" [ -z "$missing" ]
done
check "120x40: the help fits on one screen" [ "$(cat "$T/120x40.pages")" = 0 ]
check "60x20: the help is taller than the screen and scrolls" [ "$(cat "$T/60x20.pages")" -ge 1 ]
has "$T/60x20-0" '↓ [0-9]+ more' "60x20: the box says how much lies below"
# j scrolls one line; another key closes the box.
tm send-keys '?'
wait_screen j0 'ibench keys' 50 || fail "? again"
tm send-keys j
wait_screen j1 '↑ 1 more' 50 && ok "j scrolls the help by a line" || fail "j scrolls" "$(cat "$T/j1")"
tm send-keys NPage
# '↑ 1 more' is on screen until the page turns: wait for a larger count.
wait_screen j2p '↑ ([6-9]|[1-9][0-9]+) more' 50 && ok "PgDn pages the help" || fail "PgDn pages" "$(cat "$T/j2p")"
check "... by more than a line" [ "$(grep -o '↑ [0-9]* more' "$T/j2p" | grep -o '[0-9]*')" -gt 5 ]
tm send-keys x
i=0; while [ $i -lt 50 ]; do shot j2; grep -q 'ibench keys' "$T/j2" || break; sleep 0.1; i=$((i+1)); done
hasnt "$T/j2" 'ibench keys' "another key closes the help"
tm send-keys Escape q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
