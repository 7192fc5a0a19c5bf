# `ibench ipsw extract` on IPSW-shaped archives the test builds: full and
# selective extraction against unzip, device identities, hostile archives,
# ZIP64, cancellation and a full disk.
. "$IBENCH_TOP/tests/lib.sh"
G="python3 $IBENCH_TOP/tests/ipsw_gen.py"
# no_partials DIR ARCHIVE NAME: every file (or link) below DIR is a complete,
# byte-identical copy of ARCHIVE's entry of that name: no partial or
# temporary file, whatever its name (extraction writes unnamed O_TMPFILE
# files, so looking for a name pattern could never fail).
no_partials() {
    if python3 - "$1" "$2" >"$T/np.why" 2>&1 <<'PY'
import os, sys, zipfile
top, z = sys.argv[1], zipfile.ZipFile(sys.argv[2])
names, bad = set(z.namelist()), []
for d, dirs, files in os.walk(top):
    bad += [os.path.relpath(os.path.join(d, x), top) for x in dirs if os.path.islink(os.path.join(d, x))]
    for f in files:
        p = os.path.join(d, f); rel = os.path.relpath(p, top)
        try: ok = not os.path.islink(p) and rel in names and open(p, "rb").read() == z.read(rel)
        except Exception: ok = False
        if not ok: bad.append(rel)
if bad: print("not complete copies of entries: %s" % bad[:5]); sys.exit(1)
PY
    then ok "$3"; else fail "$3" "$(cat "$T/np.why")"; fi
}

$G "$T/good.ipsw"
mkdir "$T/unzip" && (cd "$T/unzip" && unzip -q "$T/good.ipsw")
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/all" >"$T/all.out" 2>&1; rc=$?
check "full extraction exits 0" [ $rc = 0 ]
check "full extraction matches unzip byte for byte" diff -r "$T/unzip" "$T/all"
has "$T/all.out" '^Extracted 13 files \([0-9]+ bytes\) into ' "summary line"
"$IBENCH" --json ipsw extract "$T/good.ipsw" -o "$T/allj" >"$T/all.json" 2>/dev/null
python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); assert o["ok"] and o["files"] == 13 and o["bytes"] > 0, o' "$T/all.json"
check "--json summary" [ $? = 0 ]
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/all1" --threads 1 >/dev/null 2>&1
check "one worker gives the same files" diff -r "$T/unzip" "$T/all1"

"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/glob" 'Firmware/dfu/iBSS*' >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ "$(cd "$T/glob" && find . -type f | sort | tr '\n' ' ')" = "./Firmware/dfu/iBSS.d20.RELEASE.im4p ./Firmware/dfu/iBSS.d21.RELEASE.im4p " ] \
    && cmp -s "$T/glob/Firmware/dfu/iBSS.d20.RELEASE.im4p" "$T/unzip/Firmware/dfu/iBSS.d20.RELEASE.im4p" \
    && ok "selective extraction by glob" || fail "selective extraction by glob" "rc=$rc: $(cd "$T/glob" 2>/dev/null && find . -type f)"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/comp" kernelcache BuildManifest.plist >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ "$(cd "$T/comp" && find . -type f | sort | tr '\n' ' ')" = "./BuildManifest.plist ./kernelcache.release.d20 ./kernelcache.release.d21 " ] \
    && ok "component names (any case) and plain names" || fail "component names (any case) and plain names" "rc=$rc: $(cd "$T/comp" && find . -type f)"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/dev" --device iPhone10,2 --identity Erase iBSS RestoreRamDisk >/dev/null 2>&1; rc=$?
[ $rc = 0 ] && [ "$(cd "$T/dev" && find . -type f | sort | tr '\n' ' ')" = "./038-d21-erase.dmg ./Firmware/dfu/iBSS.d21.RELEASE.im4p " ] \
    && ok "--device and --identity pick the fitting identity's components" || fail "--device and --identity pick the fitting identity's components" "rc=$rc: $(cd "$T/dev" && find . -type f)"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/dev2" --device d20ap >/dev/null 2>&1; rc=$?
n=$(cd "$T/dev2" && find . -type f | sort | tr '\n' ' ')
[ $rc = 0 ] && [ "$n" = "./038-00000-001.dmg ./038-d20-erase.dmg ./038-d20-update.dmg ./Firmware/dfu/iBEC.d20.RELEASE.im4p ./Firmware/dfu/iBSS.d20.RELEASE.im4p ./kernelcache.release.d20 " ] \
    && ok "--device alone extracts that board's components" || fail "--device alone extracts that board's components" "rc=$rc: $n"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/nofit" --device d22ap iBSS >/dev/null 2>"$T/nofit.err"; rc=$?
