# `ibench fw cache`, `fw verify`, `fw prune`, and two ibench processes getting
# the same build at once, against a loopback server.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$T/www/v4/device"
head -c 300000 /dev/urandom >"$T/www/a.ipsw"
head -c 200000 /dev/urandom >"$T/www/b.ipsw"
head -c 400000 /dev/urandom >"$T/www/c.ipsw"
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
sum() { sha1sum "$T/www/$1" | cut -d' ' -f1; }
entry() { # build file url-prefix [sha256]
    printf '{"identifier":"iPad7,5","version":"17.%s","buildid":"%s","sha1sum":"%s","sha256sum":%s,"filesize":%d,"url":"%s/%s","releasedate":"2024-01-01","signed":true}' \
        "${#1}" "$1" "$(sum "$2")" "${4:-null}" "$(stat -c %s "$T/www/$2")" "$BASE$3" "$2"
}
S256="\"$(sha256sum "$T/www/b.ipsw" | cut -d' ' -f1)\""
printf '{"firmwares":[%s,%s,%s,%s]}' "$(entry 21A1 a.ipsw '')" "$(entry 21B22 b.ipsw '' "$S256")" \
    "$(entry 21C333 c.ipsw /dropfirst/100000)" "$(entry 21D4444 a.ipsw /throttle/50000)" >"$T/www/v4/device/iPad7,5"
IB() { "$IBENCH" --api "$BASE" "$@"; }
C="$IBENCH_CACHE"

IB fw cache >"$T/empty" 2>&1; rc=$?
check "fw cache on a missing folder exits 0" [ $rc = 0 ]
has "$T/empty" '^0 files' "an empty cache says so"

IB fw get iPad7,5 21A1 >/dev/null 2>&1
IB fw get iPad7,5 21B22 >/dev/null 2>&1
IB fw get iPad7,5 21C333 >/dev/null 2>&1   # cut after 100000 bytes: a partial
check "sha256 sidecar written when the catalog has one" [ -s "$C/iPad7,5_17.5_21B22_Restore.ipsw.sha256" ]
check "no sha256 sidecar when the catalog has none" [ ! -e "$C/iPad7,5_17.4_21A1_Restore.ipsw.sha256" ]
check "no lock file left behind after downloads" sh -c '! ls "$1"/*.lock 2>/dev/null | grep -q .' _ "$C"

IB fw cache >"$T/list" 2>&1; rc=$?
check "fw cache exits 0" [ $rc = 0 ]
has "$T/list" '^iPad7,5 +17\.4 +21A1 +0\.00 GB +[0-9]+ min ago +verified [0-9]+ min ago \(SHA-1\)$' "complete file: product, version, build, verified"
has "$T/list" '21B22 .*verified .*\(SHA-1, SHA-256\)' "SHA-256 recorded is shown"
has "$T/list" '^iPad7,5 +17\.6 +21C333 .* partial 25% of 0\.00 GB$' "partial download with its progress"
has "$T/list" '^3 files \(1 partial\), 0\.00 GB in .*; [0-9.]+ GB free$' "total size and free space"
IB fw cache --json >"$T/json"
python3 - "$T/json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1])); f = {x["build"]: x for x in o["files"]}
assert f["21A1"]["state"] == "complete" and f["21A1"]["size"] == 300000 and len(f["21A1"]["sha1"]) == 40
assert f["21A1"]["checksum_recorded"] and f["21A1"]["verified"] > 0 and f["21B22"]["sha256"]
assert f["21C333"]["state"] == "partial" and f["21C333"]["size"] == 100000 and f["21C333"]["total"] == 400000
assert abs(f["21C333"]["progress"] - 0.25) < 1e-9 and o["bytes"] == 600000 and o["free_bytes"] > 0
PY
check "fw cache --json has every field" [ $? = 0 ]

