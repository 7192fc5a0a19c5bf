# Restores on the virtual bench with the stand-in engine (tests/engine):
# progress, the device's row through its modes, parallel jobs and the queue
# cap, Update then Erase, triage of each failure, cancel, a console killed
# mid-restore, history.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench

ENGINE="$IBENCH_TOP/tests/engine/idevicerestore"
export IBENCH_ENGINE="$ENGINE" IBENCH_API_URL="http://127.0.0.1:1/v4"
export STANDIN_PLAN="$T/plan" STANDIN_LOG="$T/engine-runs"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
mkdir -p "$XDG_CONFIG_HOME/ibench"
conf() { printf 'max_restores = %s\nmax_restores_per_hub = %s\nrestore_retries = %s\n[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' "$1" "$2" "${3:-1}" > "$XDG_CONFIG_HOME/ibench/config"; }
conf 4 2
A=0012345678ABCDEF B=00AA345678ABCDEF
cat > "$T/two" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3 ios=16.7.8 build=20H343
device B model=iPhone10,1 ecid=0x$B port=1-1.4 ios=16.7.8 build=20H343
at 0 plug A recovery
at 0 plug B normal
S
# Each bench gets its own control FIFO, so an engine left over from an
# earlier step cannot move this bench's devices.
nb=0
vb() { s=$1; shift; nb=$((nb + 1)); mkfifo "$T/ctl.$nb"
       ( cd "$IBENCH_TOP" && STANDIN_FIFO="$T/ctl.$nb" timeout 120 "$VBENCH" --scenario "$s" --fifo "$T/ctl.$nb" --log "$T/vb.log" -- "$@" ); }
jobfield() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$IBENCH_STATE/jobs/$1/job.json" "$2"; }

# 1. A successful Update: preflight, parsed progress, the row follows the
#    device Recovery -> Restore -> Normal.
echo "$A success A 2" > "$T/plan"
# watch must have seen the device in Recovery before the restore starts, and
# in Normal after Restore before it is stopped (bounded waits, not fixed
# times). The engine holds steps 2 and 4 until restore has printed them: it
# prints what it sees when it polls, and a slow poll could skip a short step.
vb "$T/two" sh -c '
  "$0" watch --json > "$1.watch" & w=$!
  i=0; while ! grep -q "\"mode\":\"recovery\".*\"ecid\":\"0012345678ABCDEF\"" "$1.watch" && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  ( i=0; for s in 2 4; do
      while ! grep -q "^job [0-9]*: *[0-9]*%  step $s/6" "$1.restore" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
      touch "$1.gate.$s"; done ) &
  STANDIN_GATE="$1.gate" STANDIN_GATE_STEPS="2 4" "$0" --yes restore "Bay 3" --ipsw "$2" > "$1.restore" 2>&1; rc=$?
  cat "$1.restore"; echo "rc=$rc"
  # Normal after Restore (on USB a Restore device first looks Normal).
  back() { awk '"'"'/"ecid":"0012345678ABCDEF"/ { if (/"mode":"restore"/) r = 1; else if (r && /"mode":"normal"/) n = 1 } END { exit !n }'"'"' "$1.watch"; }
  i=0; while ! back "$1" && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  kill $w' "$IBENCH" "$T/ok" "$T/fw.ipsw" >"$T/ok.out" 2>&1
has "$T/ok.out" '^  ok   fits +Update identity for d20ap \(iPhone10,1\)$' "preflight: the IPSW fits the device"
has "$T/ok.out" '^  warn signed ' "preflight: signing unknown without a catalog is a warning"
has "$T/ok.out" '^job 1: +[0-9]+%  step 2/6 upload filesystem' "progress: the filesystem step is parsed"
has "$T/ok.out" '^job 1: +[0-9]+%  step 4/6 flash firmware - Flashing firmware \(18\)$' "progress: operation lines with codes"
has "$T/ok.out" '^job 1: succeeded$' "the job succeeds"
has "$T/ok.out" '^rc=0$' "restore exits 0"
has "$T/engine-runs" "^$A -i 0x12345678abcdef -y -P -C .* $T/fw.ipsw\$" "the engine runs non-interactive, ECID-targeted, plain progress, ibench's cache"
python3 - "$T/ok.watch" > "$T/ok.py" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
a = [e for e in ev if e["device"].get("ecid") == "0012345678ABCDEF"]
# usbmuxd may see the device before its USB row is known to be it: that
# second row is announced as merged into the first, never kept.
merged = [e for e in a if e["device"].get("merged_into")]
a = [e for e in a if not e["device"].get("merged_into")]
assert len({e["device"]["id"] for e in a}) == 1, {e["device"]["id"] for e in a}
assert all(e["device"]["merged_into"] == a[0]["device"]["id"] for e in merged), merged
modes = []
for e in a:
    m = e["device"]["mode"]
    if not modes or modes[-1] != m: modes.append(m)