check "a device the file does not fit exits 3" [ $rc = 3 ]
has "$T/nofit.err" 'does not fit: .*not iPhone10,3' "does-not-fit reason"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/none" nosuchthing >/dev/null 2>"$T/none.err"; rc=$?
check "a pattern matching nothing exits 1" [ $rc = 1 ]
has "$T/none.err" "nothing matches 'nosuchthing'" "unmatched pattern is named"
"$IBENCH" ipsw extract "$T/good.ipsw" --identity Wipe >/dev/null 2>&1; rc=$?
check "bad --identity is a usage error" [ $rc = 2 ]
"$IBENCH" ipsw extract >/dev/null 2>&1; rc=$?
check "no archive is a usage error" [ $rc = 2 ]

# Hostile archives: each refused with exit 5 and a message naming the entry;
# nothing outside the output folder, no partial file inside it.
mkdir -p "$T/h"
hostile() { # variant, entry regex, name
    $G "$T/$1.ipsw" --variant "$1"
    ( cd "$T/h" && "$IBENCH" ipsw extract "$T/$1.ipsw" -o "$T/h/out-$1" ) >/dev/null 2>"$T/$1.err"; rc=$?
    check "$3: exit 5" [ $rc = 5 ]
    has "$T/$1.err" "$2" "$3: message names the entry"
    no_partials "$T/h/out-$1" "$T/$1.ipsw" "$3: no partial file"
}
hostile traversal '^ibench: Firmware/\.\./\.\./evil: refused' "traversal name"
check "traversal: nothing written outside -o" [ ! -e "$T/evil" ] && check "traversal: nothing written beside" [ ! -e "$T/h/evil" ]
check "traversal: refused before anything is written" [ -z "$(find "$T/h/out-traversal" -type f 2>/dev/null)" ]
hostile absolute '^ibench: /tmp/ibench-absolute-x: refused' "absolute name"
check "absolute: nothing written there" [ ! -e /tmp/ibench-absolute-x ]
hostile symlink '^ibench: Firmware/link: refused: a symbolic link' "symlink entry"
check "symlink: no link and nothing through it" [ ! -e "$T/h/out-symlink/Firmware/link" ] && check "symlink: /tmp untouched" [ ! -e /tmp/escaped ]
hostile lyingsize '^ibench: Firmware/lying\.bin: lying size' "lying size"
check "lying size: the entry is not in place" [ ! -e "$T/h/out-lyingsize/Firmware/lying.bin" ]
hostile badcrc '^ibench: Firmware/badcrc\.bin: CRC mismatch' "bad CRC"
check "bad CRC: the entry is not in place" [ ! -e "$T/h/out-badcrc/Firmware/badcrc.bin" ]
hostile truncated '^ibench: .*truncated\.ipsw: Firmware/cut\.bin: refused: truncated' "entry cut short"
head -c $(( $(wc -c <"$T/good.ipsw") / 2 )) "$T/good.ipsw" >"$T/cut.ipsw"
"$IBENCH" ipsw extract "$T/cut.ipsw" -o "$T/h/out-cut" >/dev/null 2>"$T/cut.err"; rc=$?
check "truncated file: exit 5" [ $rc = 5 ]
has "$T/cut.err" 'cut\.ipsw: not a readable IPSW archive' "truncated file: message names the file"

# An existing symlink in the output folder is never followed.
mkdir -p "$T/trap/out/Firmware" "$T/outside"
ln -s "$T/outside" "$T/trap/out/Firmware/dfu"
ln -s "$T/outside/kc" "$T/trap/out/kernelcache.release.d20"
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/trap/out" kernelcache.release.d20 >/dev/null 2>&1; rc=$?
check "a symlink at a file's place is replaced, not followed" all "[ $rc = 0 ]" '[ ! -L "$T/trap/out/kernelcache.release.d20" ]' '[ ! -e "$T/outside/kc" ]'
"$IBENCH" ipsw extract "$T/good.ipsw" -o "$T/trap/out" 'Firmware/dfu/*' >/dev/null 2>"$T/trap.err"; rc=$?
check "a symlinked folder in the output is refused (exit 7)" [ $rc = 7 ]
check "nothing written through the symlinked folder" [ -z "$(ls -A "$T/outside")" ]

$G "$T/z64.ipsw" --variant zip64
"$IBENCH" ipsw extract "$T/z64.ipsw" -o "$T/z64" >/dev/null 2>&1; rc=$?
check "ZIP64 archive extracts" [ $rc = 0 ]
check "ZIP64 output matches unzip" diff -r "$T/unzip" "$T/z64"

