# `make demo`'s script starts the console on the emulated bench and quits on q.
. "$IBENCH_TOP/tests/lib.sh"
command -v tmux >/dev/null || { echo "tmux missing"; exit 77; }
S="ibench-demo-$$"
tm() { tmux -L "$S" -f /dev/null "$@"; }
on_exit "tmux -L $S kill-server 2>/dev/null"
tm new-session -d -x 80 -y 24 "sh '$IBENCH_TOP/tests/demo.sh' '$IBENCH_BUILD'; echo EXITED \$? >'$T/exit'; sleep 30"
i=0; while [ $i -lt 100 ]; do tm capture-pane -p >"$T/s"; grep -q 'iPhone SE' "$T/s" && break; sleep 0.1; i=$((i+1)); done
has "$T/s" 'DEMO: emulated devices' "demo banner"
has "$T/s" 'iPhone 13 Pro' "demo devices appear"
tm send-keys q
wait_for "$T/exit" EXITED 5 && ok "q ends the demo" || fail "q ends the demo"
has "$T/exit" 'EXITED 0' "demo exits 0"
sleep 0.5
check "the demo leaves no emulator behind" sh -c "! pgrep -f 'ibench-demo\\.' >/dev/null"