assert modes[:1] == ["recovery"] and "restore" in modes and modes[-1] == "normal", modes
print("ok")
PY
check "the device keeps one row through Recovery -> Restore -> Normal" grep -q '^ok$' "$T/ok.py"
grep -v '^ok$' "$T/ok.py" | sed 's/^/# /'
check "the engine's full output is kept per job" grep -q 'Status: Restore Finished' "$IBENCH_STATE/jobs/1/engine.log"

# 2. Two at once, and the queue cap.
cat > "$T/pair" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3
device B model=iPhone10,2 ecid=0x$B port=1-1.4
at 0 plug A recovery
at 0 plug B recovery
S
printf '%s success A 2\n%s success B 2\n' "$A" "$B" > "$T/plan"
export STANDIN_VERSION="idevicerestore 1.0.99-standin"
vb "$T/pair" sh -c '
  "$0" --yes restore "Bay 3" --ipsw "$1" > "$2.a" 2>&1 & p=$!
  "$0" --yes restore "Bay 4" --ipsw "$1" > "$2.b" 2>&1; echo "b=$?"; wait $p; echo "a=$?"' "$IBENCH" "$T/fw.ipsw" "$T/par" >"$T/par.out" 2>&1
has "$T/par.out" '^a=0$' "parallel: first restore succeeds"
has "$T/par.out" '^b=0$' "parallel: second restore succeeds"
ja=$(sed -n 's/^job \([0-9]*\): Update.*queued.*/\1/p' "$T/par.a"); jb=$(sed -n 's/^job \([0-9]*\): Update.*queued.*/\1/p' "$T/par.b")
check "parallel: the two jobs overlapped in time" [ "$(jobfield "$ja" started)" -lt "$(jobfield "$jb" ended)" -a "$(jobfield "$jb" started)" -lt "$(jobfield "$ja" ended)" ]

conf 1 1
# The second restore starts once the first one's engine is running (its
# progress shows), so the first holds the only slot whatever the scheduling.
# The first engine holds its step 2 until the second restore says it waits,
# however slowly the second ibench gets there.
vb "$T/pair" sh -c '
  STANDIN_GATE="$2.gate" STANDIN_GATE_STEPS=2 "$0" --yes restore "Bay 3" --ipsw "$1" > "$2.a" 2>&1 & p=$!
  i=0; while [ $i -lt 300 ] && ! grep -q "^job [0-9]*: *[0-9]*%" "$2.a"; do sleep 0.1; i=$((i+1)); done
  "$0" --yes restore "Bay 4" --ipsw "$1" > "$2.b" 2>&1 & q=$!
  i=0; while [ $i -lt 600 ] && ! grep -q "waiting for a free slot" "$2.b"; do sleep 0.1; i=$((i+1)); done
  touch "$2.gate.2"
  wait $q; echo "b=$?"; wait $p; echo "a=$?"' "$IBENCH" "$T/fw.ipsw" "$T/cap" >"$T/cap.out" 2>&1
has "$T/cap.out" '^b=0$' "queue cap: the queued restore runs later and succeeds"
ca=$(sed -n 's/^job \([0-9]*\): Update.*queued.*/\1/p' "$T/cap.a"); cb=$(sed -n 's/^job \([0-9]*\): Update.*queued.*/\1/p' "$T/cap.b")
if [ -n "$ca" ] && [ -n "$cb" ] && [ "$(jobfield "$cb" started)" -ge "$(jobfield "$ca" ended)" ]; then ok "queue cap 1: the second job started after the first ended"
else fail "queue cap 1: the second job started after the first ended"; fi
has "$T/cap.b" 'waiting for a free slot' "queue cap: the waiting job says why"
conf 4 2

# 3. A failed Update; Erase offered, refused without the typed ECID digits,
#    then run with them.
echo "$A asr A 1" > "$T/plan"
vb "$T/two" sh -c '
  "$0" --yes restore "Bay 3" --ipsw "$1"; echo "u=$?"
  "$0" --yes restore "Bay 3" --ipsw "$1" --erase </dev/null; echo "e1=$?"
  "$0" --yes restore "Bay 3" --ipsw "$1" --erase --confirm-erase 0000; echo "e2=$?"' "$IBENCH" "$T/fw.ipsw" >"$T/up.out" 2>&1
