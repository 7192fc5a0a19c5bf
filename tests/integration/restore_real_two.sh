# Two devices restored at once by a real idevicerestore that can handle two
# Recovery/DFU devices (Debian 13's 1.0.1, or a git build), run by two
# `ibench restore` processes side by side on one virtual bench: iPhone X "A"
# from Recovery and iPhone X "B" from DFU, both updated to iOS 15.8.3. Their
# restores overlap: each device holds once ASR has its whole image until the
# other is also there (both in Restore mode, restored mid-restore, at the same
# time), then both finish. B's engine starts once A's has found its device,
# so the two engines' iBoot phases (signing, iBSS/iBEC, ramdisk, kernel)
# overlap as well. The board follows both rows through their modes,
# and ibench shows the engine's progress steps for both jobs.
# Debian 12's 1.0.0 links libirecovery 1.0.0, which crashes with two
# Recovery/DFU devices attached (ibench's preflight refuses that): skipped.
[ -x /usr/bin/idevicerestore ] || { echo "idevicerestore not installed"; exit 77; }
ver=$(timeout 20 /usr/bin/idevicerestore -v 2>&1 | head -n 1)
case "$ver" in
"idevicerestore 1.0.0-"[0-9]*-g*) ;;                        # an upstream git build
"idevicerestore 1.0."[1-9]*|"idevicerestore 1."[1-9]*|"idevicerestore "[2-9]*) ;;
*) echo "$ver cannot restore two devices at once (libirecovery 1.0.0 crashes with two Recovery/DFU devices): needs 1.0.1 (Debian 13) or a git build"
   exit 77 ;;
esac
. "$IBENCH_TOP/tests/real_engine.sh"   # the engine's guards, the iOS 15.8.3 archive, bench helpers

printf 'restore_retries = 0\nmax_restores = 8\nmax_restores_per_hub = 8\n[slots]\n1-1.3 = Bay 3\n1-1.4 = Bay 4\n' \
    > "$XDG_CONFIG_HOME/ibench/config"
ECID_B=00ABCDEF01234567
cat > "$T/scn" <<S
$DEV
device B model=iPhone10,3 ecid=0x$ECID_B port=1-1.4 ios=14.8 build=18H17
at 0 plug A recovery
at 0 plug B dfu
at 0 hold A asr
at 0 hold B asr
S
t0=$(date +%s)
bench two "$T/scn" sh -c '
  ibench=$0 t=$1 ipsw=$2
  "$ibench" watch --json > "$t/watch" & w=$!
  until_seen() { i=0; while ! grep -Eq -- "$2" "$1" 2>/dev/null && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done; }
  until_seen "$t/watch" "\"mode\":\"recovery\""
  until_seen "$t/watch" "\"mode\":\"dfu\""
  # A starts while B waits in DFU (a second Recovery/DFU device, which
  # libirecovery 1.0.0 could not survive); B starts as soon as the engine of
  # A has found its device, so both engines drive iBoot devices at once. Each
  # device holds once ASR has its whole image until the other is there too.
  # (Engines started at the same instant can bind their emulated uevent
  # sockets before the bench keeps them apart: see the bench README.)
  "$ibench" --yes restore "Bay 3" --ipsw "$ipsw" > "$t/restore.A" 2>&1 & ra=$!
  until_seen "$t/restore.A" "^job [0-9]+: .*queued"
  ja=$(sed -n "s/^job \([0-9]*\): .*queued.*/\1/p" "$t/restore.A" | head -n 1)
  until_seen "$IBENCH_STATE/jobs/$ja/engine.log" "^progress: 0 0\\.1"   # found (-P lines are flushed)
  "$ibench" --yes restore "Bay 4" --ipsw "$ipsw" > "$t/restore.B" 2>&1 & rb=$!
  until_seen "$t/two.vb" "A restored holding at asr\$"
  until_seen "$t/two.vb" "B restored holding at asr\$"
  "$ibench" list --json > "$t/list.mid"          # both rows in Restore, both restores under way
  echo "resume A" > "$t/two.ctl"; echo "resume B" > "$t/two.ctl"
  wait $ra; echo "rc=$?" >> "$t/restore.A"
  wait $rb; echo "rc=$?" >> "$t/restore.B"
  for e in 0012345678ABCDEF 00ABCDEF01234567; do   # Normal again, with the new iOS
    until_seen "$t/watch" "\"mode\":\"normal\".*\"ecid\":\"$e\".*\"ios_version\":\"15\\.8\\.3\""
  done
  "$ibench" list --json > "$t/list"
  kill $w' "$IBENCH" "$T" "$IPSW" > "$T/two.out" 2>&1
