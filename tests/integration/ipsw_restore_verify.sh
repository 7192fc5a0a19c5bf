# A restore with an IPSW not known to be intact reads every entry's CRC
# after the confirmation and before the engine starts: a damaged archive is
# refused naming the entry, and the engine never runs; a good one is
# verified (progress lines) and restored. Nothing calls it intact before.
# The console's restore goes through the same verification.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

export IBENCH_ENGINE="$IBENCH_TOP/tests/engine/idevicerestore" IBENCH_API_URL="http://127.0.0.1:1/v4"
export STANDIN_PLAN="$T/plan" STANDIN_LOG="$T/engine-runs"
G="python3 $IBENCH_TOP/tests/ipsw_gen.py"
$G "$T/fw.ipsw" --variant big --big-mb 3
$G "$T/badcrc.ipsw" --variant badcrc
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"
A=0012345678ABCDEF
cat > "$T/one" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3 ios=16.7.8 build=20H343
at 0 plug A recovery
S
echo "$A success A 1" > "$T/plan"
vb() { mkfifo "$T/ctl.$1"; s=$2; shift 2
       ( cd "$IBENCH_TOP" && STANDIN_FIFO="$T/ctl.$s" timeout 120 "$VBENCH" --scenario "$T/one" --fifo "$T/ctl.$s" --log "$T/vb.log" -- "$@" ); }

# The damaged archive: its directory and manifest are sound, one entry's data is not.
vb bad bad sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/badcrc.ipsw" >"$T/bad.out" 2>&1
has "$T/bad.out" '^  ok   ipsw +iOS 17\.5\.1 \(21F90\), directory consistent; CRCs not verified yet' "preflight: a damaged archive is not called intact"
check "nothing calls the damaged archive intact" [ -z "$(grep -i 'intact' "$T/bad.out")" ]
has "$T/bad.out" 'The IPSW is damaged: .*badcrc\.ipsw: Firmware/badcrc\.bin: CRC mismatch.*Nothing was started' "the refusal names the damaged entry"
has "$T/bad.out" '^rc=5$' "a damaged IPSW exits 5"
check "the engine never ran" [ ! -s "$T/engine-runs" ]
check "no job was created" [ -z "$(ls "$IBENCH_STATE/jobs" 2>/dev/null | grep "^[0-9]")" ]

# A good archive: verified first, with progress, then restored.
vb good good sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/fw.ipsw" >"$T/good.out" 2>&1
has "$T/good.out" '^verify: 100% \(3\.[0-9] of 3\.[0-9] MB\)$' "verification progress is shown as lines, with bytes done and total"
has "$T/good.out" '^job 1: succeeded$' "the verified IPSW is restored"
has "$T/good.out" '^rc=0$' "restore exits 0"
check "the engine ran once, after verification" [ "$(wc -l <"$T/engine-runs")" = 1 ]

# The console: r with the damaged file, y; refused before any engine runs.
rm -f "$T/engine-runs"
mkfifo "$T/ctl.tui"
tui_start "cd '$IBENCH_TOP' && STANDIN_FIFO='$T/ctl.tui' '$VBENCH' --scenario '$T/one' --fifo '$T/ctl.tui' -- '$IBENCH'" 200 30
wait_screen c1 'Bay 3 +Recovery' 300 || fail "console board" "$(cat "$T/c1")"
tm send-keys r
wait_screen c2 'Update Bay 3 with IPSW' 50 || fail "console r prompt" "$(tail -2 "$T/c2")"
tm send-keys C-u "$T/badcrc.ipsw" Enter
wait_screen c3 'keeping its data\? \[y/N\]' 100 || fail "console confirm" "$(tail -14 "$T/c3")"
has "$T/c3" 'ok +ipsw +iOS 17\.5\.1 \(21F90\), directory consistent; CRCs not verified yet' "console preflight: not called intact"
tm send-keys y
wait_screen c4 'The IPSW is damaged: .*Firmware/badcrc\.bin: CRC mismatch' 100 && ok "console: the damaged entry is named, nothing started" \
    || fail "console refusal" "$(tail -14 "$T/c4")"
check "console: the engine never ran" [ ! -s "$T/engine-runs" ]
check "console: nothing calls the damaged archive intact" [ -z "$(cat "$T/c3" "$T/c4" | grep -i intact)" ]
tm send-keys q
wait_for "$T/exit" EXITED 30 || fail "console quits"