has "$T/up.out" 'filesystem failed mid-transfer' "failed Update: ASR failure explained (cable, port, hub)"
has "$T/up.out" 'retrying \(attempt 2\)' "a retryable failure is retried once"
has "$T/up.out" 'An Erase restore may recover the device but deletes all its data' "failed Update: Erase is offered"
has "$T/up.out" '^u=1$' "failed Update exits 1"
has "$T/up.out" 'without a terminal pass --confirm-erase ABCDEF|confirm-erase CDEF' "Erase without a terminal asks for the ECID digits"
has "$T/up.out" '^e1=6$' "Erase without confirmation is refused (exit 6)"
has "$T/up.out" '^e2=6$' "Erase with the wrong digits is refused"
before=$(grep -c -- ' -e ' "$T/engine-runs")
echo "$A success A 1" > "$T/plan"
vb "$T/two" sh -c '"$0" --yes restore "Bay 3" --ipsw "$1" --erase --confirm-erase cdef; echo "e3=$?"' "$IBENCH" "$T/fw.ipsw" >"$T/er.out" 2>&1
has "$T/er.out" '^e3=0$' "Erase with the ECID's last digits runs"
check "... and the engine got -e" [ "$(grep -c -- ' -e ' "$T/engine-runs")" -gt "$before" ]