# Cancellation: SIGINT while a 300 MB entry is being written (seen in the
# process's write count: its output has no name until it is complete).
$G "$T/big.ipsw" --variant big --big-mb 300
python3 - "$IBENCH" "$T/big.ipsw" "$T/cancel" >"$T/cancel.log" 2>&1 <<'PY'
import os, signal, subprocess, sys, time
ib, arc, out = sys.argv[1:4]
p = subprocess.Popen([ib, "ipsw", "extract", arc, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
def written():
    try:
        for line in open("/proc/%d/io" % p.pid):
            if line.startswith("wchar:"): return int(line.split()[1])
    except OSError: pass
    return 0
t = time.time(); seen = False
while not seen and time.time() - t < 60 and p.poll() is None:
    seen = written() > (8 << 20)
    time.sleep(0.001)
p.send_signal(signal.SIGINT)
rc = p.wait()
print("seen=%s rc=%d" % (seen, rc)); sys.stdout.write(p.stderr.read().decode())
PY
has "$T/cancel.log" '^seen=True rc=6$' "SIGINT during extraction exits 6"
has "$T/cancel.log" 'cancelled' "cancellation is reported"
no_partials "$T/cancel" "$T/big.ipsw" "cancel leaves no partial file"
check "cancel: the big entry is not in place" [ ! -e "$T/cancel/Firmware/big.dmg" ]
check "cancel: only complete small files remain" [ "$(du -sk "$T/cancel" | cut -f1)" -lt 1024 ]

# Forged directories, each refused with exit 5 and a message naming the entry
# before anything is written (info refuses them alike).
forged() { # variant, message regex, name
    $G "$T/$1.ipsw" --variant "$1"
    "$IBENCH" ipsw extract "$T/$1.ipsw" -o "$T/h/out-$1" >/dev/null 2>"$T/$1.err"; rc=$?
    check "$3: exit 5 (rc=$rc)" [ $rc = 5 ]
    has "$T/$1.err" "$2" "$3: the refusal names the entry"
    check "$3: nothing written" [ ! -e "$T/h/out-$1" ]
    "$IBENCH" ipsw info "$T/$1.ipsw" >/dev/null 2>"$T/$1.ierr"; rc=$?
    check "$3: ipsw info refuses it too (rc=$rc)" [ $rc = 5 ]
}
forged dupname 'BuildManifest\.plist: refused: the archive holds two entries of this name' "two entries of one name"
forged namemismatch "Firmware/name-aaaa\.bin: refused: its local header names it 'Firmware/name-bbbb\.bin'" "local name differs from the central one"
forged overlap 'bomb/0000\.bin: refused: it overlaps bomb/0001\.bin' "2000 overlapping entries of 64 MB each"

# What the entries declare must fit in the output's free space before
# anything is written: one 4 KiB entry declaring 512 TB.
$G "$T/huge.ipsw" --variant hugesize
"$IBENCH" ipsw extract "$T/huge.ipsw" -o "$T/h/out-huge/sub" >/dev/null 2>"$T/huge.err"; rc=$?
check "declared size beyond free space: exit 7 (rc=$rc)" [ $rc = 7 ]
has "$T/huge.err" 'out-huge/sub: not enough space: the entries to extract declare 562949953\.4 MB, [0-9.]+ MB are free; nothing was written' "declared size beyond free space: said plainly"
check "declared size beyond free space: not even the folder is created" [ ! -e "$T/h/out-huge" ]

# A full disk: a 1 MB tmpfs (needs a mount namespace and permission to mount).
# 3 MB declared: refused up front, the tmpfs left empty.
$G "$T/b3.ipsw" --variant big --big-mb 3
mkdir -p "$T/small"
if unshare -m sh -c "mount -t tmpfs -o size=1m tmpfs '$T/small' && \
      '$IBENCH' ipsw extract '$T/b3.ipsw' -o '$T/small/out' >/dev/null 2>'$T/full.err'; echo \$? >'$T/full.rc'; \
      find '$T/small' -mindepth 1 >'$T/full.left'" 2>"$T/mount.err"; then
    check "full disk exits 7" [ "$(cat "$T/full.rc")" = 7 ]
    has "$T/full.err" 'small/out: not enough space: the entries to extract declare 3\.[0-9] MB, 1\.0 MB are free' "full disk: refused before writing, with the sizes"
    check "full disk: nothing written" [ ! -s "$T/full.left" ]
else
    echo "# full-disk check skipped: cannot mount a tmpfs here: $(head -n 1 "$T/mount.err")"
fi
