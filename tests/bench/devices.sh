#!/bin/sh
# Bench figures for the live board (printed, not asserted):
#  - idle cost of `ibench watch` with 16 devices attached (CPU seconds, wakeups)
#  - hotplug latency: device attached -> its watch line
#  - bytes the console writes to the terminal per minute, idle and busy, and
#    the console's own idle CPU and wakeups (16 devices on the board)
# Devices come from the stand-in usbmuxd. IDLE_SECONDS (default 30) sets the window.
set -u
BUILD=${1:-build}
TOP=${IBENCH_TOP:-$(pwd)}
IB="$BUILD/ibench"
W=${IDLE_SECONDS:-30}
T=$(mktemp -d /tmp/ibench-bench.XXXXXX)
# $(jobs -p) is empty in a subshell under dash: keep the pids.
BG=""
trap 'kill $BG 2>/dev/null; tmux -L ibb-$$ kill-server 2>/dev/null; rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state"
P="$TOP/tests/vbench"
cc -std=gnu11 -D_GNU_SOURCE -O2 $(sh "$P/features.sh") -o "$T/muxd" "$P/probe/muxd_standalone.c" "$P"/muxd*.c \
    $(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0) || exit 1
mkfifo "$T/ctl"
"$T/muxd" "$T/mux.sock" <"$T/ctl" >"$T/mux.log" 2>&1 &
BG="$BG $!"
exec 3>"$T/ctl"
sleep 0.3
export USBMUXD_SOCKET_ADDRESS="UNIX:$T/mux.sock"
for i in $(seq 1 16); do
    printf 'attach udid=%08X-%016X model=iPhone14,2 ios=17.5.1 build=21F90 ecid=0x%016X cpid=0x8110 bdid=0x0c name=bay%d\n' \
        0x8110 $i $i $i >&3
done
"$IB" watch --json >"$T/watch" 2>/dev/null &
BG="$BG $!"
WP=$!
sleep 3
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ctx() { awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v + n}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
t0=$(ticks $WP); c0=$(ctx $WP)
sleep "$W"
t1=$(ticks $WP); c1=$(ctx $WP)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v w="$W" -v c="$((c1 - c0))" 'BEGIN {
    cpu = (b - a) / hz
    printf "idle, 16 devices, %ds: CPU %.3f s (%.3f%% of a core), %d wakeups (%.2f/s)\n", w, cpu, 100 * cpu / w, c, c / w }'

# Hotplug latency: 10 arrivals, time from the attach command to the watch line.
python3 - "$T/watch" 3 <<'PY'
import json, os, sys, time
watch, fd = sys.argv[1], int(sys.argv[2])
lat = []
for i in range(10):
    udid = "%08X-%016X" % (0x8110, 0x1000 + i)
    n0 = sum(1 for _ in open(watch))
    t0 = time.time()
    os.write(fd, ("attach udid=%s model=iPhone14,2 ios=17.5.1 ecid=0x%016X cpid=0x8110 bdid=0x0c\n" % (udid, 0x1000 + i)).encode())
    while True:
        lines = open(watch).read().splitlines()[n0:]
        hit = [l for l in lines if udid in l and '"attached"' in l]
        if hit:
            lat.append((time.time() - t0) * 1000)
            break
        if time.time() - t0 > 5:
            lat.append(float("nan")); break
        time.sleep(0.001)
lat.sort()
print("hotplug latency (attach -> watch line), 10 devices: median %.1f ms, max %.1f ms" % (lat[len(lat)//2], lat[-1]))
PY
kill $WP

# Terminal bytes per minute: the console in tmux with its output piped to a file.
S=ibb-$$
tmux -L $S -f /dev/null new-session -d -x 80 -y 24 "USBMUXD_SOCKET_ADDRESS=$USBMUXD_SOCKET_ADDRESS '$IB'"
tmux -L $S pipe-pane -o "cat >>'$T/tty'"
sleep 3
# The console's own idle cost in the same 20 s: CPU and wakeups over all its threads.
CP=$(pgrep -f -x "$IB" | head -n 1)
cticks() { awk '{print $14 + $15}' "/proc/$CP/stat" 2>/dev/null || echo 0; }
cctx() { cat /proc/"$CP"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }
b0=$(stat -c %s "$T/tty" 2>/dev/null || echo 0); t0=$(cticks); c0=$(cctx)
sleep 20
b1=$(stat -c %s "$T/tty"); t1=$(cticks); c1=$(cctx)
echo "terminal output, idle: $(( (b1 - b0) * 3 )) bytes/minute"
awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" -v c="$((c1 - c0))" 'BEGIN {
    printf "console idle, 20 s: CPU %.3f s (%.3f%% of a core), %d wakeups (%.2f/s)\n", (b - a) / hz, 100 * (b - a) / hz / 20, c, c / 20 }'
for i in $(seq 1 5); do
    printf 'detach %08X-%016X\n' 0x8110 $i >&3; sleep 2
    printf 'attach udid=%08X-%016X model=iPhone14,2 ios=17.5.1 ecid=0x%016X cpid=0x8110 bdid=0x0c\n' 0x8110 $i $i >&3; sleep 2
done
b2=$(stat -c %s "$T/tty")
echo "terminal output, one device leaving or arriving every 2 s: $(( (b2 - b1) * 3 )) bytes/minute"
tmux -L $S send-keys q
