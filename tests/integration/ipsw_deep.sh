# A BuildManifest nested 200,000 arrays deep (libplist recurses once per
# level) is refused before libplist on the paths hostile_input does not
# cover: the restore preflight, headless and in the console, and the
# console's IPSW tab. Each says why, none crashes.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

python3 - "$T/deep.ipsw" <<'PY'
import sys, zipfile
body = b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">' + b"<array>" * 200000 + b"</array>" * 200000 + b"</plist>\n"
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("BuildManifest.plist", body)
PY
export IBENCH_ENGINE="$IBENCH_TOP/tests/engine/idevicerestore" IBENCH_API_URL="http://127.0.0.1:1/v4" STANDIN_LOG="$T/engine-runs"
cat > "$T/one" <<S
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
( cd "$IBENCH_TOP" && timeout 120 "$VBENCH" --scenario "$T/one" --log "$T/vb.log" -- \
    sh -c '"$0" --yes restore 1-1.3 --ipsw "$1"; echo "rc=$?"' "$IBENCH" "$T/deep.ipsw" ) >"$T/restore.out" 2>&1
has "$T/restore.out" '^  FAIL ipsw +.*BuildManifest: nested more than 64 levels deep' "restore preflight: deep nesting refused with the reason"
has "$T/restore.out" '^rc=3$' "restore preflight: exits 3, no crash"
check "restore preflight: the engine never ran" [ ! -s "$T/engine-runs" ]

tui_start "cd '$IBENCH_TOP' && '$VBENCH' --scenario '$T/one' -- '$IBENCH'" 160 24
wait_screen s1 '1-1\.3 +Recovery' 300 || fail "board" "$(cat "$T/s1")"
tm send-keys i "$T/deep.ipsw" Enter
wait_screen s2 'nested more than 64 levels deep' 300 && ok "IPSW tab: deep nesting refused with the reason" || fail "IPSW tab" "$(cat "$T/s2")"
tm send-keys r C-u "$T/deep.ipsw" Enter
wait_screen s3 'FAIL ipsw +.*nested more than 64 levels deep' 300 && ok "console restore: deep nesting refused in the preflight" || fail "console preflight" "$(cat "$T/s3")"
tm send-keys Escape q
wait_for "$T/exit" 'EXITED 0' 30 && ok "the console quits normally (no crash)" || fail "console exit" "$(cat "$T/exit" 2>/dev/null)"
