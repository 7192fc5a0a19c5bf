# The low-speed limit (low_speed_limit bytes/s on average over
# low_speed_seconds) ends a download, a remote IPSW read and a catalog fetch
# from a server that trickles a few bytes a second, instead of running for
# ever; the message names the rate. A short window from the configuration
# keeps this fast; `timeout` only bounds the test if the limit did not work.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device" "$XDG_CONFIG_HOME/ibench"
head -c 100000 /dev/urandom >"$T/www/a.ipsw"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/www/r.ipsw" >/dev/null 2>&1
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
printf '{"firmwares":[{"identifier":"iPhone12,8","version":"17.1","buildid":"K1","sha1sum":"%s","filesize":100000,"url":"%s/throttle/3/a.ipsw","releasedate":"2024-01-01","signed":true}]}' \
    "$(sha1sum "$T/www/a.ipsw" | cut -d' ' -f1)" "$BASE" >"$T/www/v4/device/iPhone12,8"
printf 'low_speed_limit = 1000\nlow_speed_seconds = 2\n' >"$XDG_CONFIG_HOME/ibench/config"

timeout 60 "$IBENCH" --api "$BASE" fw get iPhone12,8 K1 >/dev/null 2>"$T/get.err"; rc=$?
check "a trickling download fails (exit 4)" [ $rc = 4 ]
has "$T/get.err" "the server of $BASE/throttle/3/a\.ipsw sent less than 1000 bytes/s for 2 s \(low_speed_limit, low_speed_seconds\)" \
    "the download's message names the rate"

timeout 60 "$IBENCH" ipsw info "$BASE/throttle/3/r.ipsw" >/dev/null 2>"$T/info.err"; rc=$?
check "a trickling remote IPSW read fails (exit 4)" [ $rc = 4 ]
has "$T/info.err" "sent less than 1000 bytes/s for 2 s \(low_speed_limit, low_speed_seconds\)" "the remote read's message names the rate"

# Another product: iPhone12,8's catalog is cached by now, and a failed fetch would fall back on it.
cp "$T/www/v4/device/iPhone12,8" "$T/www/v4/device/iPhone12,1"
timeout 60 "$IBENCH" --api "$BASE/throttle/3" fw list iPhone12,1 >/dev/null 2>"$T/list.err"; rc=$?
check "a trickling catalog fails (exit 4)" [ $rc = 4 ]
has "$T/list.err" 'Less than 1000 bytes/sec transferred the last 2 seconds' "the catalog's message names the rate"

printf 'low_speed_limit = 0\n' >"$XDG_CONFIG_HOME/ibench/config"
"$IBENCH" fw cache >/dev/null 2>"$T/bad.err"; rc=$?
check "a low_speed_limit of 0 is refused (exit 2)" [ $rc = 2 ]
has "$T/bad.err" 'low_speed_limit: expected a number from 1 to' "the bad setting is named"
