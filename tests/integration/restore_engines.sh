# Engines as they are in the field (issue 13 §4), with the stand-in engine
# (tests/engine) behind small wrappers that print other versions: a git build
# is not the 2020 1.0.0 (doctor, an iOS 18 restore, two Recovery devices);
# probes of a hung engine are killed; each job runs in its own folders with
# its own -C, TMPDIR and --logfile, removed when it ends; a flooding engine's
# log keeps its head and its tail.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench

STANDIN="$IBENCH_TOP/tests/engine/idevicerestore"
export IBENCH_API_URL="http://127.0.0.1:1/v4" STANDIN_PLAN="$T/plan" STANDIN_ENV_LOG="$T/env.log"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf 'restore_retries = 0\n[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' > "$XDG_CONFIG_HOME/ibench/config"
A=0012345678ABCDEF B=00AA345678ABCDEF

# engine NAME VERSION HELP: a wrapper answering -v with VERSION and --help
# with the stand-in's HELP list (upstream or 1.0.0), else the stand-in.
engine() {
    mkdir -p "$T/$1"; cp "$STANDIN" "$T/$1/standin"
    STANDIN_HELP=$3 python3 "$STANDIN" --help > "$T/$1/help"
    printf '#!/bin/sh\n[ "$1" = -v ] && { echo "%s"; exit 0; }\n[ "$1" = --help ] && { cat "$(dirname "$0")/help"; exit 0; }\nexec "$(dirname "$0")/standin" "$@"\n' "$2" > "$T/$1/idevicerestore"
    chmod +x "$T/$1/idevicerestore" "$T/$1/standin"
}
engine git "idevicerestore 1.0.0-213-g405fcd1" upstream
engine old "idevicerestore 1.0.0" 1.0.0

# An iOS 18.0 archive (ipsw_gen's manifest with another version and build).
python3 - "$T/ios18.ipsw" "$IBENCH_TOP/tests" <<'PY'
import plistlib, sys, zipfile
sys.path.insert(0, sys.argv[2])
import ipsw_gen
m = ipsw_gen.manifest()
m["ProductVersion"], m["ProductBuildVersion"] = "18.0", "22A3354"
for i in m["BuildIdentities"]:
    i["Info"]["BuildNumber"] = "22A3354"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("BuildManifest.plist", plistlib.dumps(m))
    z.writestr("Restore.plist", plistlib.dumps({"ProductVersion": "18.0", "ProductBuildVersion": "22A3354"}))
    for p in sorted({v["Info"]["Path"] for i in m["BuildIdentities"] for v in i["Manifest"].values()}):
        z.writestr(p, (p.encode() * 64)[:4096])
PY

# 1. doctor: a git build is named as such, never as the 2020 1.0.0.
"$IBENCH" --engine "$T/git/idevicerestore" doctor >"$T/d.git" 2>&1
has "$T/d.git" '^ok +engine +.*\(idevicerestore 1\.0\.0-213-g405fcd1\): an upstream source build \(213 commits past 1\.0\.0, 405fcd1\)' "doctor: a git build (1.0.0-213-g405fcd1) is an upstream build"
hasnt "$T/d.git" 'cannot restore iOS 16|the 2020 release|is idevicerestore 1\.0\.0 ' "doctor: ... and is not called the 2020 1.0.0"
has "$T/d.git" '^ok +engine opts +--server yes, --logfile yes' "doctor: its options are read from --help"
"$IBENCH" --engine "$T/old/idevicerestore" doctor >"$T/d.old" 2>&1
has "$T/d.old" '^WARN +engine +.* is idevicerestore 1\.0\.0: it cannot restore iOS 16 or later \(the 2020 release.* nor any iPhone after iPhone12,8' "doctor: the 2020 1.0.0 with its iOS and model limits"
printf '#!/bin/sh\necho "idevicerestore 1.0.1"\n' > "$T/deb13"; chmod +x "$T/deb13"
"$IBENCH" --engine "$T/deb13" doctor >"$T/d.13" 2>&1
has "$T/d.13" 'engine +.*1\.0\.1: it restores iOS 17 and 18\.0 and iPhones up to iPhone17,x' "doctor: Debian 13's 1.0.1 and its limits"

# 2. A hung engine: every probe is killed, doctor ends and says so.
# A sleep of its own length, so no other test's (or bench's) sleep is taken for it.
printf '#!/bin/sh\nsleep 600.%s\n' "$$" > "$T/hang"; chmod +x "$T/hang"
timeout 60 "$IBENCH" --engine "$T/hang" doctor >"$T/d.hang" 2>&1; rc=$?
check "doctor with an engine that hangs ends on its own" [ $rc != 124 ]
has "$T/d.hang" 'engine +.*did not answer -v/--help within 5s' "doctor: the hung engine is named as such"
check "no probe is left running" sh -c '! pgrep -f "^sleep 600.'"$$"'" >/dev/null'

cat > "$T/one" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3
at 0 plug A recovery
S
cat > "$T/pair" <<S
device A model=iPhone10,1 ecid=0x$A port=1-1.3
device B model=iPhone10,2 ecid=0x$B port=1-1.4
at 0 plug A recovery
at 0 plug B recovery
S
nb=0
vb() { s=$1; shift; nb=$((nb + 1)); mkfifo "$T/ctl.$nb"
       ( cd "$IBENCH_TOP" && STANDIN_FIFO="$T/ctl.$nb" timeout 180 "$VBENCH" --scenario "$s" --fifo "$T/ctl.$nb" -- "$@" ); }

