# Hostile input (issue 15): a BuildManifest nested 200,000 levels deep, and
# terminal escapes, C1 controls, bidi overrides and broken UTF-8 from a
# catalog, an HTTP server, an engine and an archive on every outward path.
. "$IBENCH_TOP/tests/lib.sh"

# A 4.5 KB IPSW whose BuildManifest nests 200,000 arrays (libplist recurses
# once per level and overflowed the stack): refused by ipsw info and extract
# with exit 5 (damaged archive) and a message, never a crash.
python3 - "$T/deep.ipsw" <<'PY'
import sys, zipfile
body = b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">' + b"<array>" * 200000 + b"</array>" * 200000 + b"</plist>\n"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("BuildManifest.plist", body)
PY
check "the deep-nesting IPSW is small" [ "$(stat -c %s "$T/deep.ipsw")" -lt 10000 ]
"$IBENCH" ipsw info "$T/deep.ipsw" >"$T/deep.out" 2>"$T/deep.err"; rc=$?
check "ipsw info: deep nesting exits 5, no crash (rc=$rc)" [ $rc = 5 ]
has "$T/deep.err" 'BuildManifest: nested more than 64 levels deep' "ipsw info: deep nesting is named"
"$IBENCH" ipsw extract "$T/deep.ipsw" -o "$T/deep-x" --device iPhone10,1 >"$T/deepx.out" 2>"$T/deepx.err"; rc=$?
check "ipsw extract: deep nesting exits 5, no crash (rc=$rc)" [ $rc = 5 ]
has "$T/deepx.err" 'nested more than 64 levels deep' "ipsw extract: deep nesting is named"
check "ipsw extract: nothing written" [ -z "$(find "$T/deep-x" -type f 2>/dev/null)" ]
"$IBENCH" ipsw extract "$T/deep.ipsw" -o "$T/deep-k" kernelcache >/dev/null 2>"$T/deepk.err"; rc=$?
check "ipsw extract by component name: no crash (rc=$rc)" [ $rc -lt 128 -a $rc != 0 ]

# clean_out FILE NAME: FILE is valid UTF-8 with no escape, C0/C1 control
# (other than newline) or bidi override; prints the offending line otherwise.
clean_out() {
    if python3 - "$1" >"$T/clean.why" 2>&1 <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
try: text = raw.decode("utf-8")
except UnicodeDecodeError as e: print("not UTF-8: %r" % raw[max(0, e.start - 20): e.end + 20]); sys.exit(1)
for line in text.split("\n"):
    bad = [c for c in line if ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
    if bad: print("%r in %r" % (bad, line)); sys.exit(1)
PY
    then ok "$2"; else fail "$2" "$(cat "$T/clean.why")"; fi
}
# The hostile text used below: a title change, a colour, a C1 CSI, a
# right-to-left override, an isolate and a byte that is not UTF-8.
EVIL_JSON='\u001b]0;pwned\u0007\u001b[31mred\u001b[0m\u009b2J\u202eevil\u2066x\u00ff'
SHORT_EVIL='\u001b]0;p\u0007\u009b2J\u202e'   # releasedate holds 31 bytes

# fw list: the catalog's releasedate (and every other string) is sanitized;
# fw get: an HTTP error naming the catalog's URL is sanitized too.
mkdir -p "$T/www/v4/device"
printf 'firmware' >"$T/www/fw.ipsw"
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
BASE="http://127.0.0.1:$(cat "$T/port")"
printf '{"firmwares":[{"identifier":"iPhone10,3","version":"17.5","buildid":"21F90","sha1sum":"0123456789abcdef0123456789abcdef01234567","filesize":8,"url":"%s/status/404/x%s.ipsw","releasedate":"%s2024","signed":true}]}' \
    "$BASE" "$EVIL_JSON" "$SHORT_EVIL" >"$T/www/v4/device/iPhone10,3"
"$IBENCH" --api "$BASE" fw list iPhone10,3 >"$T/fwl.out" 2>&1; rc=$?
check "fw list of a hostile catalog exits 0" [ $rc = 0 ]
has "$T/fwl.out" '^17\.5 +21F90 ' "fw list shows the build"
clean_out "$T/fwl.out" "fw list: no escape, control or bidi character from the catalog's releasedate"
"$IBENCH" --api "$BASE" --json fw list iPhone10,3 >"$T/fwl.json" 2>&1
python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); s=json.dumps(o, ensure_ascii=False)
assert not any(c in s for c in "\x1b\x07\x9b\u202e\u2066"), s' "$T/fwl.json"
check "fw list --json: the catalog's strings are sanitized" [ $? = 0 ]
"$IBENCH" --api "$BASE" fw get iPhone10,3 21F90 >"$T/fwg.out" 2>&1; rc=$?
check "fw get: an HTTP error exits 4" [ $rc = 4 ]
has "$T/fwg.out" 'HTTP 404' "fw get: the HTTP error is reported"
clean_out "$T/fwg.out" "fw get: the HTTP error carries no escape, control or bidi character"

# A server whose bytes match the catalog's SHA-1 but not its SHA-256: refused
# (exit 5), nothing cached; the SHA-256 is checked whenever the catalog has one.
SHA1=$(sha1sum "$T/www/fw.ipsw" | cut -d' ' -f1)
printf '{"firmwares":[{"identifier":"iPhone12,1","version":"17.5","buildid":"21F90","sha1sum":"%s","sha256sum":"%s","filesize":8,"url":"%s/fw.ipsw","releasedate":"2024-05-13","signed":true}]}' \
    "$SHA1" "0000000000000000000000000000000000000000000000000000000000000000" "$BASE" >"$T/www/v4/device/iPhone12,1"