# verify: all good, then a flipped byte and a wrong SHA-256.
IB fw verify >"$T/v" 2>"$T/ve"; rc=$?
check "fw verify of a sound cache exits 0" [ $rc = 0 ]
has "$T/v" '^OK iPad7,5_17\.4_21A1_Restore\.ipsw \(SHA-1\)$' "OK per file"
has "$T/v" '^OK iPad7,5_17\.5_21B22_Restore\.ipsw \(SHA-1, SHA-256\)$' "SHA-256 re-checked where known"
hasnt "$T/v" '21C333' "partials are not verified"
has "$T/ve" 'verifying iPad7,5_17\.4_21A1_Restore\.ipsw: 100% of' "progress on stderr"
A="$C/iPad7,5_17.4_21A1_Restore.ipsw"
flip_byte "$A" 1234
IB fw verify iPad7,5 21B22 >"$T/v1" 2>/dev/null; rc=$?
check "fw verify PRODUCT BUILD checks only that build" [ $rc = 0 ]
hasnt "$T/v1" '21A1' "only the named build is verified"
IB fw verify >"$T/v2" 2>/dev/null; rc=$?
check "a corrupt file makes fw verify exit 5" [ $rc = 5 ]
has "$T/v2" '^CORRUPT iPad7,5_17\.4_21A1_Restore\.ipsw: SHA-1 [0-9a-f]{40}, expected [0-9a-f]{40}; deleted' "corrupt file is named"
check "the corrupt file and its sidecar are deleted" sh -c '[ ! -e "$1" ] && [ ! -e "$1.sha1" ]' _ "$A"
has "$T/v2" '^OK .*21B22' "the sound file is still OK"
B="$C/iPad7,5_17.5_21B22_Restore.ipsw"
flip_hex_digit "$B.sha256"
IB fw verify "$B" >"$T/v3" 2>/dev/null; rc=$?
check "a wrong SHA-256 alone is caught (exit 5)" [ $rc = 5 ]
has "$T/v3" '^CORRUPT .*21B22.*SHA-256' "SHA-256 mismatch is named"
IB fw verify /etc/passwd >/dev/null 2>"$T/v4"; rc=$?
check "fw verify refuses a file outside the cache" [ $rc = 2 ]
IB fw verify iPad7,5 NOPE >/dev/null 2>"$T/v5"; rc=$?
check "fw verify of a build not in the cache exits 1" [ $rc = 1 ]
has "$T/v5" 'no complete file' "missing build is said"

# prune: by age, by size, never a locked file, stale partials.
IB fw get iPad7,5 21A1 >/dev/null 2>&1
IB fw get iPad7,5 21B22 >/dev/null 2>&1
touch -d '40 days ago' "$A"
touch -d '10 days ago' "$B"
IB fw prune --older-than 30 --dry-run >"$T/p0" 2>&1
has "$T/p0" '^would remove iPad7,5_17\.4_21A1_Restore\.ipsw \(0\.00 GB, last used 40 d ago\)' "dry run names the old file"
check "dry run removes nothing" [ -e "$A" ]
hasnt "$T/p0" '21B22' "a younger file is not pruned by age"
IB fw prune --older-than 30 >"$T/p1" 2>&1; rc=$?
check "prune --older-than exits 0" [ $rc = 0 ]
check "the old file and its sidecar are gone" sh -c '[ ! -e "$1" ] && [ ! -e "$1.sha1" ]' _ "$A"
check "the younger file stays" [ -e "$B" ]
IB fw get iPad7,5 21A1 >/dev/null 2>&1       # a fresh download: used now
touch -d '20 days ago' "$B"
# Hold the lock until prune is done (a fixed hold could end before a slow prune looks).
flock "$A.lock" sh -c 'echo held >"$1"; i=0; while [ ! -e "$2" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done' _ "$T/held" "$T/release" &
LP=$!
wait_for "$T/held" held 30
IB fw prune --max-size 100000 >"$T/p2" 2>&1
touch "$T/release"; wait $LP
has "$T/p2" '^removed iPad7,5_17\.5_21B22_Restore\.ipsw' "max-size removes the least recently used"
has "$T/p2" '^kept iPad7,5_17\.4_21A1_Restore\.ipsw: in use' "a locked file is never pruned"
check "the locked file is still there" [ -e "$A" ]
has "$T/p2" 'still above --max-size' "says when the size cannot be reached"
P="$C/iPad7,5_17.6_21C333_Restore.ipsw.part"
check "the partial survived so far" [ -e "$P" ]
touch -d '8 days ago' "$P"
IB fw prune >"$T/p3" 2>&1
has "$T/p3" '^removed iPad7,5_17\.6_21C333_Restore\.ipsw\.part' "a stale partial is pruned"
check "the stale partial is gone, the complete file stays" sh -c '[ ! -e "$1" ] && [ -e "$2" ]' _ "$P" "$A"
IB fw prune --max-size lots >/dev/null 2>&1; rc=$?
check "a bad --max-size is a usage error" [ $rc = 2 ]

