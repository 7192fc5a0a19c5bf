# Restores by build with no catalog server: a build found in the firmware
# cache by its file name goes on to the preflight, which says the catalog's
# state (never fetched, or the copy's date and age) and that signing is
# unknown; "latest" cannot be judged offline and names the cached builds.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench

export IBENCH_ENGINE="$IBENCH_TOP/tests/engine/idevicerestore" IBENCH_API_URL="http://127.0.0.1:1"
mkdir -p "$IBENCH_CACHE"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$IBENCH_CACHE/iPhone10,1_17.5.1_21F90_Restore.ipsw"
cat > "$T/scn" <<'S'
device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3
at 0 plug A recovery
S
# Without a terminal and without --yes the question is asked and refused
# (exit 6): it is only asked once the preflight passed.
restore() { ( cd "$IBENCH_TOP" && timeout 60 "$VBENCH" --scenario "$T/scn" -- "$IBENCH" restore 1-1.3 "$@" ) </dev/null >"$T/out" 2>&1; echo $?; }

rc=$(restore --build 21F90)
check "offline, a cached build reaches the confirmation (exit 6, not a refusal: $rc)" [ "$rc" = 6 ]
has "$T/out" "^Preflight for .* with $IBENCH_CACHE/iPhone10,1_17\.5\.1_21F90_Restore\.ipsw, Update:" "the cached IPSW of that build is used"
has "$T/out" '^  warn catalog +catalog unavailable: .*no catalog copy was ever fetched.*21F90 found in the firmware cache by its name: signing status unknown' \
    "the preflight says no catalog was ever fetched and signing is unknown"
hasnt "$T/out" '^  FAIL' "no preflight check fails"
has "$T/out" 'Update 1-1\.3 .* to iOS 17\.5\.1 \(21F90\), keeping its data\?' "the restore question names the build"

rc=$(restore --latest)
check "offline, latest is refused (exit 2: $rc)" [ "$rc" = 2 ]
has "$T/out" 'which build is the latest signed one is unknown; name a build \(cached: 21F90 \(17\.5\.1\)\)' "latest offline names the cached builds"

rc=$(restore --build 21G93)
check "offline, a build neither cached nor listed is refused (exit 2: $rc)" [ "$rc" = 2 ]
has "$T/out" 'build 21G93 is not in the firmware cache \(cached: 21F90' "the refusal says what the cache holds"

# A copy of the catalog from two days ago that does not list the build.
mkdir -p "$IBENCH_STATE/catalog"
printf '{"identifier":"iPhone10,1","firmwares":[{"identifier":"iPhone10,1","version":"16.7.10","buildid":"20H350","filesize":3000,"url":"http://127.0.0.1:1/x.ipsw","releasedate":"2024-08-01T00:00:00Z","signed":true}]}' \
    > "$IBENCH_STATE/catalog/iPhone10,1.json"
touch -d '2 days ago' "$IBENCH_STATE/catalog/iPhone10,1.json"
day=$(date -d '2 days ago' +%Y-%m-%d)
rc=$(restore --build 21F90)
check "offline with an old catalog copy, the cached build reaches the confirmation ($rc)" [ "$rc" = 6 ]
has "$T/out" "^  warn catalog +catalog offline: .*; using the catalog copy from $day [0-9:]+ \\(4[78] h old, stale\\); 21F90 found in the firmware cache" \
    "the preflight gives the copy's date and age"

# The old copy lists the build: it is taken from the copy, whose date and age
# are said, and its signed flag is only a warning.
printf '{"identifier":"iPhone10,1","firmwares":[{"identifier":"iPhone10,1","version":"17.5.1","buildid":"21F90","filesize":3000,"url":"http://127.0.0.1:1/x.ipsw","releasedate":"2024-05-20T00:00:00Z","signed":true}]}' \
    > "$IBENCH_STATE/catalog/iPhone10,1.json"
touch -d '2 days ago' "$IBENCH_STATE/catalog/iPhone10,1.json"
rc=$(restore --build 21F90)
check "offline, a build the old copy lists reaches the confirmation ($rc)" [ "$rc" = 6 ]
has "$T/out" "^  warn catalog +catalog offline: .*; using the catalog copy from $day [0-9:]+ \\(4[78] h old, stale\\)\$" \
    "the preflight gives that copy's date and age"
has "$T/out" '^  warn signed +17\.5\.1 \(21F90\) is signed per a stale catalog' "signed per the old copy is a warning"
