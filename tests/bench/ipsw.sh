#!/bin/sh
# IPSW extraction speed (printed, not asserted): an IPSW-shaped archive of at
# least 1 GiB (large stored and deflated entries and many small ones) built in
# a temporary folder, extracted by ibench, unzip and bsdtar in the same run;
# then `ipsw info` on the local file, and the bytes a remote info costs.
# BENCH_IPSW_MB sets the size of each large entry (default 200).
set -u
BUILD=${1:-build}
TOP=${IBENCH_TOP:-$(pwd)}
IB="$BUILD/ibench"
MB=${BENCH_IPSW_MB:-256}
T=$(mktemp -d /tmp/ibench-ipswbench.XXXXXX)
# $(jobs -p) is empty in a subshell under dash: keep the server's pid.
HTTPD=""
trap '[ -n "$HTTPD" ] && kill $HTTPD 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/www"
python3 - "$T/www/big.ipsw" "$MB" "$TOP/tests" <<'PY'
import os, plistlib, sys, zipfile
out, mb = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, sys.argv[3])
import ipsw_gen
m = ipsw_gen.manifest()
# Semi-compressible: random bytes, text and runs, about 2:1 under deflate.
rnd = os.urandom(1 << 20)
text = b"".join(b"iBoot-%08d kernel slide 0x%x segment __TEXT_EXEC\n" % (i, i * 4096) for i in range(1 << 14))[: 1 << 20]
base = bytearray()
for i in range(4):
    base += rnd[i << 18:(i + 1) << 18] + text[i << 18:(i + 1) << 18]
base = bytes(base)
def chunks(n_mb, salt):
    for i in range(n_mb // 2):
        yield b"%016d%08d" % (i, salt) + base[24:]
with zipfile.ZipFile(out, "w", allowZip64=True) as z:
    z.writestr("BuildManifest.plist", plistlib.dumps(m), compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("Restore.plist", plistlib.dumps({"ProductVersion": m["ProductVersion"]}))
    for k, (name, ct) in enumerate((("038-00000-001.dmg", zipfile.ZIP_STORED), ("038-d20-erase.dmg", zipfile.ZIP_STORED),
                                    ("038-d20-update.dmg", zipfile.ZIP_STORED), ("kernelcache.release.d20", zipfile.ZIP_DEFLATED),
                                    ("Firmware/all_flash/sep-firmware.d20.RELEASE.im4p", zipfile.ZIP_DEFLATED))):
        info = zipfile.ZipInfo(name)
        info.compress_type = ct
        with z.open(info, "w", force_zip64=True) as f:
            for c in chunks(mb, k):
                f.write(c)
    for i in range(3000):
        info = zipfile.ZipInfo("Firmware/all_flash/part%04d.im4p" % i)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, base[(i * 4099) % (1 << 21):][:20000], compresslevel=1)
PY
[ -s "$T/www/big.ipsw" ] || { echo "could not build the archive"; exit 1; }
A="$T/www/big.ipsw"
now() { date +%s.%N; }
timed() { # dir, command...: prints seconds
    d=$1; shift
    rm -rf "$d"; mkdir -p "$d"; sync
    s=$(now); "$@" >/dev/null 2>&1; rc=$?; e=$(now)
    [ $rc = 0 ] || echo "  ($1 exited with status $rc)" >&2
    echo "$s $e" | awk '{ printf "%.2f", $2 - $1 }'
}
cat "$A" >/dev/null # the archive starts warm in the page cache for every tool
arc_mb=$(( $(wc -c <"$A") / 1048576 ))
files=$(unzip -Z1 "$A" | wc -l)
# Three rounds, tools alternating, best of each: writeback of one run's output
# should not be charged to the next tool.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
ib= uz= bt= ib1=
for round in 1 2 3; do
    t=$(timed "$T/o-ibench" "$IB" ipsw extract "$A" -o "$T/o-ibench"); ib=$(best "$t" "$ib")
    [ $round = 1 ] && out_mb=$(du -sm "$T/o-ibench" | cut -f1)
    rm -rf "$T/o-ibench"
    t=$(timed "$T/o-unzip" unzip -q -o "$A" -d "$T/o-unzip"); uz=$(best "$t" "$uz"); rm -rf "$T/o-unzip"
    t=$(timed "$T/o-bsdtar" bsdtar -xf "$A" -C "$T/o-bsdtar"); bt=$(best "$t" "$bt"); rm -rf "$T/o-bsdtar"
    t=$(timed "$T/o-ib1" "$IB" ipsw extract "$A" -o "$T/o-ib1" --threads 1); ib1=$(best "$t" "$ib1"); rm -rf "$T/o-ib1"
done
echo "archive: $arc_mb MiB, $files entries, $out_mb MiB extracted; $(nproc) CPUs"
awk -v a="$ib" -v u="$uz" -v b="$bt" -v one="$ib1" 'BEGIN {
    printf "extract (best of 3): ibench %.2f s (1 worker %.2f s), unzip %.2f s, bsdtar %.2f s\n", a, one, u, b
    printf "ratios: ibench/unzip %.2f, ibench/bsdtar %.2f\n", (u > 0 ? a / u : 0), (b > 0 ? a / b : 0) }'
s=$(now); "$IB" ipsw info "$A" >/dev/null 2>&1; e=$(now)
echo "$s $e" | awk '{ printf "ipsw info (local file): %.3f s\n", $2 - $1 }'
python3 "$TOP/tests/httpd.py" "$T/www" "$T/port" >/dev/null 2>&1 &
HTTPD=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$IB" ipsw info "http://127.0.0.1:$(cat "$T/port")/big.ipsw" 2>&1 >/dev/null | sed -n 's/^Transferred: /ipsw info (remote, loopback): transferred /p'
