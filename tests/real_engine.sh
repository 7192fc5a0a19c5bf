# Shared by tests/integration/restore_real_*.sh: Debian 12's real
# /usr/bin/idevicerestore (1.0.0), run by ibench, restoring an emulated
# iPhone X (iPhone10,3) on the virtual bench, whose signing server answers the
# engine through its proxy (tests/vbench/README.md). Sourced after lib.sh's
# variables are known; sets up config, the archive and helpers.
. "$IBENCH_TOP/tests/lib.sh"
need_real_engine

export IBENCH_ENGINE=/usr/bin/idevicerestore IBENCH_API_URL="http://127.0.0.1:1/v4"
mkdir -p "$XDG_CONFIG_HOME/ibench"
# Benches may run side by side (each its own USB testbed, usbmuxd and signing
# server, one device each, so libirecovery 1.0.0 never sees two); their
# devices share a port path, so the hub cap must not queue them.
printf 'restore_retries = 0\nmax_restores = 8\nmax_restores_per_hub = 8\n[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"
ECID=0012345678ABCDEF
# dev [ECID]: the scenario's device line (an iPhone X on iOS 14.8 at 1-1.3);
# side-by-side benches give each device its own ECID (ibench drives one
# restore per device).
dev() { echo "device A model=iPhone10,3 ecid=0x${1:-$ECID} port=1-1.3 ios=14.8 build=18H17"; }
DEV=$(dev)
IPSW="$T/iPhone10,3_15.8.3_19H386_Restore.ipsw"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$IPSW" --product iPhone10,3 --version 15.8.3 --build 19H386
# The filesystem image as the device must receive it over ASR.
set -- $(python3 -c 'import hashlib, sys, zipfile
d = zipfile.ZipFile(sys.argv[1]).read("038-00000-001.dmg")
print(hashlib.sha1(d).hexdigest(), len(d))' "$IPSW")
FS_SHA1=$1 FS_SIZE=$2

# bench NAME SCENARIO-FILE COMMAND...: runs COMMAND on a bench with control
# FIFO $T/NAME.ctl and log $T/NAME.vb, from the top of the tree.
bench() { _n=$1; _s=$2; shift 2; mkfifo "$T/$_n.ctl"
          ( cd "$IBENCH_TOP" && timeout 200 "$VBENCH" --scenario "$_s" --fifo "$T/$_n.ctl" --log "$T/$_n.vb" -- "$@" ); }
# job_of FILE: the job id ibench announced in its output.
job_of() { sed -n 's/^job \([0-9]*\): .* queued .*/\1/p' "$1" | head -n 1; }
# history_row JOB KEY=VALUE...: ok when ibench history --json has that row with those values.
history_row() { "$IBENCH" history --json | python3 -c 'import json, sys
rows = {r["job"]: r for r in json.load(sys.stdin)}
r = rows.get(int(sys.argv[1]))
want = dict(a.split("=", 1) for a in sys.argv[2:])
sys.exit(not (r and all(str(r.get(k)) == v for k, v in want.items())))' "$@"; }
# RESTORE_KEEP=DIR keeps the benches' logs and the jobs' engine logs there.
[ -n "${RESTORE_KEEP:-}" ] && on_exit "mkdir -p '$RESTORE_KEEP' && cp -r \"\$T\"/*.vb \"\$T\"/*.out \"\$T\"/restore* \"\$T\"/list* \"\$T\"/watch \"\$IBENCH_STATE/jobs\" '$RESTORE_KEEP'/ 2>/dev/null"
