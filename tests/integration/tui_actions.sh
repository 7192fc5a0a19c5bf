# The console's actions at 80x24 on the virtual bench: guide and DFU helper
# watching the port, exit Recovery with confirmation, an upload with
# progress, refusals that explain.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

mkdir -p "$XDG_CONFIG_HOME/ibench"
cat > "$XDG_CONFIG_HOME/ibench/config" <<'C'
dfu_first_hold_ms = 1000
dfu_both_hold_ms = 1000
dfu_last_hold_ms = 3000
[slots]
1-1.3 = Bay 3
1-1.4 = Bay 4
1-1.5 = Bay 5
C
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
device B model=iPad8,1 ecid=0x000A1B2C3D4E5F60 port=1-1.4
device C model=iPhone12,1 ecid=0x001A2B3C4D5E6F70 port=1-1.5 ios=17.5.1 build=21F90
device D model=iPhone10,1 ecid=0x0000000000DDDD01 port=1-1.6 bad=vanish-upload
at 0 plug A recovery
at 0 plug D dfu
at 0 plug B dfu
at 0 plug C recovery
S
mkfifo "$T/ctl"
head -c 1500000 /dev/urandom > "$T/img"

tui_start "cd '$IBENCH_TOP' && '$VBENCH' --scenario '$T/scn' --fifo '$T/ctl' --log '$T/vb.log' --upload-dir '$T/up' -- '$IBENCH'"

wait_screen s1 'Bay 5 +Recovery +iPhone 11' 300 && ok "board shows the three USB devices" || fail "board shows the three USB devices" "$(cat "$T/s1")"
has "$T/s1" '^>Bay 3 +Recovery +iPhone 8' "rows in port order, first selected"
has "$T/s1" 'xExit bReboot :Cmd uUpload rRestore' "key bar offers the Recovery actions"
has "$T/s1" '^ Flags +production fused, secure, Image4 +CPRV [0-9A-F]{2} CPFM 03 SCEP [0-9A-F]{2} IBFL [0-9A-F]{2}$' "detail spells out the serial string's flags"
has "$T/s1" '^ ApNonce [0-9a-f]{64}$' "detail shows the ApNonce"
has "$T/s1" '^ SepNonce [0-9a-f]{40}$' "detail shows the SepNonce"

# DFU helper on Bay 3; the scenario plays the device entering DFU.
tm send-keys d
wait_screen s2 '> NOW' 100 && ok "d starts the DFU helper countdown in the Guide tab" || fail "DFU countdown" "$(tail -12 "$T/s2")"
has "$T/s2" 'DFU helper on 1-1.3: running' "the helper names the port it watches"
has "$T/s2" 's left' "the current step counts down"
echo 'mode A dfu gap=0.3' > "$T/ctl"
wait_screen s3 'DFU helper on 1-1.3: success' 300 && ok "the helper reports DFU reached on the port" || fail "DFU success" "$(tail -12 "$T/s3")"
has "$T/s3" 'DFU reached on 1-1.3' "the outcome is said in words"
has "$T/s3" '^>Bay 3 +DFU' "the row follows the device into DFU"

# x on a DFU device explains instead of acting.
tm send-keys x
wait_screen s4 'DFU is left only by a force restart' 100 && ok "x on a DFU device explains the force restart" || fail "x in DFU" "$(tail -3 "$T/s4")"
has "$T/s4" 'Exit DFU' "... and the guide turns to Exit DFU"

# Exit Recovery on Bay 5, confirmed.
tm send-keys j j x
wait_screen s5 'Exit Recovery on Bay 5 \(iPhone 11, ECID \.\.\.' 100 && ok "x asks to confirm, naming the device" || fail "confirm" "$(tail -2 "$T/s5")"
tm send-keys n
wait_screen s6 'Cancelled; nothing was sent' 100 && ok "n cancels" || fail "n cancels"
tm send-keys x y
wait_screen s7 '^>Bay 5 +Normal' 300 && ok "after y the device leaves Recovery and comes back in Normal on its row" || fail "exit Recovery" "$(head -8 "$T/s7")"
wait_screen s7b 'Bay 5: back in Normal mode' 100 && ok "the console says where the device came back, as the command line does" || fail "back in Normal" "$(tail -1 "$T/s7b")"
grep -E ' C cmd ' "$T/vb.log" | sed 's/^[0-9.]* //' > "$T/cmds"
printf '%s\n' 'C cmd "setenv auto-boot true"' 'C cmd "saveenv"' 'C cmd "reboot"' > "$T/want"
check "exactly setenv auto-boot true, saveenv, reboot reached the device" cmp -s "$T/want" "$T/cmds"

# Upload to the DFU iPad on Bay 4 through the prompt.
tm send-keys k u
wait_screen s8 'File to upload' 100 && ok "u prompts for a file" || fail "u prompts" "$(tail -2 "$T/s8")"
tm send-keys "$T/img" Enter
wait_screen s9 'Upload .*img \(1500000 bytes\) to Bay 4' 100 && ok "the upload is confirmed with its size and the device" || fail "upload confirm" "$(tail -2 "$T/s9")"
tm send-keys y
wait_screen s10 'Bay 4: done' 300 && ok "the upload finishes and says so" || fail "upload done" "$(tail -3 "$T/s10")"
check "the upload arrived byte-identical" cmp -s "$T/img" "$T/up/B-1.bin"

# A device that vanishes mid-upload: the action fails plainly and the
# console carries on (the device's return is seen, keys still work).
tm send-keys j j u
wait_screen s11 'File to upload' 100 || fail "u prompt on 1-1.6" "$(tail -2 "$T/s11")"
tm send-keys "$T/img" Enter
wait_screen s12 'Upload .* to 1-1\.6' 100 || fail "confirm on 1-1.6" "$(tail -2 "$T/s12")"
tm send-keys y
wait_screen s13 '1-1\.6: the device left the bus during the upload \(after [0-9]+ of 1500000 bytes\)' 300 \
    && ok "a device vanishing mid-upload fails the upload with the bytes sent" || fail "vanish" "$(tail -2 "$T/s13")"
echo 'plug D dfu' > "$T/ctl"
wait_screen s14 '^>1-1\.6 +DFU' 300 && ok "the console keeps running and sees the device come back" || fail "back" "$(head -8 "$T/s14")"
tm send-keys '?'
wait_screen s15 'ibench keys' 100 && ok "keys still work after the failed upload" || fail "keys" "$(cat "$T/s15")"
tm send-keys Escape
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
has "$T/exit" 'EXITED 0' "console exits 0"