# Two processes want the same build at once: one downloads, the other waits.
IB fw get iPad7,5 21D4444 >"$T/g1" 2>"$T/g1e" &
G1=$!
wait_for "$T/http.log" 'GET /throttle/50000/a.ipsw' 30   # the first one holds the lock now
IB fw get iPad7,5 21D4444 >"$T/g2" 2>"$T/g2e"; rc2=$?
wait $G1; rc1=$?
check "both processes succeed" [ $rc1 = 0 -a $rc2 = 0 ]
has "$T/g2e" 'waiting: another ibench is downloading this build' "the second one waits and says why"
has "$T/g2e" 'downloaded by another ibench process' "the second one finds the file in the cache"
n=$(grep -c 'GET /throttle/50000/a.ipsw' "$T/http.log")
check "exactly one GET for the shared build ($n)" [ "$n" = 1 ]
D="$C/iPad7,5_17.7_21D4444_Restore.ipsw"
check "the cache ends with one complete file, no partial or lock" sh -c '[ -e "$1" ] && [ ! -e "$1.part" ] && [ ! -e "$1.lock" ]' _ "$D"
check "it is byte-identical" cmp -s "$D" "$T/www/a.ipsw"
IB fw verify iPad7,5 21D4444 >/dev/null 2>&1; rc=$?
check "and it verifies" [ $rc = 0 ]

# Catalog entries without a checksum (an empty sha1sum, or none at all): only
# the size can be checked, and the download, fw cache and fw verify say so;
# the SHA-1 computed at download is kept as local (NAME.sha1-local), never as
# the catalog's (NAME.sha1).
NOSUM=$(entry 21E55555 b.ipsw '' | sed 's/"sha1sum":"[0-9a-f]*"/"sha1sum":""/')
NOKEY=$(entry 21F666666 c.ipsw '' | sed 's/"sha1sum":"[0-9a-f]*",//')
printf '{"firmwares":[%s,%s,%s,%s,%s,%s]}' "$(entry 21A1 a.ipsw '')" "$(entry 21B22 b.ipsw '' "$S256")" \
    "$(entry 21C333 c.ipsw /dropfirst/100000)" "$(entry 21D4444 a.ipsw /throttle/50000)" "$NOSUM" "$NOKEY" >"$T/www/v4/device/iPad7,5"
E="$C/iPad7,5_17.8_21E55555_Restore.ipsw"
IB fw get iPad7,5 21E55555 >/dev/null 2>"$T/e.err"; rc=$?
check "a build without a catalog checksum downloads (exit 0)" [ $rc = 0 ]
has "$T/e.err" 'only its size was checked: the catalog has no checksum for this build' "the download says only the size was checked"
hasnt "$T/e.err" 'verified' "and never calls it verified"
check "no NAME.sha1 for a size-only file" [ ! -e "$E.sha1" ]
check "the SHA-1 computed at download is kept as local" grep -q "^$(sum b.ipsw)  " "$E.sha1-local"
IB fw get iPad7,5 21F666666 >/dev/null 2>"$T/f.err"; rc=$?
check "a build with no sha1sum key at all: exit 0" [ $rc = 0 ]
has "$T/f.err" 'only its size was checked' "and it says only the size was checked"
IB fw cache >"$T/sz.list" 2>&1
has "$T/sz.list" '21E55555 .* size only [0-9]+ min ago \(no catalog checksum\)$' "fw cache says size only"
IB fw cache --json >"$T/sz.json"
python3 - "$T/sz.json" <<'PY'
import json, sys
f = {x["build"]: x for x in json.load(open(sys.argv[1]))["files"]}
e = f["21E55555"]
assert e["checked"] == "size" and not e["checksum_recorded"] and "verified" not in e and e["sha1"] == ""
assert len(e["sha1_local"]) == 40 and e["size_checked"] > 0 and f["21A1"]["checked"] == "catalog"
PY
check "fw cache --json: checked size, no verified time, the local SHA-1 apart" [ $? = 0 ]
IB fw verify iPad7,5 21E55555 >"$T/sz.v" 2>"$T/sz.ve"; rc=$?
check "fw verify of a size-only file exits 0" [ $rc = 0 ]
has "$T/sz.v" '^SIZE-ONLY iPad7,5_17\.8_21E55555_Restore\.ipsw: no catalog checksum to compare against' "fw verify says there is no catalog checksum"
hasnt "$T/sz.v" '^OK' "fw verify does not call it OK"
has "$T/sz.ve" '1 size only \(no catalog checksum\)' "the summary counts it apart"
flip_byte "$E" 777
IB fw verify iPad7,5 21E55555 >"$T/sz.v2" 2>/dev/null; rc=$?
check "a size-only file damaged later: exit 5" [ $rc = 5 ]
has "$T/sz.v2" '^CORRUPT .*21E55555.*computed locally\): damaged since' "the damage is found with the local SHA-1"
# An older ibench wrote the computed SHA-1 as NAME.sha1: with the catalog
# showing no checksum, that record is a size check only.
F="$C/iPad7,5_17.9_21F666666_Restore.ipsw"
mv "$F.sha1-local" "$F.sha1"
IB fw cache >"$T/old.list" 2>&1
has "$T/old.list" '21F666666 .* size only .*\(no catalog checksum\)$' "an older NAME.sha1 without a catalog checksum counts as size only"