# 3. iOS 18 with the git build: not refused for the engine's version, and two
#    Recovery devices are fine (its libirecovery is not 1.0.0).
printf '%s success A 1\n' "$A" > "$T/plan"
# (--yes after the command, as ibench(1) writes it.)
vb "$T/pair" sh -c '"$0" --engine "$2" restore "Bay 3" --ipsw "$1" --yes; echo "rc=$?"' "$IBENCH" "$T/ios18.ipsw" "$T/git/idevicerestore" >"$T/r18.out" 2>&1
has "$T/r18.out" '^  ok   engine +.*idevicerestore 1\.0\.0-213-g405fcd1$' "iOS 18 with the git build: the engine passes the preflight"
hasnt "$T/r18.out" 'FAIL (engine|bench)' "... with no engine or two-device refusal"
has "$T/r18.out" '^job [0-9]+: succeeded$' "... and the restore runs to success"
vb "$T/pair" sh -c '"$0" --yes --engine "$2" restore "Bay 3" --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/ios18.ipsw" "$T/old/idevicerestore" >"$T/r18old.out" 2>&1
has "$T/r18old.out" 'FAIL engine +idevicerestore \(idevicerestore 1\.0\.0\) cannot restore iOS 18\.0: it restores up to iOS 15' "the 2020 1.0.0 is refused for iOS 18, saying why"
has "$T/r18old.out" 'FAIL bench +Bay 4 is also in Recovery' "... and, with libirecovery 1.0.0, for the second Recovery device"
has "$T/r18old.out" '^rc=3$' "... and starts nothing"

# 4. Two jobs at once: each its own working folder, TMPDIR, -C and log file;
#    the folders go when the job ends; the preflight states the disk cost.
: > "$T/env.log"
printf '%s success A 1\n%s success B 1\n' "$A" "$B" > "$T/plan"
vb "$T/pair" sh -c '
  "$0" --yes --engine "$2" restore "Bay 3" --ipsw "$1" > "$3.a" 2>&1 & p=$!
  "$0" --yes --engine "$2" restore "Bay 4" --ipsw "$1" > "$3.b" 2>&1; echo "b=$?"; wait $p; echo "a=$?"' \
  "$IBENCH" "$T/ios18.ipsw" "$T/git/idevicerestore" "$T/two" >"$T/two.out" 2>&1
has "$T/two.out" '^a=0$' "two jobs: the first succeeds"
has "$T/two.out" '^b=0$' "two jobs: the second succeeds"
has "$T/two.a" 'ok   disk .*each restore running at once needs up to about the IPSW.s size' "the preflight states the disk cost per concurrent job"
python3 - "$T/env.log" "$IBENCH_STATE/jobs" > "$T/env.py" 2>&1 <<'PY'
import os, re, sys
rows = [dict(kv.split("=", 1) for kv in l.split()[1:]) for l in open(sys.argv[1]) if l.strip()]
assert len(rows) == 2, rows
for r in rows:
    job = os.path.dirname(r["cwd"])
    assert os.path.dirname(job) == sys.argv[2], r
    assert r["cwd"] == job + "/work" and r["tmpdir"] == job + "/tmp" and r["cache"] == job + "/cache", r
    assert r["logfile"] == job + "/restore.log", r
    assert open(r["logfile"]).read().startswith("standin engine log"), r
    for d in ("work", "tmp", "cache"):
        assert not os.path.exists(job + "/" + d), job + "/" + d + " left behind"
assert len({r["cache"] for r in rows}) == 2 and len({r["tmpdir"] for r in rows}) == 2, "shared folders"
print("ok")
PY
check "each job: its own cwd, TMPDIR, -C and --logfile inside its folder, removed at the end" grep -q '^ok$' "$T/env.py"
grep -v '^ok$' "$T/env.py" | sed 's/^/# /'

# 5. An engine that floods its output: engine.log keeps the first MiB and the
#    last 4 MiB, says how much it cut, and the job still ends well.
printf '%s flood A 20\n' "$A" > "$T/plan"
vb "$T/one" "$IBENCH" --yes --engine "$T/git/idevicerestore" restore "Bay 3" --ipsw "$T/ios18.ipsw" --no-wait >"$T/flood.start" 2>&1
fj=$(sed -n 's/^job \([0-9]*\):.*queued.*/\1/p' "$T/flood.start")
i=0; while [ $i -lt 600 ] && ! "$IBENCH" jobs | grep -Eq "^$fj +(succeeded|failed|lost)"; do sleep 0.5; i=$((i+1)); done
"$IBENCH" jobs >"$T/flood.out" 2>&1
log="$IBENCH_STATE/jobs/$fj/engine.log"
size=$(stat -c %s "$log" 2>/dev/null || echo 0)
check "flood: engine.log is capped (head + at most twice the tail: ${size} bytes for 20 MiB)" sh -c '[ "$1" -gt 5000000 ] && [ "$1" -le 9700000 ]' _ "$size"
has "$log" '^flood line 000000000 ' "flood: the head is kept"
has "$log" '^\[ibench: [0-9]+ bytes of engine output cut here' "flood: the cut is said"
has "$log" '^flood ended after [0-9]+ lines$' "flood: the tail is kept"
has "$T/flood.out" "^$fj +succeeded " "flood: the job succeeded"