"$IBENCH" --api "$BASE" fw get iPhone12,1 21F90 >"$T/s256.out" 2>&1; rc=$?
check "fw get: a SHA-256-only mismatch is refused with exit 5 (rc=$rc)" [ $rc = 5 ]
has "$T/s256.out" 'checksum mismatch' "fw get: the SHA-256 mismatch is named"
check "fw get: nothing cached after a SHA-256 mismatch" [ -z "$(find "$IBENCH_CACHE" -name '*21F90_Restore.ipsw' 2>/dev/null)" ]

# doctor: the engine's version line is sanitized.
printf '#!/bin/sh\nprintf "idevicerestore 1.3.1 \\033]0;pwned\\007\\033[31mred\\302\\233\\342\\200\\256\\377\\n"\n' >"$T/evilengine"
chmod +x "$T/evilengine"
"$IBENCH" --engine "$T/evilengine" doctor >"$T/doc.out" 2>&1
has "$T/doc.out" '^ok +engine .*idevicerestore 1\.3\.1 red' "doctor: the engine version is shown"
clean_out "$T/doc.out" "doctor: no escape, control or bidi character from the engine's version"

# ipsw extract: refused names are sanitized, and a refusal naming an entry
# cut mid-UTF-8 keeps its --json "error" key.
python3 - "$T/names.ipsw" "$T/bidi.ipsw" "$T/dirup.ipsw" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[3], "w") as z:
    z.writestr("../../x/", b"")                 # a folder entry that climbs out of -o
    z.writestr("ok.txt", b"x")
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("\u00e9" * 600, b"x")          # 1200 bytes: "name too long", shown cut mid-character
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr("evil\u202etxt.exe\u009b2J", b"x")
PY
"$IBENCH" --json ipsw extract "$T/names.ipsw" -o "$T/nx" >"$T/nx.json" 2>"$T/nx.err"; rc=$?
check "extract: a too-long name exits 5" [ $rc = 5 ]
python3 -c '
import json,sys; o=json.load(open(sys.argv[1])); assert not o["ok"] and "name too long" in o["error"], o' "$T/nx.json"
check "extract --json: the error key survives a name cut mid-UTF-8" [ $? = 0 ]
clean_out "$T/nx.err" "extract: the cut name on stderr is valid UTF-8"
# An entry whose data (CRC correct) ends before the size its records state:
# libzip reads it without error; ibench refuses it (exit 5), nothing kept.
python3 - "$T/short.ipsw" <<'PY'
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("short.bin", b"A" * 1000)
raw = bytearray(open(sys.argv[1], "rb").read())
cd = raw.find(b"PK\x01\x02"); loc = struct.unpack_from("<I", raw, cd + 42)[0]
struct.pack_into("<I", raw, cd + 24, 5000); struct.pack_into("<I", raw, loc + 22, 5000)
open(sys.argv[1], "wb").write(raw)
PY
"$IBENCH" ipsw extract "$T/short.ipsw" -o "$T/sh" >"$T/short.out" 2>&1; rc=$?
check "extract: an entry shorter than its records is refused with exit 5 (rc=$rc)" [ $rc = 5 ]
has "$T/short.out" 'short\.bin: truncated: 1000 of the 5000 bytes' "extract: the short entry is named"
check "extract: the short entry is not in place" [ ! -e "$T/sh/short.bin" ]
mkdir -p "$T/up/a/b"
"$IBENCH" ipsw extract "$T/dirup.ipsw" -o "$T/up/a/b/out" >"$T/dirup.out" 2>&1; rc=$?
check "extract: a folder entry ../../x/ is refused with exit 5 (rc=$rc)" [ $rc = 5 ]
check "extract: no folder made outside -o" [ ! -e "$T/up/a/x" -a ! -e "$T/up/x" ]
"$IBENCH" ipsw extract "$T/bidi.ipsw" -o "$T/bx" >"$T/bx.out" 2>&1; rc=$?
check "extract: a bidi name is refused with exit 5" [ $rc = 5 ]
has "$T/bx.out" 'eviltxt\.exe: refused' "extract: the refused name is shown without its controls"
clean_out "$T/bx.out" "extract: no bidi override or C1 control in the refusal"

# A serial-number field holding escape sequences: the whole sequence goes
# ("F2LZEVIL"), not just its ESC ("F2LZ?[31mEVIL?[0m" before).
if command -v umockdev-wrapper >/dev/null 2>&1 && [ -x "$VBENCH" ]; then
    printf 'device R model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.4 srnm=F2LZ\033[31mEVIL\033[0m\nat 0 plug R recovery\n' >"$T/evil.scn"
    ( cd "$IBENCH_TOP" && timeout 90 "$VBENCH" --scenario "$T/evil.scn" --log "$T/vb.log" -- \
        sh -c '"$0" --json list >"$1"; "$0" list >"$2"' "$IBENCH" "$T/serial.json" "$T/serial.out" ) >/dev/null 2>&1
    python3 -c '
import json,sys; rows=json.load(open(sys.argv[1])); rows=rows.get("devices", rows) if isinstance(rows, dict) else rows
assert [r["serial"] for r in rows] == ["F2LZEVIL"], rows' "$T/serial.json"
    check "a serial field with escape sequences reads F2LZEVIL" [ $? = 0 ]
    clean_out "$T/serial.out" "list: nothing of the serial's escape sequences reaches the terminal"
else
    echo "# umockdev or vbench missing: serial-field check skipped"
fi
