# Debian 12's real idevicerestore, run by `ibench restore`, updates an
# emulated iPhone X from Recovery to iOS 15.8.3 end to end: signing through
# the bench's loopback signing server, iBEC, ramdisk, device tree, trust
# cache, kernel, Restore mode, restored's data requests, the whole filesystem
# over ASR, NOR firmware, and the reboot into the new iOS. The board row
# (watch --json) follows the device Recovery -> Restore -> Normal, and the
# engine's progress steps show in ibench's output: the device holds at ASR,
# verify and flash until ibench has shown that step (then the test resumes it).
. "$IBENCH_TOP/tests/real_engine.sh"

cat > "$T/scn" <<S
$DEV
at 0 plug A recovery
at 0 hold A asr,verify,flash
S
bench up "$T/scn" sh -c '
  ibench=$0 t=$1 ipsw=$2
  "$ibench" watch --json > "$t/watch" & w=$!
  # bounded waits on what each step means to see
  until_seen() { i=0; while ! grep -Eq -- "$2" "$1" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; }
  until_seen "$t/watch" "\"mode\":\"recovery\""
  "$ibench" --yes restore "Bay 3" --ipsw "$ipsw" > "$t/restore" 2>&1 & r=$!
  for p in asr:2 verify:3 flash:4; do
    until_seen "$t/up.vb" "A restored holding at ${p%:*}\$"
    until_seen "$t/restore" "^job [0-9]+: +[0-9]+%  step ${p#*:}/6 "
    echo "resume A" > "$t/up.ctl"
  done
  wait $r; echo "rc=$?" >> "$t/restore"
  # Normal again, after Restore, with the new iOS
  until_seen "$t/watch" "\"mode\":\"normal\".*\"ios_version\":\"15\\.8\\.3\""
  "$ibench" list --json > "$t/list"
  kill $w
  # Newer engines take the signing server as -s URL: the same server, direct.
  printf "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>ApECID</key><integer>5124095577148911</integer></dict></plist>" > "$t/req"
  curl -s -H "Content-Type: text/xml" --data-binary @"$t/req" "$VBENCH_TSS_URL" > "$t/direct"' "$IBENCH" "$T" "$IPSW" > "$T/up.out" 2>&1

job=$(job_of "$T/restore")
log="$IBENCH_STATE/jobs/$job/engine.log"
has "$T/restore" "^  ok   engine +/usr/bin/idevicerestore $(/usr/bin/idevicerestore -v 2>&1 | head -n 1 | sed 's/[.]/[.]/g')\$" "preflight names Debian's real engine"
has "$T/restore" "^job $job: succeeded\$" "the Update from Recovery succeeds"
has "$T/restore" '^rc=0$' "ibench restore exits 0"
has "$log" "^ibench: job $job, attempt 1: /usr/bin/idevicerestore -i 0x12345678abcdef -y -P " "the job ran /usr/bin/idevicerestore, ECID-targeted"
# The real engine's own lines, start to end.
has "$log" '^Found device in Recovery mode$' "engine: found the device in Recovery"
has "$log" '^Identified device as d22ap, iPhone10,3$' "engine: identified it"
has "$log" '^Received SHSH blobs$' "engine: signing answered by the bench's signing server"
has "$log" '^Connected to ASR$' "engine: connected to ASR"
has "$log" '^Done sending filesystem$' "engine: sent the filesystem"
has "$log" '^Done sending NORData$' "engine: sent the NOR firmware"
has "$log" '^Status: Restore Finished$' "engine: Status: Restore Finished"
has "$log" '^DONE$' "engine: DONE"
# What the device saw.
has "$T/up.vb" '^[0-9.]+ - tss request ecid=0012345678ABCDEF nonce=[0-9a-f]{64} components=[0-9]+ -> signed' "the signing server signed for the device's ECID and nonce"
has "$T/up.vb" '^[0-9.]+ A boot ibec \(ibec: ' "iBEC personalised for the device boots"
has "$T/up.vb" '^[0-9.]+ A firmware loaded \(rtsc\)$' "the trust cache is loaded with 'firmware'"
has "$T/up.vb" '^[0-9.]+ A ramdisk loaded \(vbench rdsk 19H386 038-19H386-update\.dmg\)' "the Update ramdisk is loaded"
has "$T/up.vb" '^[0-9.]+ A devicetree loaded \(rdtr\)$' "the restore device tree is loaded"
has "$T/up.vb" '^[0-9.]+ A boot restore \(rkrn: ' "bootx boots the restore kernel"
has "$T/up.vb" '^[0-9.]+ A plugged restore port=1-1\.3 ' "the device comes back in Restore mode"
has "$T/up.vb" '^[0-9.]+ A restored RootTicket bytes=[0-9]+ ticket ok$' "restored: root ticket"
has "$T/up.vb" "^[0-9.]+ A asr received $FS_SIZE of $FS_SIZE bytes, sha1=$FS_SHA1, [0-9]+ chunk checksums ok, iOS 15\\.8\\.3 \\(19H386\\)\$" "ASR: the whole filesystem image arrived intact"
has "$T/up.vb" '^[0-9.]+ A restored KernelCache bytes=[0-9]+ type=krnl ticket ok$' "restored: kernel cache"
has "$T/up.vb" '^[0-9.]+ A restored NORData llb=illb nor=4 \[.*ibot.*\] sep rsep ticket ok$' "restored: NOR data (LLB, iBoot and the rest, SEP)"
has "$T/up.vb" '^[0-9.]+ A plugged normal port=1-1\.3 ' "the device reboots into Normal"
# ibench's parse of the real engine's progress.
has "$T/restore" "^job $job: +[0-9]+%  step 2/6 upload filesystem" "progress: step 2 (upload filesystem) shown"
has "$T/restore" "^job $job: +[0-9]+%  step 3/6 verify filesystem - Verifying restore \\(14\\)\$" "progress: step 3 (verify) with the operation"
has "$T/restore" "^job $job: +[0-9]+%  step 4/6 flash firmware - Flashing firmware \\(18\\)\$" "progress: step 4 (flash firmware) with the operation"
has "$T/direct" '^STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=<\?xml' "the signing server also answers at \$VBENCH_TSS_URL (for -s URL)"
has "$T/direct" '<key>ApImg4Ticket</key>' "... with a ticket"
history_row "$job" result=succeeded ecid=$ECID behavior=Update build=19H386
check "history --json shows the succeeded Update" [ $? = 0 ]
python3 - "$T/watch" "$T/list" > "$T/rows" 2>&1 <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
a = [e["device"] for e in ev if e["device"].get("ecid") == "0012345678ABCDEF" and not e["device"].get("merged_into")]
assert len({d["id"] for d in a}) == 1, {d["id"] for d in a}
modes = []
for d in a:
    if not modes or modes[-1] != d["mode"]: modes.append(d["mode"])
assert modes[0] == "recovery" and "restore" in modes and modes[-1] == "normal", modes
assert modes.index("restore") < len(modes) - 1 - modes[::-1].index("normal"), modes
last = a[-1]
assert last["ios_version"] == "15.8.3" and last["build"] == "19H386", last
rows = [r for r in json.load(open(sys.argv[2])) if r.get("ecid") == "0012345678ABCDEF"]
assert len(rows) == 1 and rows[0]["mode"] == "normal" and rows[0]["ios_version"] == "15.8.3", rows
print("ok")
PY
check "the board row follows the device Recovery -> Restore -> Normal and shows iOS 15.8.3" grep -q '^ok$' "$T/rows"
grep -v '^ok$' "$T/rows" | sed 's/^/# /'
