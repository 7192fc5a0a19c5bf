# One verb table for both front ends: the command line and the console
# refuse the same cases in the same words (wrong mode, a device busy with a
# restore another ibench started, an unidentified device), and nothing
# unconfirmed reaches a device. The restore is real (the stand-in engine,
# held at its step 2), so "busy" is the lock every ibench process sees.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
head -c 1000 /dev/urandom > "$T/img"
mkfifo "$T/ctl"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf 'restore_retries = 0\n[slots]\n1-1.2 = Bay 2\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n1-1.5 = Bay 5\n' > "$XDG_CONFIG_HOME/ibench/config"
B=00BB345678ABCDEF
printf '%s success B 4\n' "$B" > "$T/plan"
cat > "$T/scn" <<S
device A model=iPhone10,1 ecid=0x00AA345678ABCDEF port=1-1.2
device B model=iPhone10,1 ecid=0x$B port=1-1.3
device C model=iPhone10,2 ecid=0x00CC345678ABCDEF port=1-1.4
device D model=iPhone10,2 ecid=0x00DD345678ABCDEF port=1-1.5 bad=garbage-serial
at 0 plug A dfu
at 0 plug B recovery
at 0 plug C recovery
at 0 plug D recovery
S
# Inside the bench: a restore on Bay 3 held at step 2, every headless
# refusal recorded, then the console.
cat > "$T/bench.sh" <<EOF
cd '$T'
'$IBENCH' --yes restore 'Bay 3' --ipsw '$T/fw.ipsw' --no-wait >'$T/restore.out' 2>&1
# held at the gate: the job's step and percentage stand still from here on
i=0; until grep -qs 'progress: 2 1.0' '$IBENCH_STATE'/jobs/*/engine.log || [ \$i -ge 600 ]; do sleep 0.1; i=\$((i+1)); done
run() { name=\$1; shift; '$IBENCH' "\$@" </dev/null >'$T/'\$name.out 2>'$T/'\$name.err; echo \$? >'$T/'\$name.rc; }
run exit_dfu --yes recovery exit 'Bay 2' --no-wait
run reboot_busy reboot 'Bay 3' --yes --no-wait
run send_busy -y send 'Bay 3' '$T/img'
run exit_busy recovery exit 'Bay 3' --no-wait -y
run cmd_busy cmd 'Bay 3' 'setenv auto-boot true' --yes
run dfu_unknown dfu 'Bay 5'
run reboot_unconfirmed reboot 'Bay 4' --no-wait
touch '$T/cli-done'
exec '$IBENCH'
EOF
tui_start "cd '$IBENCH_TOP' && IBENCH_ENGINE='$IBENCH_TOP/tests/engine/idevicerestore' IBENCH_API_URL=http://127.0.0.1:1/v4 STANDIN_PLAN='$T/plan' STANDIN_FIFO='$T/ctl' STANDIN_GATE='$T/gate' STANDIN_GATE_STEPS=2 '$VBENCH' --scenario '$T/scn' --fifo '$T/ctl' --log '$T/vb.log' -- sh '$T/bench.sh'" 200 40
on_exit "touch '$T/gate.2'"
i=0; while [ ! -e "$T/cli-done" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done
[ -e "$T/cli-done" ] && ok "the headless commands ran" || fail "the headless commands ran" "$(cat "$T/restore.out" "$T"/*.err 2>/dev/null)"

# The words each front end printed: the command line's after "ibench: ".
why() { sed -n 's/^ibench: //p' "$T/$1.err" | head -n 1; }
rc_is() { [ "$(cat "$T/$1.rc" 2>/dev/null)" = "$2" ]; }

check "wrong mode: headless exit Recovery on a DFU device exits 3" rc_is exit_dfu 3
has "$T/exit_dfu.err" '^ibench: Bay 2 is in DFU mode: DFU is left only by a force restart \(see the guide\)$' "wrong mode: said plainly"
for c in reboot_busy send_busy exit_busy cmd_busy; do
    check "busy: $c is refused (exit 3)" rc_is $c 3
    has "$T/$c.err" '^ibench: Bay 3 is being restored \(job [0-9]+, (Restore [0-9]+%[^)]*|restore queued)\); cancel it first$' "busy: $c names the job that holds Bay 3"
done
check "unidentified: the DFU helper is refused (exit 3)" rc_is dfu_unknown 3
has "$T/dfu_unknown.err" '^ibench: Bay 5 is not identified yet \(model unknown' "unidentified: said plainly"
check "no confirmation: refused without a terminal (exit 6)" rc_is reboot_unconfirmed 6
has "$T/reboot_unconfirmed.err" 'Reboot Bay 4 .*refusing without a terminal; pass --yes' "no confirmation: the question names the device"
hasnt "$T/vb.log" ' [BC] cmd ' "nothing refused or unconfirmed reached Bay 3 or Bay 4"
hasnt "$T/vb.log" ' B (upload|usb reset|saveenv)' "no upload or reboot reached the restoring Bay 3"

# The console: the same rows, the same keys, the same words.
wait_screen s1 'Bay 5 ' 100 || fail "board" "$(cat "$T/s1")"
bar_says() { # NAME KEY FILE: the message line after KEY equals the headless words
    tm send-keys "$2"
    want=" $(why "$3")"
    i=0; while [ $i -lt 50 ]; do shot "$1"; got=$(tail -n 1 "$T/$1" | sed 's/ *$//'); [ "$got" = "$want" ] && break; sleep 0.1; i=$((i+1)); done
    if [ "$got" = "$want" ]; then ok "console and command line say the same: $1"
    else fail "console and command line say the same: $1" "console '$got' vs headless '$want'"; fi
}
bar_says c_exit_dfu x exit_dfu                      # Bay 2 (DFU) is selected first
tm send-keys j
# The busy words carry the job's live step: compare with what the headless
# command printed once the step held still at the gate.
bar_says c_reboot_busy b reboot_busy
bar_says c_exit_busy x exit_busy
bar_says c_send_busy u send_busy
bar_says c_cmd_busy : cmd_busy
shot keybar
tm send-keys j j
bar_says c_dfu_unknown d dfu_unknown
tm send-keys k
tm send-keys b
wait_screen s2 'Reboot Bay 4 \(iPhone 8 Plus.*\? \[y/N\]' 50 && ok "the console asks before a reboot, naming the device" || fail "console question" "$(tail -1 "$T/s2")"
tm send-keys n
wait_screen s3 'Cancelled; nothing was sent' 50 && ok "n sends nothing" || fail "n" "$(tail -1 "$T/s3")"
hasnt "$T/vb.log" ' [BC] cmd ' "still nothing reached Bay 3 or Bay 4"
cat "$T"/*.err | sed "s/^/# /"
touch "$T/gate.2"
tm send-keys q
