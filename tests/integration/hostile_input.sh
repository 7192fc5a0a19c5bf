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
