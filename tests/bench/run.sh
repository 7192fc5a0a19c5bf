#!/bin/sh
# make bench: runs every tests/bench/*.sh (each prints its own figures) inside a
# private network namespace, like the tests.
set -u
BUILD=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${IBENCH_NETNS:-}" ]; then
    export IBENCH_NETNS=1
    if [ "$(id -u)" = 0 ]; then exec unshare -n sh -c "ip link set lo up && exec sh '$0' '$BUILD'"; fi
    exec unshare -rn sh -c "ip link set lo up; exec sh '$0' '$BUILD'"
fi
export IBENCH_BUILD="$BUILD" IBENCH_TOP="$top"
cd "$top"
for b in tests/bench/*.sh; do
    [ "$(basename "$b")" = run.sh ] && continue
    echo "=== $(basename "$b" .sh)"
    sh "$b" "$BUILD" || echo "(benchmark $(basename "$b") failed)"
done
