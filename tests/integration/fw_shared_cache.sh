# A firmware cache shared by a group: names planted in it as symbolic links
# or hard links to files elsewhere are never followed, written, truncated or
# removed, a planted checksum never makes a file look verified, and the
# message says why. (Temp-file names: unit/test_fsutil.)
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device" "$IBENCH_CACHE" "$T/outside"
head -c 200000 /dev/urandom >"$T/www/a.ipsw"
SHA=$(sha1sum "$T/www/a.ipsw" | cut -d' ' -f1)
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
entry() { # build: each build has its own URL (a query the server ignores), so the log tells them apart
    printf '{"identifier":"iPhone13,2","version":"18.%s","buildid":"%s","sha1sum":"%s","filesize":200000,"url":"%s/a.ipsw?%s","releasedate":"2025-01-01","signed":true}' \
        "${#1}" "$1" "$SHA" "$BASE" "$1"
}
printf '{"firmwares":[%s,%s,%s,%s,%s]}' "$(entry P1)" "$(entry L22)" "$(entry S333)" "$(entry H4444)" "$(entry V55555)" \
    >"$T/www/v4/device/iPhone13,2"
IB() { "$IBENCH" --api "$BASE" "$@"; }
name() { echo "$IBENCH_CACHE/iPhone13,2_18.${#1}_$1_Restore.ipsw"; }
precious() { printf 'precious %s\n' "$1" >"$T/outside/$1"; chmod 600 "$T/outside/$1"; }
untouched() { [ "$(cat "$T/outside/$1")" = "precious $1" ]; }

# A link at NAME.part: root's download would have written into the target.
P=$(name P1)
precious part
ln -s "$T/outside/part" "$P.part"
IB fw get iPhone13,2 P1 >/dev/null 2>"$T/p.err"; rc=$?
check "a link at NAME.part is refused (exit 7)" [ $rc = 7 ]
check "the link's target is untouched" untouched part
check "the planted link is left alone" [ -L "$P.part" ]
has "$T/p.err" "refusing the partial file .*_P1_Restore\.ipsw\.part: a symbolic link or not a regular file \(not followed; remove it\)" \
    "the message says why (.part)"
hasnt "$T/http.log" 'GET /a.ipsw\?P1 ' "nothing is fetched for a refused partial"

# A hard link at NAME.part to a file elsewhere (same file system).
H=$(name H4444)
precious hard
ln "$T/outside/hard" "$H.part"
IB fw get iPhone13,2 H4444 >/dev/null 2>"$T/h.err"; rc=$?
check "a hard link at NAME.part is refused (exit 7)" [ $rc = 7 ]
check "the hard link's file is untouched" untouched hard
has "$T/h.err" "refusing the partial file .*: a file with more than one hard link" "the message says why (hard link)"

# A link at NAME.lock.
L=$(name L22)
precious lock
ln -s "$T/outside/lock" "$L.lock"
IB fw get iPhone13,2 L22 >/dev/null 2>"$T/l.err"; rc=$?
check "a link at NAME.lock is refused (exit 7)" [ $rc = 7 ]
check "the lock link's target is untouched" untouched lock
check "the lock link is not removed" [ -L "$L.lock" ]
has "$T/l.err" "refusing the lock file .*_L22_Restore\.ipsw\.lock: a symbolic link" "the message says why (.lock)"
hasnt "$T/l.err" "not writable" "a planted lock is not called an unwritable folder"

# A link at NAME.sha1 while downloading: replaced by the real record, never written through.
S=$(name S333)
precious sum
ln -s "$T/outside/sum" "$S.sha1"
IB fw get iPhone13,2 S333 >/dev/null 2>"$T/s.err"; rc=$?
check "a download with a link at NAME.sha1 completes" [ $rc = 0 ]
check "the sidecar link's target is untouched" untouched sum
check "NAME.sha1 is a regular file" [ -f "$S.sha1" -a ! -L "$S.sha1" ]
check "NAME.sha1 holds the catalog's SHA-1" grep -q "^$SHA " "$S.sha1"

# A file dropped in by hand with a planted checksum link: not verified.
V=$(name V55555)
cp "$T/www/a.ipsw" "$V"
printf '%s  %s\n' "$SHA" "$(basename "$V")" >"$T/outside/goodsum"
ln -s "$T/outside/goodsum" "$V.sha1"
IB fw cache >"$T/v.list" 2>&1
has "$T/v.list" 'V55555 .*not verified: no checksum recorded$' "a checksum link does not make a file verified"
IB fw verify iPhone13,2 V55555 >"$T/v.out" 2>&1; rc=$?
check "fw verify checks it against the catalog instead" [ $rc = 0 ]
has "$T/v.out" '^OK .*V55555.* \(SHA-1\)$' "and says OK"
check "the checksum link's target is untouched" grep -q "^$SHA " "$T/outside/goodsum"
check "the link was replaced by a record of its own" [ -f "$V.sha1" -a ! -L "$V.sha1" ]

# A link planted at the catalog copy in the state folder: offline, ibench
# never reads the catalog it points to.
mkdir -p "$IBENCH_STATE/catalog"
cp "$T/www/v4/device/iPhone13,2" "$T/outside/catalog.json"
rm -f "$IBENCH_STATE/catalog/iPhone13,2.json"
ln -s "$T/outside/catalog.json" "$IBENCH_STATE/catalog/iPhone13,2.json"
"$IBENCH" --api "http://127.0.0.1:1" fw list iPhone13,2 >"$T/cl.out" 2>&1
hasnt "$T/cl.out" 'S333' "a link at the catalog copy is not followed"
