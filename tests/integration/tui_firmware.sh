# The console's Firmware tab at 80x24 on the virtual bench: builds for the
# selected device's model from a loopback catalog (signed, newest, cached),
# a download with progress, and two devices sharing one transfer.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

mkdir -p "$T/www/v4/device"
head -c 3000000 /dev/urandom > "$T/www/fw.ipsw"
SHA=$(sha1sum "$T/www/fw.ipsw" | cut -d' ' -f1)
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
# 3 MB at 300 kB/s: the transfer lasts 10 s, long enough that the second
# device's request (after progress shows) still finds it running.
cat > "$T/www/v4/device/iPhone10,1" <<J
{"identifier":"iPhone10,1","firmwares":[
 {"identifier":"iPhone10,1","version":"16.7.10","buildid":"20H350","sha1sum":"$SHA","filesize":3000000,
  "url":"$BASE/throttle/300000/fw.ipsw","releasedate":"2024-08-01T00:00:00Z","signed":true},
 {"identifier":"iPhone10,1","version":"16.7.8","buildid":"20H343","sha1sum":"$SHA","filesize":3000000,
  "url":"$BASE/fw.ipsw","releasedate":"2024-05-13T00:00:00Z","signed":false}]}
J
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' > "$XDG_CONFIG_HOME/ibench/config"
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
device B model=iPhone10,1 ecid=0x00AA345678ABCDEF port=1-1.4
at 0 plug A recovery
at 0 plug B dfu
S
tui_start "cd '$IBENCH_TOP' && IBENCH_API_URL='$BASE' '$VBENCH' --scenario '$T/scn' -- '$IBENCH'"

wait_screen s1 'Bay 4 +DFU' 300 && ok "board up" || fail "board" "$(cat "$T/s1")"
tm send-keys f
wait_screen s2 '16\.7\.10 +20H350' 300 && ok "f shows the builds for the selected device's model" || fail "firmware tab" "$(tail -12 "$T/s2")"
has "$T/s2" 'Firmware for iPhone10,1: 2 builds' "the panel names the product type and the build count"
has "$T/s2" '16\.7\.10 +20H350 +0\.0 GB +2024-08-01 +signed +newest +- *$' "signed and newest are marked"
has "$T/s2" '16\.7\.8 +20H343 +0\.0 GB +2024-05-13 +- +- *$' "an unsigned build is marked unsigned"
tm send-keys f
wait_screen s3 '16\.7\.10 .*signed +newest +[0-9]+% [0-9.]+ MB/s' 300 && ok "f fetches the build with progress and rate" || fail "progress" "$(tail -8 "$T/s3")"
tm send-keys j f
wait_screen s4 'shared' 100 && ok "a second device asking for the same build shares the transfer" || fail "shared" "$(tail -8 "$T/s4")"
wait_screen s5 '16\.7\.10 .*signed +newest +cached' 300 && ok "the build is cached once downloaded" || fail "cached" "$(tail -8 "$T/s5")"
check "the cached file is byte-identical" cmp -s "$T/www/fw.ipsw" "$IBENCH_CACHE/iPhone10,1_16.7.10_20H350_Restore.ipsw"
n=$(grep -c 'GET /throttle/300000/fw.ipsw' "$T/http.log")
check "one transfer served both devices ($n GET)" [ "$n" = 1 ]
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
