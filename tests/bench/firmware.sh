#!/bin/sh
# Download speed and memory: ibench fw get vs the curl tool, same file, same
# loopback server, same run; peak RSS for two file sizes shows it stays flat.
set -u
BUILD=${1:-build}
TOP=${IBENCH_TOP:-$(pwd)}
MB=${BENCH_FW_MB:-1024}
T=$(mktemp -d /tmp/ibench-fwbench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/www/v4/device"
python3 "$TOP/tests/httpd.py" "$T/www" "$T/port" >/dev/null 2>&1 &
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
run() { /usr/bin/time -f '%e %M' -o "$T/time" "$@" >/dev/null 2>&1; cat "$T/time"; }
for size in 256 "$MB"; do
    set -- $(run env IBENCH_CACHE="$T/cache" IBENCH_STATE="$T/state" "$BUILD/ibench" --api "$BASE" fw get iPhone10,3 "B$size")
    ib_s=$1 ib_kb=$2
    set -- $(run curl -s -o "$T/curl.out" "$BASE/f$size.ipsw")
    cu_s=$1
    awk -v n="$size" -v a="$ib_s" -v b="$cu_s" -v kb="$ib_kb" 'BEGIN {
        printf "download %d MiB: ibench %.2f s (%.0f MB/s, SHA-1 while streaming), curl %.2f s; ibench/curl time %.2f; ibench peak RSS %.1f MB\n",
            n, a, n * 1.048576 / (a > 0 ? a : 0.01), b, (b > 0 ? a / b : 0), kb / 1024 }'
    rm -f "$T/curl.out"
done
