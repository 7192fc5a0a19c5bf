#!/bin/sh
# Bench figures for the USB side on the virtual bench (printed, not asserted):
#  - idle cost of `ibench watch` with 16 Recovery/DFU devices identified
#    (no USB handle is held while idle, so poll() sleeps)
#  - hotplug latency over USB: a device plugged -> its "attached" and
#    "identified" watch lines
# IDLE_SECONDS (default 30) sets the window.
set -u
BUILD=${1:-build}
TOP=${IBENCH_TOP:-$(pwd)}
IB="$(cd "$BUILD" && pwd)/ibench"
VB="$(cd "$BUILD" && pwd)/vbench"
[ -x "$VB" ] || { echo "devices_usb: $VB not built"; exit 0; }
W=${IDLE_SECONDS:-30}
T=$(mktemp -d /tmp/ibench-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state" IBENCH_TOP="$TOP"
{
    for i in $(seq 1 16); do
        printf 'device D%d model=iPhone10,1 ecid=0x%016X port=1-%d.%d\n' "$i" "$i" $(( (i - 1) / 8 + 1 )) $(( (i - 1) % 8 + 1 ))
    done
    for i in $(seq 1 16); do printf 'at 0 plug D%d %s\n' "$i" "$( [ $((i % 2)) = 0 ] && echo dfu || echo recovery)"; done
    for i in $(seq 1 10); do printf 'device L%d model=iPhone10,1 ecid=0x%016X port=1-3.%d\n' "$i" $((0x100 + i)) "$i"; done
} > "$T/scn"
mkfifo "$T/ctl"
cat > "$T/run.sh" <<'R'
"$IB" watch --json > "$T/watch" 2>/dev/null &
WP=$!
sleep 4
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ctx() { awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v + n}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
ids=$(grep '"identified"' "$T/watch" | grep -o '"ecid":"[0-9A-F]*"' | sort -u | wc -l)
t0=$(ticks $WP); c0=$(ctx $WP)
sleep "$W"
t1=$(ticks $WP); c1=$(ctx $WP)
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v w="$W" -v c="$((c1 - c0))" -v n="$ids" 'BEGIN {
    cpu = (b - a) / hz
    printf "USB idle, %d devices identified, %ds: CPU %.3f s (%.3f%% of a core), %d wakeups (%.2f/s)\n", n, w, cpu, 100 * cpu / w, c, c / w }'
python3 - "$T/watch" "$T/ctl" <<'PY'
import json, sys, time
watch, ctl = sys.argv[1], sys.argv[2]
att, idt = [], []
for i in range(1, 11):
    ecid = "%016X" % (0x100 + i)
    n0 = sum(1 for _ in open(watch))
    t0 = time.time()
    with open(ctl, "w") as f:
        f.write("plug L%d dfu\n" % i)
    a = None
    while time.time() - t0 < 5:
        for l in open(watch).read().splitlines()[n0:]:
            e = json.loads(l)
            if e["device"].get("port") == "1-3.%d" % i and e["event"] == "attached" and a is None:
                a = time.time()
            if e["device"].get("ecid") == ecid and e["event"] == "identified":
                att.append(((a or time.time()) - t0) * 1000); idt.append((time.time() - t0) * 1000)
                break
        else:
            time.sleep(0.001); continue
        break
att.sort(); idt.sort()
if att:
    print("USB hotplug latency, %d devices: plugged -> attached median %.1f ms (max %.1f); -> identified median %.1f ms (max %.1f)"
          % (len(att), att[len(att)//2], att[-1], idt[len(idt)//2], idt[-1]))
PY
kill $WP
echo quit > "$T/ctl"
R
IB="$IB" T="$T" W="$W" timeout $((W + 90)) "$VB" --scenario "$T/scn" --fifo "$T/ctl" -- sh "$T/run.sh"
