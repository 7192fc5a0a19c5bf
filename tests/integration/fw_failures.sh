# Download failures give clear messages, the right exit status, and keep only
# what is safe to keep: HTTP 404/500, a redirect loop, a certificate that does
# not verify, a full disk, an unwritable cache folder.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device"
head -c 300000 /dev/urandom >"$T/www/a.ipsw"
head -c 5000000 /dev/urandom >"$T/www/big.ipsw"
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
# An HTTPS server whose certificate is self-signed, made now.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >"$T/openssl.log" 2>&1
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/tlsport" --tls "$T/cert.pem" "$T/key.pem" >"$T/https.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while { [ ! -s "$T/port" ] || [ ! -s "$T/tlsport" ]; } && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
TLS="https://127.0.0.1:$(cat "$T/tlsport")"
entry() { # build file url
    printf '{"identifier":"iPhone11,8","version":"17.%s","buildid":"%s","sha1sum":"%s","filesize":%d,"url":"%s","releasedate":"2024-01-01","signed":true}' \
        "${#1}" "$1" "$(sha1sum "$T/www/$2" | cut -d' ' -f1)" "$(stat -c %s "$T/www/$2")" "$3"
}
printf '{"firmwares":[%s,%s,%s,%s,%s,%s]}' "$(entry N404 a.ipsw "$BASE/missing.ipsw")" \
    "$(entry E500 a.ipsw "$BASE/status/500/a.ipsw")" "$(entry L1 a.ipsw "$BASE/redirect-loop/a.ipsw")" \
    "$(entry TLS1 a.ipsw "$TLS/a.ipsw")" "$(entry BIG5 big.ipsw "$BASE/big.ipsw")" \
    "$(entry OK1 a.ipsw "$BASE/a.ipsw")" >"$T/www/v4/device/iPhone11,8"
IB() { "$IBENCH" --api "$BASE" "$@"; }
C="$IBENCH_CACHE"
nothing_cached() { # build: no file, partial, lock or sidecar of it
    ! ls "$C" 2>/dev/null | grep -q "_$1_"
}

IB fw get iPhone11,8 N404 >"$T/404.out" 2>"$T/404"; rc=$?
check "HTTP 404: exit 4" [ $rc = 4 ]
has "$T/404" "server answered HTTP 404 for $BASE/missing.ipsw; nothing was cached" "HTTP 404: the message names status and URL"
check "HTTP 404: nothing cached" nothing_cached N404
check "HTTP 404: nothing on stdout" [ ! -s "$T/404.out" ]

IB fw get iPhone11,8 E500 >/dev/null 2>"$T/500"; rc=$?
check "HTTP 500: exit 4" [ $rc = 4 ]
has "$T/500" 'server answered HTTP 500 .*nothing was cached' "HTTP 500: clear message"
check "HTTP 500: nothing cached" nothing_cached E500

IB fw get iPhone11,8 L1 >/dev/null 2>"$T/loop"; rc=$?
check "redirect loop: exit 4" [ $rc = 4 ]
has "$T/loop" 'redirect loop: the server redirected more than 5 times' "redirect loop: clear message"
check "redirect loop: nothing cached" nothing_cached L1
n=$(grep -c 'GET /redirect-loop/' "$T/http.log")
check "redirect loop: ibench gave up after 6 requests ($n)" [ "$n" = 6 ]

if [ -s "$T/cert.pem" ]; then
    IB fw get iPhone11,8 TLS1 >/dev/null 2>"$T/tls"; rc=$?
    check "self-signed certificate: exit 4" [ $rc = 4 ]
    has "$T/tls" 'TLS certificate verification failed for https://127\.0\.0\.1:[0-9]+/a\.ipsw \(.*certificate.*\)' "self-signed certificate: the message names certificate verification"
    check "self-signed certificate: nothing cached" nothing_cached TLS1
    hasnt "$T/https.log" 'GET /a.ipsw' "self-signed certificate: no request was sent"
    # The server itself is fine: a client that trusts the certificate gets the file.
    curl -s --cacert "$T/cert.pem" -o "$T/tls.ipsw" "$TLS/a.ipsw"
    check "the HTTPS test server works for a client that trusts it" cmp -s "$T/tls.ipsw" "$T/www/a.ipsw"
