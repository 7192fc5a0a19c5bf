#!/bin/sh
# The test runner. Every test program prints TAP-like lines, "ok - name" or
# "not ok - name: why"; this counts them and ends with "N passed, N failed".
# A program that exits non-zero without a "not ok" line counts as one failure;
# exit 77 means skipped. It runs itself inside a private network namespace
# with only loopback up, so no test can reach an outside address.
#   tests/run.sh BUILD [ASAN_BUILD]     unit + integration (+ both again under ASan)
#   tests/run.sh --unit-only BUILD      unit tests only
#   TESTS="pattern" narrows the set (shell glob on the test name).
set -u
unit_only=0
[ "${1:-}" = "--unit-only" ] && { unit_only=1; shift; }
BUILD=$(cd "${1:-build}" && pwd)
ASAN=${2:-}
[ -n "$ASAN" ] && ASAN=$(cd "$ASAN" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${IBENCH_NETNS:-}" ]; then
    export IBENCH_NETNS=1
    args="$BUILD ${ASAN}"; [ $unit_only = 1 ] && args="--unit-only $BUILD"
    if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
        exec unshare -n sh -c "ip link set lo up && exec sh '$0' $args"
    elif unshare -rn true 2>/dev/null; then
        exec unshare -rn sh -c "ip link set lo up 2>/dev/null; exec sh '$0' $args"
    else
        echo "run.sh: cannot make a private network namespace; refusing to run tests that could reach the network" >&2
        exit 2
    fi
fi

# The emulator is test equipment: the plain build's vbench serves both passes.
export IBENCH_BUILD="$BUILD" IBENCH_TOP="$TOP" IBENCH_VBENCH="$BUILD/vbench" LC_ALL=C.UTF-8
LOGDIR=$(mktemp -d /tmp/ibench-tests.XXXXXX)
pass=0; fail=0; skip=0

# Runs one test in the background (at most TEST_JOBS at once, default 3:
# most tests wait on emulated devices, engines and terminals, not the CPU);
# report_all prints the results in start order once they are all done.
started="" pids=""
run_one() { # name, command...
    name=$1; shift
    case "$name" in ${TESTS:-*}) ;; *) return ;; esac
    log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
    while :; do   # `jobs` in a command substitution sees no jobs, so count pids
        alive=""; n=0
        for p in $pids; do kill -0 "$p" 2>/dev/null && { alive="$alive $p"; n=$((n + 1)); }; done
        pids=$alive
        [ "$n" -lt "${TEST_JOBS:-3}" ] && break
        sleep 0.2
    done
    (
        start=$(date +%s)
        ( cd "$TOP" && timeout -k 5 "${TEST_TIMEOUT:-300}" "$@" ) >"$log" 2>&1
        echo "$? $(( $(date +%s) - start ))" >"$log.rc"
    ) &
    pids="$pids $!"
    started="$started $name"
}

report_all() {
    wait
    for name in $started; do
        log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
        read -r rc secs <"$log.rc"
        p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
        if [ "$rc" = 77 ] && [ "$f" = 0 ]; then
            skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")"; continue
        fi
        if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
            f=1; echo "not ok - $name exited with status $rc" >>"$log"
        fi
        pass=$((pass + p)); fail=$((fail + f))
        if [ "$f" != 0 ]; then
            echo "FAIL $name ($p ok, $f failed, ${secs}s)"
            grep '^not ok' "$log" | head -n 20 | sed 's/^/    /'
            echo "    --- last lines of $log"
            tail -n 25 "$log" | sed 's/^/    | /'
        else
            echo "PASS $name ($p ok, ${secs}s)"
        fi
    done
    started=""
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
if [ -n "$ASAN" ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for t in "$ASAN"/tests/test_*; do
        [ -x "$t" ] && run_one "asan/$(basename "$t")" "$t"
    done
    report_all
    unset ASAN_OPTIONS UBSAN_OPTIONS
fi
report_all
if [ $unit_only = 0 ]; then
    for t in "$TOP"/tests/integration/*.sh; do
        [ -f "$t" ] && run_one "integration/$(basename "$t" .sh)" sh "$t"
    done
    # The same integration tests again with the ASan/UBSan build of ibench.
    if [ -n "$ASAN" ] && [ -x "$ASAN/ibench" ]; then
        # verify_asan_link_order=0: under the virtual bench umockdev's preload
        # comes before the ASan runtime.
        export IBENCH_BUILD="$ASAN" ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        for t in "$TOP"/tests/integration/*.sh; do
            [ -f "$t" ] && run_one "asan-integration/$(basename "$t" .sh)" sh "$t"
        done
        report_all
        export IBENCH_BUILD="$BUILD"
    fi
fi

report_all
[ $skip != 0 ] && echo "($skip test programs skipped)"
echo "logs: $LOGDIR"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
