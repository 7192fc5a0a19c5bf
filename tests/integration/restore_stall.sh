# An engine that goes silent (a device that left mid-image can leave
# Debian 13's engine waiting for ever, holding the device's lock while the
# row says "Sending") is stopped after engine_stall_seconds; the job fails
# as "stalled", says why and what to do, is not retried, and the device's
# lock is free again. An engine that ignores SIGTERM is killed.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench

STANDIN="$IBENCH_TOP/tests/engine/idevicerestore"
export IBENCH_ENGINE="$STANDIN" IBENCH_API_URL="http://127.0.0.1:1/v4"
export STANDIN_PLAN="$T/plan" STANDIN_LOG="$T/engine-runs"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf 'engine_stall_seconds = 2\nrestore_retries = 1\n[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"
A=0012345678ABCDEF
cat > "$T/one" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3 ios=16.7.8 build=20H343
at 0 plug A recovery
S
nb=0
vb() { nb=$((nb + 1)); mkfifo "$T/ctl.$nb"
       ( cd "$IBENCH_TOP" && STANDIN_FIFO="$T/ctl.$nb" timeout 120 "$VBENCH" --scenario "$T/one" --fifo "$T/ctl.$nb" --log "$T/vb.log" -- "$@" ); }

# 1. The stand-in waits for ever after "Waiting for device to enter restore mode".
echo "$A hang A 1" > "$T/plan"
vb sh -c '"$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc=$?"; "$0" history --json > "$2.hist"' \
    "$IBENCH" "$T/fw.ipsw" "$T/s1" >"$T/s1.out" 2>&1
has "$T/s1.out" 'printed nothing for .* and was stopped' "a silent engine is stopped and the job says why"
has "$T/s1.out" 'next: check the cable' "... and what to do next"
has "$T/s1.out" '^rc=1$' "... and the restore fails (exit 1)"
check "a stalled job is not retried" [ "$(grep -c "^$A " "$T/engine-runs")" = 1 ]
python3 -c 'import json, sys
rows = json.load(open(sys.argv[1]))
sys.exit(not any(r.get("triage") == "stalled" for r in rows))' "$T/s1.hist"
check "history records the job as stalled" [ $? = 0 ]
has "$IBENCH_STATE/jobs/1/engine.log" '^ibench: the engine printed nothing for too long' "the engine log says when it was stopped"

# 2. An engine that ignores SIGTERM is killed; the next restore of the same
#    device can start (its lock was let go).
cat > "$T/deaf" <<EOS
#!/bin/sh
case "\$1" in -v|--version|-h|--help) exec python3 "$STANDIN" "\$@" ;; esac
trap '' TERM
echo "Waiting for device to enter restore mode..."
while :; do sleep 1; done
EOS
chmod +x "$T/deaf"
echo "$A success A 0.5" > "$T/plan"
vb sh -c '"$0" --engine "$2" --yes restore "Bay 3" --ipsw "$1"; echo "rc1=$?"
          "$0" --yes restore "Bay 3" --ipsw "$1"; echo "rc2=$?"' "$IBENCH" "$T/fw.ipsw" "$T/deaf" >"$T/s2.out" 2>&1
has "$T/s2.out" '^rc1=1$' "an engine that ignores SIGTERM is stopped all the same"
check "... as stalled" [ "$(grep -c 'printed nothing for' "$T/s2.out")" = 1 ]
has "$T/s2.out" '^rc2=0$' "... and the device can be restored again at once"
