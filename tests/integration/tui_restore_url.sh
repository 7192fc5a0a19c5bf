# A URL typed at the console's restore prompt never blocks the console: the
# server accepts the connection and never answers, and after Enter the
# console still answers j, k and Tab, each within 200 ms (issue 12's bound:
# the screen must change within 200 ms of each key).
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' > "$XDG_CONFIG_HOME/ibench/config"
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
device B model=iPhone10,2 ecid=0x00AA345678ABCDEF port=1-1.4
at 0 plug A recovery
at 0 plug B recovery
S
# Accepts every connection, reads what comes, answers nothing, closes nothing.
python3 - "$T/port" "$T/server.log" <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
def drain(c):
    while c.recv(4096): pass
while True:
    c, _ = s.accept(); held.append(c)
    with open(sys.argv[2], "a") as f: f.write("accepted\n")
    threading.Thread(target=drain, args=(c,), daemon=True).start()
PY
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
URL="http://127.0.0.1:$(cat "$T/port")/fw/iPhone10,1_17.5.1_21F90_Restore.ipsw"

tui_start "cd '$IBENCH_TOP' && IBENCH_ENGINE='$IBENCH_TOP/tests/engine/idevicerestore' IBENCH_API_URL=http://127.0.0.1:1/v4 '$VBENCH' --scenario '$T/scn' -- '$IBENCH'"
wait_screen s1 'Bay 4 +Recovery' 300 && ok "both devices on the board" || fail "board" "$(cat "$T/s1")"
tm send-keys r
wait_screen s2 'Update Bay 3 with IPSW' 50 || fail "r prompt" "$(tail -2 "$T/s2")"
tm send-keys C-u
tm send-keys -l "$URL"
tm send-keys Enter
wait_for "$T/server.log" accepted 20 && ok "the console's worker connected to the silent server" || fail "server reached"
wait_shows s3 'reading http://127.0.0.1' 50 && ok "the console says it is reading the URL" || fail "reading message" "$(tail -2 "$T/s3")"

# key KEY NAME REGEX: sends the key and polls the screen for up to 200 ms
# for a line matching REGEX, what the key does (a capture that starts within
# the 200 ms and shows it counts; a mere change would also be the clock or a
# row's age ticking). The clock starts when tmux has handed the key to the
# console's terminal: on a loaded machine the tmux client itself can take a
# good part of 200 ms.
key() {
    tm send-keys "$1"
    start=$(date +%s%N)
    while :; do
        now=$(date +%s%N)
        [ $(( (now - start) / 1000000 )) -ge 200 ] && break
        shot after
        if grep -Eq -- "$3" "$T/after"; then
            ok "$2 shows within 200 ms (seen by a capture started at $(( (now - start) / 1000000 )) ms) while the URL hangs"; return
        fi
        sleep 0.01
    done
    fail "$2 shows within 200 ms while the URL hangs" "not shown after $(( (now - start) / 1000000 )) ms"
    sed 's/^/# /' "$T/after"
}
key j "j (selects Bay 4)" '^>Bay 4'
key k "k (selects Bay 3)" '^>Bay 3'
key Tab "Tab (the Guide tab)" '\[2 Guide\]'
# Still waiting on the server (curl's own limits end it later), and q quits now.
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits while the URL still hangs" || fail "q quits"
has "$T/exit" 'EXITED 0' "clean exit"
