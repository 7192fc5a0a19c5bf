# The Firmware tab without a catalog server: the cache's builds are listed
# (cached, signing unknown), the catalog's state is said (unavailable and
# why, or the copy's date when a stale copy is used, or loading, then its
# age once loaded), and r restores the chosen cached build.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
need_vbench

export IBENCH_ENGINE="$IBENCH_TOP/tests/engine/idevicerestore"
mkdir -p "$IBENCH_CACHE" "$XDG_CONFIG_HOME/ibench"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$IBENCH_CACHE/iPhone10,1_17.5.1_21F90_Restore.ipsw"
# A second cached build, used longer ago: r must take the chosen one, not the
# most recently used.
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$IBENCH_CACHE/iPhone10,1_17.4_21E219_Restore.ipsw" --product iPhone10,1 \
    --version 17.4 --build 21E219 --fs-kb 64
touch -d '1 day ago' "$IBENCH_CACHE/iPhone10,1_17.4_21E219_Restore.ipsw"
printf '[slots]\n1-1.3 = Bay 3\n' > "$XDG_CONFIG_HOME/ibench/config"
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
console() { rm -f "$T/exit"; tui_start "cd '$IBENCH_TOP' && IBENCH_API_URL='$1' '$VBENCH' --scenario '$T/scn' -- '$IBENCH'" ${2:-}; }
quit() { tm send-keys q; wait_for "$T/exit" EXITED 30 || fail "q quits"; tm kill-server 2>/dev/null; }

# 1. Nothing listens: the fetch fails at once, and no copy was ever fetched.
#    (the catalog copy and the server come in 2 and 3; 4 is a 60x20 terminal)
console "http://127.0.0.1:1"
wait_screen s0 'Bay 3 +Recovery' 300 && ok "board up" || fail "board" "$(cat "$T/s0")"
tm send-keys f
wait_screen s1 '17\.5\.1 +21F90 .* unknown +cached' 300 && ok "offline, the tab lists the cached build, signing unknown" \
    || fail "cached build listed" "$(tail -12 "$T/s1")"
wait_screen s1 'Catalog unavailable: Failed to connect' 100 && ok "the tab says the fetch failed and why" \
    || fail "fetch failure said" "$(tail -12 "$T/s1")"
has "$T/s1" 'Firmware for iPhone10,1: 2 builds ' "the header counts the cached builds"
has "$T/s1" '17\.4 +21E219 .* unknown +cached' "every cached build is listed"
tm send-keys ']' f
wait_screen s2 '17\.5\.1 \(21F90\) is already in the cache; r restores from it' 50 && ok "f on a cached build says r restores it" \
    || fail "f on a cached build" "$(tail -4 "$T/s2")"
hasnt "$T/s2" 'not loaded yet' "no 'not loaded yet' after the fetch failed"
tm send-keys '['
wait_screen s3 '> 17\.4 +21E219' 50 || fail "[ chooses" "$(tail -8 "$T/s3")"
tm send-keys r
wait_shows s3 'with IPSW (Enter, Esc cancels):' 50 && ok "r asks for the IPSW" || fail "r prompt" "$(tail -4 "$T/s3")"
# The path may wrap onto a line of its own (its folder shortened): read it joined.
shows s3 '21E219_Restore.ipsw' && ok "r offers the chosen cached build" || fail "r offers the chosen build" "$(tail -4 "$T/s3")"
tm send-keys Enter
wait_screen s4 'Update Bay 3 .*to iOS 17\.4 \(21E219\)' 300 && ok "r restores the chosen cached build, past its preflight" \
    || fail "preflight" "$(tail -14 "$T/s4")"
tm send-keys n
quit

# 2. A copy of the catalog from two days ago, which lists another build.
mkdir -p "$IBENCH_STATE/catalog"
printf '{"identifier":"iPhone10,1","firmwares":[{"identifier":"iPhone10,1","version":"16.7.10","buildid":"20H350","filesize":3000,"url":"http://127.0.0.1:1/x.ipsw","releasedate":"2024-08-01T00:00:00Z","signed":true}]}' \
    > "$IBENCH_STATE/catalog/iPhone10,1.json"
touch -d '2 days ago' "$IBENCH_STATE/catalog/iPhone10,1.json"
day=$(date -d '2 days ago' +%Y-%m-%d)
console "http://127.0.0.1:1"
wait_screen s5 'Bay 3 +Recovery' 300 || fail "board (2)" "$(cat "$T/s5")"
tm send-keys f
wait_screen s6 "Catalog copy from $day [0-9:]+ \\(4[78] h old, STALE" 300 && ok "a stale copy is named with its date" \
    || fail "stale copy" "$(tail -12 "$T/s6")"
wait_screen s6 'fetch failed: Failed to connect' 100 && ok "... and the failed fetch with why" || fail "stale copy: why" "$(tail -12 "$T/s6")"
has "$T/s6" '16\.7\.10 +20H350 .* stale ' "the copy's builds are listed, signed marked stale"
has "$T/s6" '17\.5\.1 +21F90 .* unknown +cached' "the cached builds the copy lacks are listed too"
quit

# 3. A server that holds its answer: loading, then loaded with its age.
mkdir -p "$T/www/v4/device"
cp "$IBENCH_STATE/catalog/iPhone10,1.json" "$T/www/v4/device/iPhone10,1"
rm -f "$IBENCH_STATE/catalog/iPhone10,1.json"
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
console "http://127.0.0.1:$(cat "$T/port")/hold/cat"
wait_screen s7 'Bay 3 +Recovery' 300 || fail "board (3)" "$(cat "$T/s7")"
tm send-keys f
wait_screen s8 'Catalog: loading\.\.\.' 100 && ok "while the server holds its answer the tab says loading" \
    || fail "loading" "$(tail -12 "$T/s8")"
wait_screen s8 '17\.5\.1 +21F90 .* unknown +cached' 100 && grep -q 'Catalog: loading' "$T/s8" \
    && ok "cached builds show while loading" || fail "cached builds while loading" "$(tail -12 "$T/s8")"
touch "$T/www/.release-cat"
wait_screen s9 'Catalog 0 h old' 300 && ok "once loaded the tab gives the catalog's age" || fail "loaded" "$(tail -12 "$T/s9")"
has "$T/s9" '16\.7\.10 +20H350 .* signed +newest' "the fresh catalog's build is signed"
quit

# 4. At 60x20 the release date gives way: cached and signing unknown stay.
rm -f "$T/www/.release-cat"
console "http://127.0.0.1:1" "60 20"
wait_screen s10 '1-1\.3|Bay 3' 300 || fail "board (4)" "$(cat "$T/s10")"
tm send-keys f
wait_screen s11 '17\.5\.1 +21F90 +0\.0 GB +unknown +cached' 300 && ok "at 60 columns a cached build still shows cached, signing unknown" \
    || fail "60x20" "$(tail -10 "$T/s11")"
quit