echo "# two restores on one bench took $(( $(date +%s) - t0 ))s with $ver"

ja=$(job_of "$T/restore.A"); jb=$(job_of "$T/restore.B")
la="$IBENCH_STATE/jobs/$ja/engine.log"; lb="$IBENCH_STATE/jobs/$jb/engine.log"
check "ibench queued two jobs ($ja, $jb)" test -n "$ja" -a -n "$jb" -a "$ja" != "$jb"
verre=$(echo "$ver" | sed 's/[.]/[.]/g')
for x in A B; do
    case $x in
    A) j=$ja l=$la mode=Recovery ecid=0x12345678abcdef ;;
    B) j=$jb l=$lb mode=DFU ecid=0xabcdef01234567 ;;
    esac
    has "$T/restore.$x" "^  ok   engine +/usr/bin/idevicerestore $verre\$" "$x: preflight names the real engine, $ver"
    hasnt "$T/restore.$x" '^  FAIL|crashes with two' "$x: the preflight lets this engine restore with another Recovery/DFU device attached"
    has "$T/restore.$x" "^job $j: succeeded\$" "$x: the Update from $mode succeeds"
    has "$T/restore.$x" '^rc=0$' "$x: ibench restore exits 0"
    has "$l" "^ibench: job $j, attempt 1: /usr/bin/idevicerestore -i $ecid -y -P " "$x: the job ran /usr/bin/idevicerestore for its own ECID"
    has "$l" "^Found device in $mode mode\$" "$x: engine found the device in $mode"
    has "$l" '^Received SHSH blobs$' "$x: engine: signing answered by the bench's signing server"
    has "$l" '^Connected to ASR$' "$x: engine: connected to ASR"
    has "$l" '^Done sending filesystem$' "$x: engine: sent the filesystem"
    has "$l" '^Done sending NORData$' "$x: engine: sent the NOR firmware"
    has "$l" '^Status: Restore Finished$' "$x: engine: Status: Restore Finished"
    has "$l" '^DONE$' "$x: engine: DONE"
    # The engine's stdout reaches its log in blocks, so its step-2 lines can
    # arrive in one write with step 3's: ibench then shows step 3 next. What
    # must hold: the engine printed step 2, and ibench's steps never go back.
    has "$l" '^progress: 2 ' "$x: engine: step 2 (upload filesystem) in its log"
    steps=$(sed -n "s/^job $j: *[0-9]*%  step \([0-9]\)\/.*/\1/p" "$T/restore.$x" | tr '\n' ' ')
    check "$x: ibench's progress steps never go back and reach the flash ($steps)" sh -c 'p=-1; for s in $0; do [ "$s" -ge "$p" ] || exit 1; p=$s; done; [ "$p" -ge 4 ]' "$steps"
    has "$T/restore.$x" "^job $j: +[0-9]+%  step 3/6 verify filesystem - Verifying restore \\(14\\)\$" "$x: progress: step 3 (verify) with the operation"
    has "$T/restore.$x" "^job $j: +[0-9]+%  step 4/6 flash firmware - Flashing firmware \\(18\\)\$" "$x: progress: step 4 (flash firmware) with the operation"
    # 1.0.1 ends with "progress: 7 1.000000" (step 7, upload image, after DONE)
    has "$l" '^progress: 7 1\.0+$' "$x: the engine's step 7 line is in its log"
    # ibench's parser reads that line (unit/test_engine_parse); whether the
    # headless follower prints it depends on when it reads the log after DONE.
    has "$T/two.vb" "^[0-9.]+ $x asr received $FS_SIZE of $FS_SIZE bytes, sha1=$FS_SHA1, [0-9]+ chunk checksums ok, iOS 15\\.8\\.3 \\(19H386\\)\$" "$x: ASR: the whole filesystem image arrived intact"
    has "$T/two.vb" "^[0-9.]+ $x restored NORData llb=illb nor=4 \\[.*ibot.*\\] sep rsep ticket ok\$" "$x: restored: NOR data"
    has "$T/two.vb" "^[0-9.]+ $x plugged normal port=1-1\\.[34] " "$x: the device reboots into Normal"
