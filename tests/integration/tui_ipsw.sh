# The console's IPSW tab at 80x24: an IPSW opened with i shows its version,
# products, completeness, what was checked (v reads every CRC) and the
# identities that fit the selected device; r then offers that file; an
# incomplete or damaged archive is named as such and never called intact.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/fw.ipsw"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/missing.ipsw" --variant missing
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$T/badcrc.ipsw" --variant badcrc
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
device B model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.4
at 0 plug A recovery
at 0 plug B recovery
S
tui_start "cd '$IBENCH_TOP' && IBENCH_API_URL=http://127.0.0.1:1/v4 IBENCH_ENGINE='$T/no-engine' '$VBENCH' --scenario '$T/scn' -- '$IBENCH'"

wait_screen s1 '1-1\.4 +Recovery +iPhone 11' 300 && ok "board up" || fail "board" "$(cat "$T/s1")"
tm send-keys i
wait_screen s2 'IPSW file or URL' 100 && ok "i asks for an IPSW" || fail "prompt" "$(tail -1 "$T/s2")"
tm send-keys "$T/fw.ipsw" Enter
wait_screen s3 'iOS 17\.5\.1 \(21F90\) for iPhone10,1, iPhone10,2' 300 && ok "the IPSW tab shows version, build and products" || fail "ipsw tab" "$(tail -12 "$T/s3")"
has "$T/s3" 'Archive complete; directory consistent, CRCs not checked: v verifies' "completeness, and what was checked"
check "unverified: the tab does not say intact" [ -z "$(grep -i intact "$T/s3")" ]
tm send-keys v
wait_screen s3v 'Archive complete and intact \(every CRC checked\)' 300 && ok "v verifies: intact after every CRC is read" || fail "v verifies" "$(tail -12 "$T/s3v")"
has "$T/s3" '2 identities fit 1-1\.3 \(marked \*\)' "the fit for the selected device"
has "$T/s3" '^ +\* Erase +d20ap +ApChipID 0x8015 ApBoardID 0x02' "fitting identities are marked"
has "$T/s3" '^    Update +d21ap' "other identities are listed unmarked"
tm send-keys j
wait_screen s4 'Does not fit 1-1\.4' 100 && ok "another device: says plainly it does not fit" || fail "no fit" "$(tail -12 "$T/s4")"
tm send-keys k r
wait_screen s5 "Update 1-1\\.3 with IPSW .*fw\\.ipsw" 100 && ok "r offers the IPSW open in the tab" || fail "restore prefill" "$(tail -1 "$T/s5")"
tm send-keys Escape i
wait_screen s5b 'IPSW file or URL' 100 || fail "prompt again" "$(tail -1 "$T/s5b")"
tm send-keys C-u
wait_screen s5c 'Esc cancels\): *$' 100 && ok "Ctrl-U clears the prompt line" || fail "Ctrl-U" "$(tail -1 "$T/s5c")"
tm send-keys "$T/missing.ipsw" Enter
wait_screen s6 'INCOMPLETE' 300 && ok "an incomplete archive is named as such" || fail "incomplete" "$(tail -12 "$T/s6")"
# A damaged entry: not intact before v, DAMAGED naming the entry after.
tm send-keys i C-u "$T/badcrc.ipsw" Enter
wait_screen s7 'CRCs not checked: v verifies' 300 && ok "a damaged IPSW opens as not verified" || fail "badcrc open" "$(tail -12 "$T/s7")"
tm send-keys v
wait_screen s8 'Archive DAMAGED: .*Firmware/badcrc\.bin: CRC mismatch' 300 && ok "v names the damaged entry" || fail "badcrc verify" "$(tail -12 "$T/s8")"
check "the damaged IPSW is never called intact" [ -z "$(cat "$T/s7" "$T/s8" | grep -i intact)" ]
# The tab's verification counts for a restore of the same file in this process.
tm send-keys r C-u "$T/fw.ipsw" Enter
wait_screen s9 'ok +ipsw +iOS 17\.5\.1 \(21F90\), archive intact \(every CRC checked\)' 300 \
    && ok "the restore preflight knows the file was verified" || fail "preflight after v" "$(cat "$T/s9")"
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
