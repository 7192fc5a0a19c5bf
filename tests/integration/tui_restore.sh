# The console running two restores at once (stand-in engine on the virtual
# bench) at 80x24: preflight, confirmation, progress on both rows, the
# restore log panel with search, and quitting while a job runs.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
mkfifo "$T/ctl"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' > "$XDG_CONFIG_HOME/ibench/config"
A=0012345678ABCDEF B=00AA345678ABCDEF
printf '%s success A 8\n%s success B 8\n' "$A" "$B" > "$T/plan"
cat > "$T/scn" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3
device B model=iPhone10,2 ecid=0x$B port=1-1.4
at 0 plug A recovery
at 0 plug B recovery
S
# A second technician on the same bench: once "$T/go" appears, a headless
# ibench restores Bay 3 while the console, with nothing left to follow, sleeps.
cat > "$T/bench.sh" <<EOF
( i=0; while [ ! -e '$T/go' ] && [ \$i -lt 3000 ]; do sleep 0.2; i=\$((i+1)); done
  [ -e '$T/go' ] && { '$IBENCH' --yes restore 'Bay 3' --ipsw '$T/fw.ipsw' >'$T/other.out' 2>&1; echo "rc=\$?" >>'$T/other.out'; } ) &
exec '$IBENCH'
EOF
tui_start "cd '$IBENCH_TOP' && IBENCH_ENGINE='$IBENCH_TOP/tests/engine/idevicerestore' IBENCH_API_URL=http://127.0.0.1:1/v4 STANDIN_PLAN='$T/plan' STANDIN_FIFO='$T/ctl' '$VBENCH' --scenario '$T/scn' --fifo '$T/ctl' -- sh '$T/bench.sh'"

wait_screen s1 'Bay 4 +Recovery' && ok "both devices on the board" || fail "board" "$(cat "$T/s1")"
has "$T/s1" 'rRestore' "the key bar offers restore"
tm send-keys r
wait_screen s2 'Update Bay 3 with IPSW' 20 && ok "r asks for the IPSW" || fail "r prompt" "$(tail -2 "$T/s2")"
tm send-keys "$T/fw.ipsw" Enter
wait_screen s3 'Update Bay 3 \(iPhone 8 \(Global\)\) to iOS 17\.5\.1 \(21F90\), keeping its data\? \[y/N\]' 30 && ok "preflight passed: Update confirmed by name, version and build" || fail "restore confirm" "$(tail -14 "$T/s3")"
has "$T/s3" 'ok +fits +Update identity for d20ap' "the preflight checks are shown"
tm send-keys y
wait_screen s4 'Update job [0-9]+ queued' 20 && ok "y queues the job" || fail "queued" "$(tail -2 "$T/s4")"
tm send-keys j r
wait_screen s5 'Update Bay 4 with IPSW' 20 || fail "second prompt" "$(tail -2 "$T/s5")"
tm send-keys "$T/fw.ipsw" Enter
wait_screen s6 'Update Bay 4 .* keeping its data' 30 || fail "second confirm" "$(tail -3 "$T/s6")"
tm send-keys y
wait_screen s7 'Bay 3 .*Restore [0-9]+%.*' 100 && ok "Bay 3 shows its restore progress" || fail "progress A" "$(head -6 "$T/s7")"
wait_screen s8 'Bay 4 .*Restore [0-9]+%' 100 && ok "Bay 4 shows its restore progress" || fail "progress B" "$(head -6 "$T/s8")"
grep -Eq 'Bay 3 .*Restore [0-9]+%' "$T/s8" && ok "two restores progress at the same time" || fail "two at once" "$(head -6 "$T/s8")"
tm send-keys l
wait_screen s9 'Restore job [0-9]+ \(Update 21F90\): running' 30 && ok "the Log tab shows the selected device's restore log" || fail "log panel" "$(tail -12 "$T/s9")"
wait_screen s9b 'progress: |Sending filesystem|Found device' 60 && ok "the engine's own lines are in the log panel" || fail "engine lines" "$(tail -12 "$T/s9b")"
tm send-keys / Found Enter
wait_screen s10 'Found device in Recovery mode' 20 && ok "/ finds a line in the log" || fail "search" "$(tail -12 "$T/s10")"
tm send-keys q
wait_screen s11 'restores are running and will go on without ibench\. Quit\? \[y/N\]' 20 && ok "q while restores run asks and says they continue" || fail "quit question" "$(tail -1 "$T/s11")"
tm send-keys n
wait_screen s12 'Restore job [0-9]+ \(Update 21F90\): succeeded' 600 && ok "the log panel reports the job succeeded" || fail "succeeded" "$(tail -12 "$T/s12")"
wait_screen s13 'Bay 4 +Normal' 100 && ok "Bay 4 ends in Normal on its row" || fail "B done" "$(head -6 "$T/s13")"
tm send-keys k
wait_screen s14 'Restore job [0-9]+ \(Update 21F90\): succeeded' 600 && ok "the other job succeeded too" || fail "A succeeded" "$(tail -12 "$T/s14")"
wait_screen s15 'Bay 3 +Normal' 100 && ok "Bay 3 ends in Normal on its row" || fail "A done" "$(head -6 "$T/s15")"
touch "$T/go"
wait_screen s16 'Bay 3 .*(restore queued|Restore [0-9]+%)' 300 && ok "an idle console picks up a job another ibench started" || fail "other job" "$(head -6 "$T/s16")"
wait_for "$T/other.out" '^rc=' 120; has "$T/other.out" '^rc=0$' "the other technician's restore succeeds"
# Normal and the job's status gone: the device can be back before the console
# has polled the job's end, and q would then still ask about a running restore.
wait_screen s17 'Bay 3 +Normal .*  for [0-9]' 300 && ok "and the console follows Bay 3 back to Normal" || fail "other done" "$(head -6 "$T/s17")"
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits once no restore runs" || fail "q quits"
"$IBENCH" history --json > "$T/h.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len([x for x in r if x["result"]=="succeeded"])==3' "$T/h.json"
check "all three restores are in the history" [ $? = 0 ]