done
has "$T/two.vb" '^[0-9.]+ - tss request ecid=0012345678ABCDEF nonce=[0-9a-f]{64} components=[0-9]+ -> signed' "A: the signing server signed for A's ECID"
has "$T/two.vb" '^[0-9.]+ - tss request ecid=00ABCDEF01234567 nonce=[0-9a-f]{64} components=[0-9]+ -> signed' "B: the signing server signed for B's ECID"
has "$T/two.vb" '^[0-9.]+ B boot ibss ' "B: iBSS boots from DFU"
history_row "$ja" result=succeeded ecid=0012345678ABCDEF behavior=Update build=19H386
check "history --json shows A's succeeded Update" [ $? = 0 ]
history_row "$jb" result=succeeded ecid=$ECID_B behavior=Update build=19H386
check "history --json shows B's succeeded Update" [ $? = 0 ]

# Overlap, from the device side: both were in Restore mode, mid-restore,
# before either rebooted into Normal; and both rows showed Restore at once.
python3 - "$T/two.vb" > "$T/overlap" 2>&1 <<'PY'
import re, sys
t = {}
for l in open(sys.argv[1]):
    m = re.match(r"([0-9.]+) ([AB]) (plugged restore|restored holding at asr|plugged normal|upload dfu)", l)
    if m: t.setdefault((m.group(2), m.group(3)), float(m.group(1)))
for d in "AB":
    for k in ("plugged restore", "restored holding at asr", "plugged normal"): assert (d, k) in t, (d, k, t)
last_in = max(t[(d, "restored holding at asr")] for d in "AB")
first_out = min(t[(d, "plugged normal")] for d in "AB")
assert last_in < first_out, t
# and the iBoot phases: B's iBSS went up over DFU before A reached Restore mode
assert ("B", "upload dfu") in t and t[("B", "upload dfu")] < t[("A", "plugged restore")], t
print("ok: B's iBSS at %.1fs, before A reached Restore at %.1fs; both in Restore mode from %.1fs until %.1fs" % (
    t[("B", "upload dfu")], t[("A", "plugged restore")], max(t[(d, "plugged restore")] for d in "AB"), first_out))
PY
check "the two restores overlap: B's iBSS before A reached Restore, and both devices mid-restore (ASR done, in Restore mode) before either reboots" grep -q '^ok' "$T/overlap"
sed 's/^/# /' "$T/overlap"
python3 - "$T/watch" "$T/list.mid" "$T/list" > "$T/rows" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for ecid, first in (("0012345678ABCDEF", ["recovery"]), ("00ABCDEF01234567", ["dfu", "recovery"])):
    a = [e["device"] for e in ev if e["device"].get("ecid") == ecid and not e["device"].get("merged_into")]
    assert len({d["id"] for d in a}) == 1, (ecid, {d["id"] for d in a})
    modes = []
    for d in a:
        if not modes or modes[-1] != d["mode"]: modes.append(d["mode"])
    assert modes[:len(first)] == first and "restore" in modes and modes[-1] == "normal", (ecid, modes)
    assert a[-1]["ios_version"] == "15.8.3" and a[-1]["build"] == "19H386", a[-1]
    print("#", ecid, " -> ".join(modes))
mid = {r.get("ecid"): r["mode"] for r in json.load(open(sys.argv[2]))}
assert mid.get("0012345678ABCDEF") == "restore" and mid.get("00ABCDEF01234567") == "restore", mid
end = [r for r in json.load(open(sys.argv[3])) if r.get("ecid") in ("0012345678ABCDEF", "00ABCDEF01234567")]
assert len(end) == 2 and all(r["mode"] == "normal" and r["ios_version"] == "15.8.3" for r in end), end
print("ok")
PY
check "the board follows both rows (A Recovery -> Restore -> Normal, B DFU -> Recovery -> Restore -> Normal), each one row, both in Restore at once, both on iOS 15.8.3" grep -q '^ok$' "$T/rows"
grep -v '^ok$' "$T/rows" | sed 's/^/# /'