# 4. Triage of each failure (retries off: the retry is checked above).
conf 4 2 0
for c in not_signed:"no longer signed" tss_unreachable:"signing server could not be reached" usbmuxd:"usbmuxd is not running" \
         baseband:"the baseband .cellular modem. failed" no_device:"did not find the device" too_old:"engine is too old"; do
    what=${c%%:*}; want=${c#*:}
    echo "$A $what A 0.5" > "$T/plan"
    vb "$T/two" sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/fw.ipsw" >"$T/t-$what.out" 2>&1
    has "$T/t-$what.out" "$want" "triage: $what explained"
    has "$T/t-$what.out" '^rc=1$' "triage: $what exits 1"
done
has "$T/t-not_signed.out" 'next: Choose a signed build' "triage gives a next step"
conf 4 2

# 5. Cancel; a second console cannot drive the same device.
echo "$A hang A 1" > "$T/plan"
vb "$T/two" sh -c '
  "$0" --yes restore "Bay 3" --ipsw "$1" --no-wait > "$2.start" 2>&1
  sleep 1
  "$0" --yes restore "Bay 3" --ipsw "$1" > "$2.second" 2>&1; echo "second=$?"
  id=$(sed -n "s/^job \([0-9]*\):.*queued.*/\1/p" "$2.start")
  "$0" --yes jobs --cancel "$id"; echo "cancel=$?"
  "$0" jobs --json > "$2.json"' "$IBENCH" "$T/fw.ipsw" "$T/cx" >"$T/cx.out" 2>&1
# The verb table refuses it (the job is on the bench), or, if this ibench has
# not seen the job yet, the preflight's lock check does.
has "$T/cx.second" 'Bay 3 is being restored \(job [0-9]+|Bay 3 has a restore queued|FAIL busy +another restore is already driving this device' "a second console cannot drive the same device"
has "$T/cx.out" '^second=3$' "... and starts nothing (exit 3)"
has "$T/cx.out" 'cancelled. The device may be left in Recovery' "cancel warns the device may be left in Recovery"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert any(x["state"]=="cancelled" for x in j)' "$T/cx.json"
check "the cancelled job shows as cancelled" [ $? = 0 ]

# 6. ibench killed mid-restore: the engine finishes; a new ibench reports it.
echo "$A success A 4" > "$T/plan"
vb "$T/two" sh -c '
  "$0" --yes restore "Bay 3" --ipsw "$1" > "$2.first" 2>&1 & p=$!
  i=0; while [ $i -lt 300 ] && ! grep -q "^job [0-9]*: *[0-9]*%" "$2.first"; do sleep 0.1; i=$((i+1)); done
  kill -9 $p
  sleep 0.2; "$0" jobs > "$2.mid"
  id=$(sed -n "s/^job \([0-9]*\):.*queued.*/\1/p" "$2.first")
  i=0; while [ $i -lt 120 ] && ! "$0" jobs | grep -q "^$id *succeeded"; do sleep 0.5; i=$((i+1)); done
  "$0" jobs > "$2.after"' "$IBENCH" "$T/fw.ipsw" "$T/kill" >"$T/kill.out" 2>&1
kid=$(sed -n 's/^job \([0-9]*\):.*queued.*/\1/p' "$T/kill.first")
[ -n "$kid" ] || sed 's/^/# kill.first: /' "$T/kill.first"
has "$T/kill.mid" "^$kid +running " "after kill -9 the job is still running"
has "$T/kill.after" "^$kid +succeeded " "a restarted ibench reports the true result"

# 7. History.
"$IBENCH" history --json > "$T/h.json"
python3 - "$T/h.json" "$kid" > "$T/h.py" 2>&1 <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
by = {r["job"]: r for r in rows}
k = by[int(sys.argv[2])]
assert k["result"] == "succeeded" and k["ecid"] == "0012345678ABCDEF" and k["behavior"] == "Update" and k["build"] == "21F90", k
assert k["start"] and k["end"] and k["log"].endswith("engine.log"), k
assert any(r["result"] == "failed" and r["triage"] == "not_signed" for r in rows)
assert any(r["behavior"] == "Erase" for r in rows)
assert len(by) == len(rows), "one row per job"
print("ok")
PY
check "history: one row per job with identity, build, behavior, result, times, log" grep -q '^ok$' "$T/h.py"
grep -v '^ok$' "$T/h.py" | sed 's/^/# /'
"$IBENCH" history --csv > "$T/h.csv"
has "$T/h.csv" '^job,ecid,product_type,model,build,version,behavior,start,end,result,exit_code,triage,cause,log$' "history --csv header"
printf 'garbage {"job": 99' >> "$IBENCH_STATE/history.jsonl"
"$IBENCH" history > "$T/h.txt"; rc=$?
check "a torn last history line is skipped" [ $rc = 0 -a "$(grep -c '^[0-9]' "$T/h.txt")" = "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/h.json")" ]

# 7b. Retention: a finished job aged 40 days loses its folder, its history row stays.
old=$(ls "$IBENCH_STATE/jobs" | grep -E '^[0-9]+$' | sort -n | head -n 1)
njobs=$(ls "$IBENCH_STATE/jobs" | grep -cE '^[0-9]+$')
python3 - "$IBENCH_STATE/jobs/$old/job.json" <<'PY'
import json, sys, time
j = json.load(open(sys.argv[1])); j["ended"] = int((time.time() - 40 * 86400) * 1000)
json.dump(j, open(sys.argv[1], "w"))
PY
"$IBENCH" jobs --prune=30 > "$T/prune.out" 2>&1; rc=$?
check "jobs --prune exits 0" [ $rc = 0 ]
has "$T/prune.out" "^removed job $old: " "the aged job is named"
has "$T/prune.out" '^1 job folder removed \(finished more than 30 days ago\); the history keeps their rows\.$' "the count is said"
check "its folder is gone, the others stay" sh -c '[ ! -e "$1/jobs/$2" ] && [ "$(ls "$1/jobs" | grep -cE "^[0-9]+$")" = $(($3 - 1)) ]' _ "$IBENCH_STATE" "$old" "$njobs"
"$IBENCH" history --json > "$T/h2.json"
python3 -c 'import json,sys; sys.exit(not any(r["job"] == int(sys.argv[2]) for r in json.load(open(sys.argv[1]))))' "$T/h2.json" "$old"
check "the history keeps the pruned job's row" [ $? = 0 ]
"$IBENCH" jobs --prune=0 > /dev/null 2>&1; rc=$?
check "jobs --prune=0 is refused (exit 2)" [ $rc = 2 ]

# 8. Preflight refusals: an old engine and iOS 17; two Recovery devices with it.
cat > "$T/old" <<'EOF2'
#!/bin/sh
[ "$1" = -v ] && { echo "idevicerestore 1.0.0"; exit 0; }
exec "$(dirname "$0")/standin" "$@"
EOF2
mkdir -p "$T/oldeng"; cp "$ENGINE" "$T/oldeng/standin"; cp "$T/old" "$T/oldeng/idevicerestore"; chmod +x "$T/oldeng/"*
vb "$T/pair" sh -c 'IBENCH_ENGINE="$2" "$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/fw.ipsw" "$T/oldeng/idevicerestore" >"$T/old.out" 2>&1
has "$T/old.out" 'FAIL engine +.*cannot restore iOS 17\.5\.1' "preflight: idevicerestore 1.0.0 cannot restore iOS 17"
has "$T/old.out" 'FAIL bench +Bay 4 is also in Recovery' "preflight: a second Recovery device with libirecovery 1.0.0 is refused"
has "$T/old.out" '^rc=3$' "a failed preflight starts nothing (exit 3)"
