# `ibench fw list` against a catalog server on 127.0.0.1, then offline.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/api/v4/device"
cat >"$T/api/v4/device/iPhone10,3" <<'JSON'
{"name":"iPhone X (GSM)","identifier":"iPhone10,3","boardconfig":"D22AP","firmwares":[
 {"identifier":"iPhone10,3","version":"16.7.10","buildid":"20H350","sha1sum":"0123456789abcdef0123456789abcdef01234567","md5sum":"0123456789abcdef0123456789abcdef","filesize":6183829504,"url":"https://updates.cdn-apple.com/a/iPhone10,3_16.7.10_20H350_Restore.ipsw","releasedate":"2024-08-07T17:05:41Z","uploaddate":"2024-08-07T17:05:41Z","signed":true},
 {"identifier":"iPhone10,3","version":"16.7.8","buildid":"20H343","sha1sum":"1123456789abcdef0123456789abcdef01234567","filesize":6183829000,"url":"https://updates.cdn-apple.com/a/iPhone10,3_16.7.8_20H343_Restore.ipsw","releasedate":"2024-05-13T17:05:41Z","uploaddate":"2024-05-13T17:05:41Z","signed":false}]}
JSON
printf '{"firmwares":[{"identifier":"../x","version":"1","buildid":"A","filesize":1,"url":"https://x","signed":true}]}' >"$T/api/v4/device/iPhone10,1"
python3 - "$T/api" "$T/port" >"$T/srv.log" 2>&1 <<'PY' &
import http.server, os, sys, functools
root, portfile = sys.argv[1], sys.argv[2]
class H(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if "iPhone99" in self.path:
            self.send_error(500, "boom"); return
        return super().do_GET()
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=root))
open(portfile + ".tmp", "w").write(str(srv.server_address[1])); os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
SRV=$!
on_exit "kill $SRV 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
API="http://127.0.0.1:$(cat "$T/port")"
"$IBENCH" --api "$API" fw list iPhone10,3 >"$T/l" 2>"$T/e"; rc=$?
check "fw list exits 0" [ $rc = 0 ]
has "$T/l" '^16\.7\.10 +20H350 +2024-08-07 +6\.18 GB +yes +newest' "signed newest build"
has "$T/l" '^16\.7\.8 +20H343 .* no' "unsigned build"
"$IBENCH" --api "$API" fw list iPhone10,3 --signed >"$T/s"
hasnt "$T/s" '20H343' "--signed hides unsigned builds"
touch "$IBENCH_CACHE/.probe" 2>/dev/null || mkdir -p "$IBENCH_CACHE"
: >"$IBENCH_CACHE/iPhone10,3_16.7.10_20H350_Restore.ipsw"
"$IBENCH" --api "$API" --json fw list iPhone10,3 >"$T/j"
python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); f={x["build"]: x for x in o["firmwares"]}
assert f["20H350"]["cached"] and f["20H350"]["newest"] and f["20H350"]["signed"] and not f["20H343"]["cached"]
assert f["20H350"]["size"]==6183829504 and not o["offline"]' "$T/j"
check "--json marks cached, newest and signed" [ $? = 0 ]
"$IBENCH" --api "$API" fw list iPhone10,1 >/dev/null 2>"$T/h"; rc=$?
check "hostile catalog entry is refused" [ $rc = 4 ]
has "$T/h" 'catalog entry 0 is malformed' "hostile catalog: reason"
"$IBENCH" --api "$API" fw list iPhone99,1 >/dev/null 2>"$T/500"; rc=$?
check "HTTP 500 with no cached copy exits 4" [ $rc = 4 ]
has "$T/500" 'HTTP 500' "HTTP error is named"
"$IBENCH" --api "$API" fw list '../etc' >/dev/null 2>"$T/bad"; rc=$?
check "a product type that is not one is refused" [ $rc = 4 ] && has "$T/bad" 'not a product type' "bad product type: reason"

kill $SRV; wait $SRV 2>/dev/null
"$IBENCH" --api "$API" fw list iPhone10,3 >"$T/off" 2>"$T/offe"; rc=$?
check "offline: works from the cached catalog" [ $rc = 0 ]
has "$T/offe" 'offline: .*using the catalog cached 0 h ago' "offline use is said"
has "$T/off" '20H350' "offline list has the builds"
touch -d '2 days ago' "$IBENCH_STATE/catalog/iPhone10,3.json"
"$IBENCH" --api "$API" fw list iPhone10,3 >"$T/stale" 2>"$T/stalee"
has "$T/stale" '20H350 .* yes\?' "old signed flags are marked stale"
has "$T/stalee" 'signed flags are stale' "staleness is said"
