# Questions that name a device are read whole, at 80x24 and 60x20: the
# upload confirmation down to its [y/N], the Erase prompt down to the digits
# to type, and the restore prompt's IPSW file name behind a long cache path.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

# A cache folder deep enough that its path alone fills a line.
CACHE="$T/firmware-cache-on-the-shared-bench-disk/mounted-volumes/shop-storage/ipsw"
IPSW=iPhone10,1_17.5.1_21F90_Restore.ipsw
mkdir -p "$CACHE"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$CACHE/$IPSW"
head -c 300000 /dev/urandom > "$T/ibss.img"
mkdir -p "$XDG_CONFIG_HOME/ibench"
printf '[slots]\n1-1.2 = Bay 2\n' > "$XDG_CONFIG_HOME/ibench/config"
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.2
at 0 plug A recovery
S
tui_start "cd '$IBENCH_TOP' && IBENCH_CACHE='$CACHE' IBENCH_ENGINE='$IBENCH_TOP/tests/engine/idevicerestore' IBENCH_API_URL=http://127.0.0.1:1/v4 '$VBENCH' --scenario '$T/scn' -- '$IBENCH'"
tm set -g window-size manual >/dev/null 2>&1
wait_screen s0 'Bay 2 +Recovery' 300 && ok "the device is on the board" || fail "board" "$(cat "$T/s0")"

for size in 80x24 60x20; do
    tm resize-window -x "${size%x*}" -y "${size#*x}"
    wait_screen "$size-0" '^>Bay 2' 50 || fail "$size: redrawn" "$(cat "$T/$size-0")"

    tm send-keys u
    wait_screen "$size-u1" 'File to upload' 50 || fail "$size: u prompts" "$(tail -3 "$T/$size-u1")"
    tm send-keys "$T/ibss.img" Enter
    wait_shows "$size-u2" 'Upload ibss.img (300000 bytes) to Bay 2 (iPhone 8 (Global), ECID ...ABCDEF)? [y/N]' 50 \
        && ok "$size: the upload confirmation reads whole, [y/N] included" || fail "$size: upload confirmation" "$(tail -4 "$T/$size-u2")"
    check "$size: nothing drawn past the edge" [ "$(wc -L <"$T/$size-u2")" -le "${size%x*}" ]
    tm send-keys n
    wait_screen "$size-u3" 'Cancelled; nothing was sent' 50 || fail "$size: n cancels the upload"

    # The restore prompt starts with the newest cached IPSW: its name shows
    # whole on one line, however long the cache folder's path.
    tm send-keys r
    wait_shows "$size-r1" 'Update Bay 2 with IPSW' 50 || fail "$size: r prompts" "$(tail -4 "$T/$size-r1")"
    has "$T/$size-r1" "$IPSW\$" "$size: the restore prompt shows the IPSW file name whole, at its end"
    tm send-keys Enter
    wait_shows "$size-r2" 'Update Bay 2 (iPhone 8 (Global)) to iOS 17.5.1 (21F90), keeping its data? [y/N]' 100 \
        && ok "$size: the Update confirmation reads whole" || fail "$size: Update confirmation" "$(tail -6 "$T/$size-r2")"
    check "$size: the preflight names the IPSW file whole" all "shows $size-r2 'Preflight: Update with'" "grep -q '$IPSW' '$T/$size-r2'"
    # The checks that did not pass come first; the rest scrolls while the
    # question waits.
    check "$size: the preflight lists what did not pass first" \
        [ "$(grep -E '^  (ok|warn|FAIL) ' "$T/$size-r2" | head -1 | awk '{print $1}')" = warn ]
    if grep -q '↓ [0-9]* more' "$T/$size-r2"; then
        tm send-keys NPage
        wait_screen "$size-r2p" '↑ [0-9]+ more' 50 && ok "$size: PgDn scrolls the preflight while the question waits" \
            || fail "$size: PgDn on the preflight" "$(cat "$T/$size-r2p")"
        check "$size: ... and the question is still open" shows "$size-r2p" 'keeping its data? [y/N]'
    fi
    tm send-keys n
    wait_screen "$size-r3" 'Cancelled' 50 || fail "$size: n cancels the Update"

    tm send-keys R
    wait_shows "$size-e1" 'ERASE Bay 2 with IPSW' 50 || fail "$size: R prompts" "$(tail -4 "$T/$size-e1")"
    tm send-keys Enter
    wait_shows "$size-e2" 'ERASE Bay 2 (iPhone 8 (Global)) deletes all its data. Type the last 4 digits of its ECID (...CDEF):' 100 \
        && ok "$size: the Erase prompt reads whole, down to the digits to type" || fail "$size: Erase prompt" "$(tail -6 "$T/$size-e2")"
    tm send-keys 12
    wait_shows "$size-e3" '(...CDEF): 12' 50 && ok "$size: typed digits show after the question" || fail "$size: typed digits" "$(tail -4 "$T/$size-e3")"
    check "$size: nothing drawn past the edge" [ "$(wc -L <"$T/$size-e3")" -le "${size%x*}" ]
    tm send-keys Escape
    wait_screen "$size-e4" 'Cancelled' 50 || fail "$size: Esc cancels the Erase" "$(tail -3 "$T/$size-e4")"
done
tm send-keys q
wait_for "$T/exit" EXITED 30 && ok "q quits" || fail "q quits"
has "$T/exit" 'EXITED 0' "console exits 0"
