# The download manager through `ibench fw get` with several builds: the same
# build asked twice is fetched once; max_downloads caps the transfers; one
# failing build does not stop the others.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device" "$XDG_CONFIG_HOME/ibench"
for f in a b c; do head -c 200000 /dev/urandom >"$T/www/$f.ipsw"; done
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
entry() { # build file url-path
    printf '{"identifier":"iPhone12,1","version":"18.%s","buildid":"%s","sha1sum":"%s","filesize":%d,"url":"%s%s","releasedate":"2025-01-0%s","signed":true}' \
        "${#1}" "$1" "$(sha1sum "$T/www/$2" | cut -d' ' -f1)" "$(stat -c %s "$T/www/$2")" "$BASE" "$3" "${#1}"
}
printf '{"firmwares":[%s,%s,%s,%s,%s,%s,%s,%s,%s]}' "$(entry S1 a.ipsw /throttle/200000/a.ipsw)" \
    "$(entry H1 a.ipsw /hold/one/a.ipsw)" "$(entry H22 b.ipsw /hold/two/b.ipsw)" \
    "$(entry D1 a.ipsw /hold/four/a.ipsw)" "$(entry D22 b.ipsw /hold/five/b.ipsw)" "$(entry D333 c.ipsw /hold/six/c.ipsw)" \
    "$(entry G1 b.ipsw /b.ipsw)" "$(entry M22 c.ipsw /missing.ipsw)" "$(entry R1 a.ipsw /hold/seven/a.ipsw)" >"$T/www/v4/device/iPhone12,1"
IB() { "$IBENCH" --api "$BASE" "$@"; }
C="$IBENCH_CACHE"

# Two requests for one build in one process: one transfer, two answers.
IB fw get iPhone12,1 S1 iPhone12,1 S1 >"$T/s.out" 2>"$T/s.err"; rc=$?
check "two requests for the same build succeed" [ $rc = 0 ]
n=$(grep -c 'GET /throttle/200000/a.ipsw' "$T/http.log")
check "the same build asked twice is fetched once ($n GET)" [ "$n" = 1 ]
check "both requests get the path" [ "$(grep -c '_S1_Restore.ipsw$' "$T/s.out")" = 2 ]
check "and the file is byte-identical" cmp -s "$C/iPhone12,1_18.2_S1_Restore.ipsw" "$T/www/a.ipsw"

# max_downloads = 1: the second build starts only when the first is done.
echo "max_downloads = 1" >"$XDG_CONFIG_HOME/ibench/config"
IB fw get iPhone12,1 H1 iPhone12,1 H22 >"$T/h.out" 2>"$T/h.err" &
G=$!
wait_for "$T/http.log" 'GET /hold/one/a.ipsw' 30
check "the first build is requested" grep -q 'GET /hold/one/a.ipsw' "$T/http.log"
wait_for "$T/h.err" 'H22: queued' 30
has "$T/h.err" '^ibench: iPhone12,1 H22: queued \(#1 in line; at most 1 download at once, max_downloads\)$' "the second says it is queued"
hasnt "$T/http.log" 'GET /hold/two/' "with max_downloads = 1 the second waits its turn"
touch "$T/www/.release-one"
wait_for "$T/http.log" 'GET /hold/two/b.ipsw' 30
check "the second starts when the first is done" grep -q 'GET /hold/two/b.ipsw' "$T/http.log"
touch "$T/www/.release-two"
wait $G; rc=$?
check "both capped downloads complete" [ $rc = 0 -a "$(wc -l <"$T/h.out")" = 2 ]

# The default cap (2): two transfers at once, the third queued.
rm -f "$XDG_CONFIG_HOME/ibench/config"
IB fw get iPhone12,1 D1 iPhone12,1 D22 iPhone12,1 D333 >"$T/d.out" 2>"$T/d.err" &
G=$!
wait_for "$T/http.log" 'GET /hold/four/a.ipsw' 30 && wait_for "$T/http.log" 'GET /hold/five/b.ipsw' 30
check "with the default cap two run at once" sh -c 'grep -q "GET /hold/four/a.ipsw" "$1" && grep -q "GET /hold/five/b.ipsw" "$1"' _ "$T/http.log"
wait_for "$T/d.err" 'D333: queued' 30
has "$T/d.err" '^ibench: iPhone12,1 D333: queued \(#1 in line; at most 2 downloads at once' "the third says it is queued"
hasnt "$T/http.log" 'GET /hold/six/' "the third is queued"
touch "$T/www/.release-four"
wait_for "$T/http.log" 'GET /hold/six/c.ipsw' 30
check "the third starts when a slot frees" grep -q 'GET /hold/six/c.ipsw' "$T/http.log"
touch "$T/www/.release-five" "$T/www/.release-six"
wait $G; rc=$?
check "all three complete" [ $rc = 0 -a "$(wc -l <"$T/d.out")" = 3 ]
has "$T/d.err" '^ibench: iPhone12,1 D333: verified' "each result is named by its build"

# Ctrl-C: the request is cancelled, the partial kept, the lock let go.
"$IBENCH" --api "$BASE" fw get iPhone12,1 R1 >"$T/r.out" 2>"$T/r.err" &
G=$!
wait_for "$T/http.log" 'GET /hold/seven/a.ipsw' 30
kill -INT $G; wait $G; rc=$?
check "SIGINT cancels with exit 6" [ $rc = 6 ]
has "$T/r.err" 'R1: cancelled; what was downloaded is kept' "cancellation is said"
check "no lock file is left after a cancel" [ ! -e "$C/iPhone12,1_18.2_R1_Restore.ipsw.lock" ]

# One build fails, the other is still fetched; the exit status tells.
IB fw get iPhone12,1 M22 iPhone12,1 G1 >"$T/m.out" 2>"$T/m.err"; rc=$?
check "a failing build among several exits 4" [ $rc = 4 ]
has "$T/m.err" '^ibench: iPhone12,1 M22: server answered HTTP 404' "the failing build is named"
check "the other build is cached anyway" cmp -s "$C/iPhone12,1_18.2_G1_Restore.ipsw" "$T/www/b.ipsw"
IB fw get iPhone12,1 >/dev/null 2>&1; rc=$?
check "an odd number of arguments is a usage error" [ $rc = 2 ]
IB fw get iPhone12,1 G1 iPhone12,1 NOPE >/dev/null 2>"$T/n.err"; rc=$?
check "an unknown build stops before anything starts" [ $rc = 2 ]
has "$T/n.err" "no build 'NOPE'" "the unknown build is named"
