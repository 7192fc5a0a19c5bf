# `ibench fw get`: verified download, resume after a drop and after kill -9,
# a server that ignores Range, a partial already whole, a body longer than the
# catalog says, corrupt bytes, HTTP errors — on 127.0.0.1.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device"
head -c 3000000 /dev/urandom >"$T/www/fw.ipsw"
cp "$T/www/fw.ipsw" "$T/www/g.ipsw"
head -c 300000 /dev/urandom >"$T/www/small.ipsw"
SHA=$(sha1sum "$T/www/fw.ipsw" | cut -d' ' -f1)
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
cat_entry() { # build url sha
    printf '{"identifier":"iPhone10,3","version":"1%s","buildid":"%s","sha1sum":"%s","filesize":3000000,"url":"%s","releasedate":"2024-0%s-01","signed":true}' \
        "$1" "$1" "$3" "$2" "$4"
}
{
    printf '{"firmwares":['
    cat_entry A1 "$BASE/fw.ipsw" "$SHA" 1; printf ','
    cat_entry B2 "$BASE/dropfirst/1000000/fw.ipsw" "$SHA" 2; printf ','
    cat_entry C3 "$BASE/norange/dropfirst/1500000/fw.ipsw" "$SHA" 3; printf ','
    cat_entry D4 "$BASE/corrupt/fw.ipsw" "$SHA" 4; printf ','
    cat_entry E5 "$BASE/missing.ipsw" "$SHA" 5; printf ','
    cat_entry F6 "$BASE/throttle/300000/fw.ipsw" "$SHA" 6; printf ','
    cat_entry G7 "$BASE/g.ipsw" "$SHA" 7; printf ','
    cat_entry H8 "$BASE/g.ipsw" "$SHA" 8; printf ','
    cat_entry I9 "$BASE/endless/fw.ipsw" "$SHA" 9; printf ','
    cat_entry J10 "$BASE/small.ipsw" "$SHA" 1
    printf ']}'
} >"$T/www/v4/device/iPhone10,3"
FW() { "$IBENCH" --api "$BASE" fw get iPhone10,3 "$@"; }

FW A1 >"$T/a.out" 2>"$T/a.err"; rc=$?
check "complete download exits 0" [ $rc = 0 ]
F="$IBENCH_CACHE/iPhone10,3_1A1_A1_Restore.ipsw"
check "file is in the cache, byte-identical" cmp -s "$F" "$T/www/fw.ipsw"
has "$F.sha1" "^$SHA " "checksum kept beside it"
has "$T/a.err" 'verified \(SHA-1' "says verified"
check "no partial left" [ ! -e "$F.part" ]
FW A1 >/dev/null 2>"$T/a2.err"; has "$T/a2.err" 'already in the cache' "second get reuses the cache"

FW B2 >/dev/null 2>"$T/b.err"; rc=$?
check "dropped connection fails with exit 4" [ $rc = 4 ]
has "$T/b.err" 'partial file is kept' "drop keeps the partial"
P="$IBENCH_CACHE/iPhone10,3_1B2_B2_Restore.ipsw.part"
sz=$(stat -c %s "$P" 2>/dev/null || echo 0)
check "partial holds the bytes received" [ "$sz" = 1000000 ]
FW B2 >/dev/null 2>"$T/b2.err"; rc=$?
check "resume completes" [ $rc = 0 ]
grep -q 'GET /dropfirst/1000000/fw.ipsw range=bytes=1000000-' "$T/http.log" && ok "resumed with Range from the partial's size" || fail "resumed with Range" "$(tail -3 "$T/http.log")"
check "resumed file verifies byte-identical" cmp -s "$IBENCH_CACHE/iPhone10,3_1B2_B2_Restore.ipsw" "$T/www/fw.ipsw"

# A server that ignores Range: the first try is cut and leaves a partial;
# the retry asks for the rest, gets the whole file (200) and starts over.
FW C3 >/dev/null 2>"$T/c1.err"; rc=$?
check "a server ignoring Range: the first try is cut (exit 4)" [ $rc = 4 ]
sz=$(stat -c %s "$IBENCH_CACHE/iPhone10,3_1C3_C3_Restore.ipsw.part" 2>/dev/null || echo 0)
check "the cut leaves a partial of the bytes received ($sz)" [ "$sz" = 1500000 ]
FW C3 >/dev/null 2>"$T/c.err"; rc=$?
grep -q 'GET /norange/dropfirst/1500000/fw.ipsw range=bytes=1500000-' "$T/http.log" && ok "the retry asked for the rest with Range" \
    || fail "the retry asked for the rest with Range" "$(tail -3 "$T/http.log")"
