#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with libFuzzer + ASan/UBSan against the
# library sources and runs each for a bounded time: tests/fuzz/run.sh SECONDS
set -eu
secs=${1:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build-fuzz"
mkdir -p "$out/gen" "$out/corpus"
cd "$top"
awk -f src/core/gen_models.awk src/core/models.tsv > "$out/gen/models_table.c"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -I$out/gen -DIBENCH_VERSION=\"fuzz\" -DIBENCH_DATADIR=\"/nonexistent\""
pkgs="ncursesw libusb-1.0 libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0 libcurl libzip jansson libcrypto zlib"
srcs=$(ls src/*/*.c | grep -v '^src/cli/main.c$')
status=0
for f in tests/fuzz/fuzz_*.c; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .c)
    echo "== $name: building"
    clang $flags $(pkg-config --cflags $pkgs) -o "$out/$name" "$f" $srcs "$out/gen/models_table.c" \
        $(pkg-config --libs $pkgs) -lpthread -lm
    mkdir -p "$out/corpus/$name"
    seeds="tests/fuzz/seeds/$name"
    [ -d "$seeds" ] || seeds=""
    echo "== $name: fuzzing for ${secs}s"
    if ! "$out/$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
            "$out/corpus/$name" $seeds >"$out/$name.log" 2>&1; then
        echo "== $name: FAILED (see $out/$name.log)"; tail -n 30 "$out/$name.log"; status=1
    else
        echo "== $name: $(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$out/$name.log" || tail -n 1 "$out/$name.log")"
    fi
done
exit $status
