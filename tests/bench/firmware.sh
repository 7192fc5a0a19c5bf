#!/bin/sh
# Download speed and memory: ibench fw get vs the curl tool, same file, same
# loopback server, same run. Runs alternate (ibench, curl, ibench, ...) after a
# sync, BENCH_FW_RUNS times per size, and the medians are printed: wall time,
# CPU time (user+sys, steadier on a busy machine) and the ratio. ibench's time
# includes hashing (SHA-1 while streaming) and the fsync before the file enters
# the cache; curl's does not (curl+fsync adds it). Peak RSS for two file sizes
# shows memory stays flat.
set -u
BUILD=${1:-build}
TOP=${IBENCH_TOP:-$(pwd)}
MB=${BENCH_FW_MB:-1024}
RUNS=${BENCH_FW_RUNS:-3}
T=$(mktemp -d /tmp/ibench-fwbench.XXXXXX)
# $(jobs -p) is empty in a subshell under dash: keep the server's pid.
HTTPD=""
trap '[ -n "$HTTPD" ] && kill $HTTPD 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/www/v4/device"
python3 "$TOP/tests/httpd.py" "$T/www" "$T/port" >/dev/null 2>&1 &
HTTPD=$!
for size in 256 "$MB"; do
    head -c $((size * 1048576)) /dev/zero | tr '\0' 'x' >"$T/www/f$size.ipsw"
done
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
entries=""
for size in 256 "$MB"; do
    sha=$(sha1sum "$T/www/f$size.ipsw" | cut -d' ' -f1)
    e=$(printf '{"identifier":"iPhone10,3","version":"%s","buildid":"B%s","sha1sum":"%s","filesize":%d,"url":"%s/f%s.ipsw","releasedate":"2024","signed":true}' \
        "$size" "$size" "$sha" $((size * 1048576)) "$BASE" "$size")
    entries="$entries${entries:+,}$e"
done
printf '{"firmwares":[%s]}' "$entries" >"$T/www/v4/device/iPhone10,3"
# one LABEL COMMAND...: one timed run after a sync; appends "wall cpu kb" to $T/LABEL
one() {
    label=$1; shift
    rm -rf "$T/cache" "$T/curl.out"; sync
    /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" >/dev/null 2>&1
    awk '{ printf "%.3f %.3f %d\n", $1, $2 + $3, $4 }' "$T/time" >>"$T/$label"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { cut -d' ' -f"$2" "$T/$1" | median; }
for size in 256 "$MB"; do
    rm -f "$T/ib" "$T/cu" "$T/cs"
    r=0
    while [ $r -lt "$RUNS" ]; do
        one ib env IBENCH_CACHE="$T/cache" IBENCH_STATE="$T/state" "$BUILD/ibench" --api "$BASE" fw get iPhone10,3 "B$size"
        one cu curl -s -o "$T/curl.out" "$BASE/f$size.ipsw"
        one cs sh -c 'curl -s -o "$1" "$2" && sync "$1"' _ "$T/curl.out" "$BASE/f$size.ipsw"
        r=$((r + 1))
    done
    peak=$(cut -d' ' -f3 "$T/ib" | sort -n | tail -n 1)
    awk -v n="$size" -v runs="$RUNS" -v a="$(col ib 1)" -v b="$(col cu 1)" -v s="$(col cs 1)" \
        -v ac="$(col ib 2)" -v bc="$(col cu 2)" -v kb="$peak" 'BEGIN {
        printf "download %d MiB (median of %d): ibench %.2f s (%.0f MB/s, SHA-1 while streaming, fsync), curl %.2f s, curl+fsync %.2f s; ibench/curl time %.2f; CPU ibench %.2f s, curl %.2f s; ibench peak RSS %.1f MB\n",
            n, runs, a, n * 1.048576 / (a > 0 ? a : 0.01), b, s, (b > 0 ? a / b : 0), ac, bc, kb / 1024 }'
done
