#!/bin/sh
# make demo: the real ibench console on the virtual bench playing
# tests/vbench/demo.scn. Should the USB emulator be missing (no umockdev), it
# falls back to Normal- and Restore-mode devices on the stand-in usbmuxd.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
[ -t 0 ] && [ -t 1 ] || { echo "make demo needs a terminal (try: make demo in an SSH session or tmux)"; exit 2; }
D=$(mktemp -d /tmp/ibench-demo.XXXXXX)
export XDG_STATE_HOME="$D/state" IBENCH_CACHE="$D/firmware-cache"
printf '[slots]\n1-1.1 = Bay 1\n1-1.2 = Bay 2\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n1-1.5 = Bay 5\n1-1.6 = Bay 6\n' >"$D/config"
if [ -x "$BUILD/vbench" ] && [ -f "$TOP/tests/vbench/demo.scn" ]; then
    # Restores in the demo use the stand-in engine on an IPSW-shaped archive
    # in a private cache, so r works on the iPhone 8 in Bay 2 without Apple.
    mkdir -p "$IBENCH_CACHE"
    python3 "$TOP/tests/ipsw_gen.py" "$IBENCH_CACHE/iPhone10,1_17.5.1_21F90_Restore.ipsw" >/dev/null 2>&1 || true
    printf '0016519820F8402E success X 20\n' >"$D/plan"
    mkfifo "$D/ctl"
    IBENCH_TOP="$TOP" IBENCH_ENGINE="$TOP/tests/engine/idevicerestore" STANDIN_PLAN="$D/plan" STANDIN_FIFO="$D/ctl" \
        "$BUILD/vbench" --scenario "$TOP/tests/vbench/demo.scn" --fifo "$D/ctl" --log "$D/vbench.log" -- \
        "$BUILD/ibench" --demo -c "$D/config"
    rc=$?
else
    P="$TOP/tests/vbench"
    cc -std=gnu11 -D_GNU_SOURCE -O1 $(sh "$P/features.sh") -o "$D/muxd" "$P/probe/muxd_standalone.c" "$P"/muxd*.c \
        $(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0)
    mkfifo "$D/ctl"
    "$D/muxd" "$D/mux.sock" <"$D/ctl" >"$D/mux.log" 2>&1 &
    MUXPID=$!
    sh "$TOP/tests/demo_timeline.sh" >"$D/ctl" &
    TLPID=$!
    sleep 0.3
    USBMUXD_SOCKET_ADDRESS="UNIX:$D/mux.sock" "$BUILD/ibench" --demo -c "$D/config" && rc=0 || rc=$?
    kill $TLPID $MUXPID 2>/dev/null || true
fi
rm -rf "$D"
exit $rc