else
    echo "ok - TLS checks # SKIP openssl could not make a certificate: $(tail -n 1 "$T/openssl.log")"
fi

# A full disk: a 2 MB tmpfs, a 5 MB file. ibench keeps the resumable .part
# (it resumes once there is room) and nothing else: no lock, no sidecar, no temp file.
mkdir -p "$T/small"
if [ "$(id -u)" = 0 ] && unshare -m sh -c "mount -t tmpfs -o size=2m tmpfs '$T/small'" 2>"$T/mount.err"; then
    unshare -m sh -c '
        mount -t tmpfs -o size=2m tmpfs "$1/small" || exit 99
        IBENCH_CACHE="$1/small/cache" "$2" --api "$3" fw get iPhone11,8 BIG5 >"$1/full.out" 2>"$1/full"
        echo $? >"$1/full.rc"
        ls -A "$1/small/cache" >"$1/full.ls"
        stat -c %s "$1/small/cache/iPhone11,8_17.4_BIG5_Restore.ipsw.part" >"$1/full.size" 2>/dev/null
    ' _ "$T" "$IBENCH" "$BASE"
    check "disk full: exit 7" [ "$(cat "$T/full.rc")" = 7 ]
    has "$T/full" 'disk full while writing the download: No space left on device; the partial file is kept and resumes when there is room' "disk full: clear message"
    check "disk full: only the resumable .part remains" [ "$(cat "$T/full.ls")" = "iPhone11,8_17.4_BIG5_Restore.ipsw.part" ]
    check "disk full: the .part holds what fit ($(cat "$T/full.size" 2>/dev/null) bytes)" \
        sh -c '[ "$(cat "$1")" -gt 1000000 ] && [ "$(cat "$1")" -lt 5000000 ]' _ "$T/full.size"
else
    echo "ok - disk full # SKIP cannot mount a small tmpfs here (needs root and mount rights): $(tail -n 1 "$T/mount.err" 2>/dev/null)"
fi

# An unwritable cache folder (mode 500). Root ignores permissions, so as root
# the check runs as nobody (setpriv); without setpriv it is skipped.
RO="$T/ro"
mkdir -p "$RO/cache" "$RO/state"
chmod 500 "$RO/cache"
as_user=""
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null && [ -x "$IBENCH" ]; then
        chmod 711 "$T"; chmod 755 "$RO"
        chown -R 65534:65534 "$RO"
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$as_user" ]; then
    $as_user env IBENCH_CACHE="$RO/cache" IBENCH_STATE="$RO/state" HOME="$RO" "$IBENCH" --api "$BASE" fw get iPhone11,8 OK1 >/dev/null 2>"$T/ro.err"; rc=$?
    check "unwritable cache: exit 7" [ $rc = 7 ]
    has "$T/ro.err" "the cache folder $RO/cache is not writable \(cannot create the lock file .*: Permission denied\)" "unwritable cache: clear message"
    check "unwritable cache: nothing written" [ -z "$(ls -A "$RO/cache")" ]
else
    echo "ok - unwritable cache # SKIP running as root, which ignores permissions, and setpriv is missing"
fi

# After all that, a good download still works and nothing else was left behind.
IB fw get iPhone11,8 OK1 >/dev/null 2>&1; rc=$?
check "a good download after the failures" [ $rc = 0 ]
check "the cache holds only the good file and its checksum" \
    [ "$(ls -A "$C" | tr '\n' ' ')" = "iPhone11,8_17.3_OK1_Restore.ipsw iPhone11,8_17.3_OK1_Restore.ipsw.sha1 " ]
