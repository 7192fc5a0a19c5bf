#!/bin/sh
# make demo: the real ibench console on the virtual bench playing
# tests/vbench/demo.scn. Should the USB emulator be missing (no umockdev), it
# falls back to Normal- and Restore-mode devices on the stand-in usbmuxd.
# The demo stays on the machine: its catalog and firmware come from a
# loopback server (tests/httpd.py, tests/demo_catalog.py), named by the `api`
# key of its own config file, and everything it writes (state, configuration,
# firmware cache) lives in its own folder, removed when it ends.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
VB=${IBENCH_VBENCH:-$BUILD/vbench}
[ -t 0 ] && [ -t 1 ] || { echo "make demo needs a terminal (try: make demo in an SSH session or tmux)"; exit 2; }
D=$(mktemp -d "${TMPDIR:-/tmp}/ibench-demo.XXXXXX")
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null || true; done; rm -rf "$D"' EXIT
trap 'exit 130' INT TERM
unset IBENCH_API_URL IBENCH_STATE IBENCH_ENGINE
# A proxy the user has set is for the world, not for the demo's own server.
export no_proxy="127.0.0.1,localhost,::1${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost,::1${NO_PROXY:+,$NO_PROXY}"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config" XDG_CACHE_HOME="$D/cache" IBENCH_CACHE="$D/firmware-cache"

echo "Preparing the demo's loopback firmware catalog..."
python3 "$TOP/tests/httpd.py" "$D/www" "$D/port" >"$D/http.log" 2>&1 &
PIDS="$PIDS $!"
i=0; while [ ! -s "$D/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$D/port" ] || { echo "the demo's catalog server did not start (see $D/http.log)"; exit 1; }
python3 "$TOP/tests/demo_catalog.py" "$D/www" "http://127.0.0.1:$(cat "$D/port")"
printf 'api = http://127.0.0.1:%s\n[slots]\n1-1.1 = Bay 1\n1-1.2 = Bay 2\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n1-1.5 = Bay 5\n1-1.6 = Bay 6\n' \
    "$(cat "$D/port")" >"$D/config"
# Restores in the demo use the stand-in engine: r works on the iPhone 8 in
# Bay 2 once a build is in the private cache (f on the Firmware tab).
export IBENCH_ENGINE="$TOP/tests/engine/idevicerestore"
rc=0
if [ -x "$VB" ] && [ -f "$TOP/tests/vbench/demo.scn" ]; then
    printf '0016519820F8402E success X 20\n' >"$D/plan"
    mkfifo "$D/ctl"
    IBENCH_TOP="$TOP" STANDIN_PLAN="$D/plan" STANDIN_FIFO="$D/ctl" \
        "$VB" --scenario "$TOP/tests/vbench/demo.scn" --fifo "$D/ctl" --log "$D/vbench.log" -- \
        "$BUILD/ibench" --demo -c "$D/config" || rc=$?
else
    P="$TOP/tests/vbench"
    cc -std=gnu11 -D_GNU_SOURCE -O1 $(sh "$P/features.sh") -o "$D/muxd" "$P/probe/muxd_standalone.c" "$P"/muxd*.c \
        $(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0)
    mkfifo "$D/ctl"
    "$D/muxd" "$D/mux.sock" <"$D/ctl" >"$D/mux.log" 2>&1 &
    PIDS="$PIDS $!"
    sh "$TOP/tests/demo_timeline.sh" >"$D/ctl" &
    PIDS="$PIDS $!"
    i=0; while ! grep -q '^ready' "$D/mux.log" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    USBMUXD_SOCKET_ADDRESS="UNIX:$D/mux.sock" "$BUILD/ibench" --demo -c "$D/config" || rc=$?
fi
exit $rc
