# `make demo`'s script starts the console on the emulated bench and quits on q.
. "$IBENCH_TOP/tests/lib.sh"
command -v tmux >/dev/null || { echo "tmux missing"; exit 77; }
S="ibench-demo-$$"
tm() { tmux -L "$S" -f /dev/null "$@"; }
on_exit "tmux -L $S kill-server 2>/dev/null"
before=$(ls -d /tmp/ibench-demo.* 2>/dev/null)
tm new-session -d -x 80 -y 24 "sh '$IBENCH_TOP/tests/demo.sh' '$IBENCH_BUILD'; echo EXITED \$? >'$T/exit'; sleep 30"
i=0; while [ $i -lt 300 ]; do tm capture-pane -p >"$T/s"; grep -q 'iPhone SE' "$T/s" && break; sleep 0.1; i=$((i+1)); done
# This demo's own folder, so a demo run by someone else on the machine is not
# taken for a leftover of this one.
mine=$(ls -d /tmp/ibench-demo.* 2>/dev/null | grep -vxF "$before" | head -n 1)
has "$T/s" 'DEMO: emulated devices' "demo banner"
has "$T/s" 'iPhone 13 Pro' "demo devices appear"
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q ends the demo" || fail "q ends the demo"
has "$T/exit" 'EXITED 0' "demo exits 0"
# Give stragglers a bounded moment to go, rather than a fixed half second.
pat=${mine:-ibench-demo\.}
i=0; while pgrep -f "$pat" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
# (pgrep from this shell: a sh -c carrying the pattern would match itself)
if pgrep -f "$pat" >/dev/null; then fail "the demo leaves no emulator behind" "$(pgrep -af "$pat")"
else ok "the demo leaves no emulator behind"; fi