check "a server ignoring Range: start over correctly" [ $rc = 0 ]
check "start-over file is byte-identical" cmp -s "$IBENCH_CACHE/iPhone10,3_1C3_C3_Restore.ipsw" "$T/www/fw.ipsw"
has "$T/c.err" 'verified \(SHA-1' "start-over file is verified"

# A partial that already holds every byte (a crash before the rename) is
# verified and finished without asking the server (which would answer 416).
G="$IBENCH_CACHE/iPhone10,3_1G7_G7_Restore.ipsw"
cp "$T/www/fw.ipsw" "$G.part"
FW G7 >/dev/null 2>"$T/g.err"; rc=$?
check "a whole partial completes" [ $rc = 0 ]
check "the whole partial became the cached file" sh -c '! [ -e "$1.part" ] && cmp -s "$1" "$2"' _ "$G" "$T/www/fw.ipsw"
hasnt "$T/http.log" 'GET /g.ipsw' "no request for a whole partial"
H="$IBENCH_CACHE/iPhone10,3_1H8_H8_Restore.ipsw"
cp "$T/www/fw.ipsw" "$H.part"; flip_byte "$H.part" 4321
FW H8 >/dev/null 2>"$T/h.err"; rc=$?
check "a whole but damaged partial: exit 5" [ $rc = 5 ]
has "$T/h.err" 'checksum mismatch' "the damaged partial is named"
check "the damaged partial is deleted, nothing cached" sh -c '! [ -e "$1.part" ] && ! [ -e "$1" ]' _ "$H"

# A body longer than the catalog's size (no Content-Length) stops there.
FW I9 >/dev/null 2>"$T/i.err"; rc=$?
check "a body past the catalog's size: exit 5" [ $rc = 5 ]
has "$T/i.err" "the server sent more than the catalog's 3000000 bytes .*deleted the partial" "the overlong body is named"
check "nothing of the overlong body is kept" sh -c '! ls "$1" | grep -q _I9_' _ "$IBENCH_CACHE"
wait_for "$T/http.log" '^endless sent' 10
sent=$(sed -n 's/^endless sent //p' "$T/http.log")
check "ibench hung up instead of reading on ($sent bytes sent)" [ "${sent:-67108864}" -lt 67108864 ]
# A Content-Length that disagrees with the catalog is refused before any byte is written.
FW J10 >/dev/null 2>"$T/j.err"; rc=$?
check "a server file of another size: exit 5" [ $rc = 5 ]
has "$T/j.err" "size mismatch: the server's file is 300000 bytes, the catalog says 3000000" "the size difference is named"

FW D4 >/dev/null 2>"$T/d.err"; rc=$?
check "corrupt bytes: exit 5" [ $rc = 5 ]
has "$T/d.err" 'checksum mismatch' "corrupt download is named"
check "corrupt file is not cached and the partial is deleted" \
    sh -c '[ ! -e "$1" ] && [ ! -e "$1.part" ]' _ "$IBENCH_CACHE/iPhone10,3_1D4_D4_Restore.ipsw"

FW E5 >/dev/null 2>"$T/e.err"; rc=$?
check "HTTP 404: exit 4" [ $rc = 4 ]
has "$T/e.err" 'HTTP 404' "404 is named"

# kill -9 mid-download, then resume.
"$IBENCH" --api "$BASE" fw get iPhone10,3 F6 >/dev/null 2>&1 &
pid=$!
wait_for "$T/http.log" 'GET /throttle/300000/fw.ipsw' 30
P="$IBENCH_CACHE/iPhone10,3_1F6_F6_Restore.ipsw.part"
# Kill once some bytes are on disk (the transfer lasts 10 s), not after a fixed second.
i=0; while [ ! -s "$P" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
kill -9 $pid; wait $pid 2>/dev/null
sz=$(stat -c %s "$P" 2>/dev/null || echo 0)
check "after kill -9 a partial remains" [ "$sz" -gt 0 ]
sed -i "s#$BASE/throttle/300000/fw.ipsw#$BASE/fw.ipsw#" "$T/www/v4/device/iPhone10,3"
FW F6 >/dev/null 2>"$T/f.err"; rc=$?
check "resume after kill -9 completes" [ $rc = 0 ]
grep -q "GET /fw.ipsw range=bytes=$sz-" "$T/http.log" && ok "resume after kill -9 asked for the rest only" || fail "resume after kill -9 used Range" "$(tail -3 "$T/http.log")"
check "file after kill -9 and resume is byte-identical" cmp -s "$IBENCH_CACHE/iPhone10,3_1F6_F6_Restore.ipsw" "$T/www/fw.ipsw"
