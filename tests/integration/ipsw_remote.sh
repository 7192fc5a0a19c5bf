# Remote IPSWs over HTTP Range requests, against the loopback server
# (tests/httpd.py): info matches the local file and costs little, a server
# ignoring Range is refused early, single entries come out byte for byte.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/www/r.ipsw" --variant big --big-mb 50
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/httpd.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
B="http://127.0.0.1:$(cat "$T/port")"
size=$(wc -c <"$T/www/r.ipsw")
check "test archive is about 50 MB" [ "$size" -gt 50000000 ]

"$IBENCH" ipsw info "$T/www/r.ipsw" >"$T/local" 2>&1
"$IBENCH" ipsw info "$B/r.ipsw" >"$T/remote" 2>"$T/remote.err"; rc=$?
check "remote info exits 0" [ $rc = 0 ]
check "remote info matches local info" cmp -s "$T/local" "$T/remote"
has "$T/remote.err" '^Transferred: [0-9]+ bytes in [0-9]+ requests$' "transferred bytes reported"
n=$(sed -n 's/^Transferred: \([0-9]*\) bytes.*/\1/p' "$T/remote.err")
check "remote info transferred less than 1 MB ($n bytes of $size)" [ "${n:-99999999}" -lt 1000000 ]
got=$(grep -c '^GET /r.ipsw ' "$T/httpd.log")
check "every request was a Range request" [ "$(grep '^GET /r.ipsw ' "$T/httpd.log" | grep -vc 'range=bytes=')" = 0 ]
check "a few requests, not many ($got)" [ "$got" -le 6 ]
"$IBENCH" --json ipsw info "$B/r.ipsw" --device iPhone10,1 >"$T/j" 2>/dev/null
python3 -c '
import json,sys; o=json.load(open(sys.argv[1]))
assert o["fits"] and o["complete"] and 0 < o["transferred_bytes"] < 1000000, o' "$T/j"
check "--json: transferred_bytes and a device match" [ $? = 0 ]

: >"$T/httpd.log"
"$IBENCH" ipsw info "$B/norange/r.ipsw" >/dev/null 2>"$T/norange"; rc=$?
check "a server ignoring Range: exit 4" [ $rc = 4 ]
has "$T/norange" 'ignores HTTP Range requests' "a server ignoring Range: clear message"
n=$(sed -n 's/^Transferred: \([0-9]*\) bytes.*/\1/p' "$T/norange")
check "a server ignoring Range: the file is not downloaded ($n bytes)" [ "${n:-99999999}" -lt 1000000 ]

mkdir "$T/unzip" && (cd "$T/unzip" && unzip -q "$T/www/r.ipsw" kernelcache.release.d21 Firmware/big.dmg)
: >"$T/httpd.log"
"$IBENCH" ipsw extract "$B/r.ipsw" -o "$T/one" kernelcache.release.d21 >/dev/null 2>"$T/one.err"; rc=$?
check "remote extract of one entry exits 0" [ $rc = 0 ]
check "remote entry is byte-identical to unzip's" cmp -s "$T/unzip/kernelcache.release.d21" "$T/one/kernelcache.release.d21"
check "only that entry was written" [ "$(find "$T/one" -type f | wc -l)" = 1 ]
n=$(sed -n 's/^Transferred: \([0-9]*\) bytes.*/\1/p' "$T/one.err")
check "remote extract of a small entry transfers little ($n bytes)" [ "${n:-99999999}" -lt 1000000 ]
"$IBENCH" ipsw extract "$B/r.ipsw" -o "$T/big" Firmware/big.dmg >/dev/null 2>&1; rc=$?
check "remote extract of the 50 MB entry" [ $rc = 0 ] && check "50 MB entry is byte-identical" cmp -s "$T/unzip/Firmware/big.dmg" "$T/big/Firmware/big.dmg"
"$IBENCH" ipsw extract "$B/dropfirst/20000/r.ipsw" -o "$T/drop" kernelcache >/dev/null 2>"$T/drop.err"; rc=$?
check "a connection cut mid-answer is retried" [ $rc = 0 ]
"$IBENCH" ipsw extract "$B/r.ipsw" -o "$T/dev" --device iPhone10,1 --identity Update KernelCache >/dev/null 2>&1; rc=$?
check "remote extract by device and component" all "[ $rc = 0 ]" '[ -f "$T/dev/kernelcache.release.d20" ]' '[ ! -e "$T/dev/kernelcache.release.d21" ]'
"$IBENCH" ipsw info "$B/missing.ipsw" >/dev/null 2>"$T/404"; rc=$?
check "a missing remote file: exit 4" [ $rc = 4 ]
has "$T/404" 'missing\.ipsw: HTTP status 404' "a missing remote file: status named"
"$IBENCH" ipsw extract "$B/status/500/r.ipsw" -o "$T/e500" >/dev/null 2>"$T/500"; rc=$?
check "a server error: exit 4" [ $rc = 4 ] && check "nothing written on a server error" [ ! -e "$T/e500" ]
