# Console prompts and plain words: f on a build Apple no longer signs asks
# first (naming the build, its size and why it matters) and n fetches
# nothing; an empty console says what is actually missing.
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
cat > "$T/www/v4/device/iPhone10,1" <<J
{"identifier":"iPhone10,1","firmwares":[
 {"identifier":"iPhone10,1","version":"16.7.10","buildid":"20H350","sha1sum":"$SHA","filesize":3000000,
  "url":"$BASE/signed.ipsw","releasedate":"2024-08-01T00:00:00Z","signed":true},
 {"identifier":"iPhone10,1","version":"16.7.8","buildid":"20H343","sha1sum":"$SHA","filesize":3000000,
  "url":"$BASE/fw.ipsw","releasedate":"2024-05-13T00:00:00Z","signed":false}]}
J
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"
printf 'device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3\nat 0 plug A recovery\n' > "$T/scn"
tui_start "cd '$IBENCH_TOP' && IBENCH_API_URL='$BASE' '$VBENCH' --scenario '$T/scn' -- '$IBENCH'"

wait_screen s1 'Bay 3 +Recovery' 300 && ok "board up" || fail "board" "$(cat "$T/s1")"
tm send-keys f
wait_screen s2 '16\.7\.8 +20H343' 300 || fail "firmware tab" "$(tail -12 "$T/s2")"
tm send-keys ']' f
wait_screen s3 'Fetch 16\.7\.8 \(20H343\), 3\.0 MB\? Not signed: it cannot be restored now\. \[y/N\]' 50 \
    && ok "f on an unsigned build asks, naming the build, its size and that it is not signed" || fail "unsigned ask" "$(tail -2 "$T/s3")"
tm send-keys n
wait_screen s4 'Cancelled' 50 && ok "n cancels" || fail "n cancels" "$(tail -1 "$T/s4")"
hasnt "$T/http.log" 'GET /fw\.ipsw' "nothing was fetched"
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"

# No device at all, outside the virtual bench: the console names what is
# missing here, not a permission it does not lack.
tm kill-server 2>/dev/null
if [ -d /dev/bus/usb ]; then want='No Apple device is on the USB bus'; whole='the device is switched on.'
else want='no USB bus \(/dev/bus/usb is missing\)'; whole='run ibench where the devices are plugged in.'; fi
tui_start "USBMUXD_SOCKET_ADDRESS=UNIX:$T/none.sock '$IBENCH'"
wait_screen e1 'No device attached' 100 && ok "an empty console says so" || fail "empty" "$(cat "$T/e1")"
has "$T/e1" "$want" "... and what is missing on this machine"
shows e1 "$whole" && ok "... in a sentence read whole at 80 columns" || fail "the sentence is whole" "$(cat "$T/e1")"
hasnt "$T/e1" 'run as root' "no advice to run as root"
tm send-keys q
