#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with libFuzzer + ASan/UBSan against the
# library sources and runs each for a bounded time: tests/fuzz/run.sh SECONDS
# The library is compiled once (fuzzer-no-link) and linked into each target.
# UBSan is fatal (-fno-sanitize-recover=all): a float-to-int overflow such as
# "progress: 3 nan" fails the run instead of printing a note.
set -eu
secs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build-fuzz"
mkdir -p "$out/gen" "$out/corpus" "$out/obj"
cd "$top"
awk -f src/core/gen_models.awk src/core/models.tsv > "$out/gen/models_table.c"
san="address,undefined"
common="-std=c11 -D_GNU_SOURCE -g -O1 -fno-sanitize-recover=all -Iinclude -I$out/gen -DIBENCH_VERSION=\"fuzz\" -DIBENCH_DATADIR=\"/nonexistent\""
pkgs="ncursesw libusb-1.0 libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0 libcurl libzip jansson libcrypto zlib"
cflags="$(pkg-config --cflags $pkgs)"
srcs="$(ls src/*/*.c | grep -v '^src/cli/main.c$') $out/gen/models_table.c"
echo "== library: building"
objs=""
for s in $srcs; do
    o="$out/obj/$(echo "$s" | sed 's|^src/||; s|^.*/gen/|gen/|; s|/|_|g; s|\.c$|.o|')"
    if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find include -newer "$o" -name '*.h' 2>/dev/null | head -n 1)" ]; then
        clang $common -fsanitize=fuzzer-no-link,$san $cflags -c -o "$o" "$s"
    fi
    objs="$objs $o"
done
rm -f "$out/libibench-fuzz.a" && ar rcs "$out/libibench-fuzz.a" $objs
status=0
for f in tests/fuzz/fuzz_*.c; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .c)
    [ -n "${FUZZ_ONLY:-}" ] && case "$name" in $FUZZ_ONLY) ;; *) continue ;; esac
    echo "== $name: building"
    clang $common -fsanitize=fuzzer,$san $cflags -o "$out/$name" "$f" "$out/libibench-fuzz.a" \
        $(pkg-config --libs $pkgs) -lpthread -lm
    mkdir -p "$out/corpus/$name"
    seeds="tests/fuzz/seeds/$name"
    [ -d "$seeds" ] || seeds=""
    # Manifests are megabytes in real IPSWs, and the stack overflow found in
    # libplist needed a 3 MB manifest: allow 8 MB there, 64 KiB elsewhere.
    case "$name" in
    fuzz_manifest) max_len=8388608 ;;
    fuzz_archive) max_len=262144 ;;
    *) max_len=65536 ;;
    esac
    echo "== $name: fuzzing for ${secs}s (max_len $max_len)"
    if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$out/$name" -max_total_time="$secs" -max_len=$max_len \
            -rss_limit_mb=2048 -timeout=25 "$out/corpus/$name" $seeds >"$out/$name.log" 2>&1; then
        echo "== $name: FAILED (see $out/$name.log)"; tail -n 30 "$out/$name.log"; status=1
    else
        echo "== $name: $(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$out/$name.log" || tail -n 1 "$out/$name.log")"
    fi
done
exit $status
