#!/bin/sh
# make check-debian13: every test again on Debian 13 (trixie), in a root
# built from Debian's archive, from the same tree.
#   tests/debian13.sh ROOT
# - ROOT is built once with debootstrap (minbase) from the Debian mirror this
#   machine's apt uses (DEBIAN_MIRROR overrides it); ROOT/.ibench-root marks a
#   finished root, and a root without it is built again from scratch.
# - tests/deps.sh installs the project's packages in it (every run: it only
#   installs what is missing, so a grown package list reaches a cached root).
# - The checkout is copied to ROOT/src/ibench; the build products stay there.
# - `make check` runs inside, in a loopback-only network namespace (tests/run.sh
#   makes its own inside that), and the last line is "N passed, N failed".
# Needs root. Everything runs in private mount and PID namespaces, so the
# mounts (ROOT itself, /proc /sys /dev /dev/pts /dev/shm /tmp in it) and any process left
# in the root go away when this script ends, however it ends.
# TESTS, TEST_JOBS and TEST_TIMEOUT are passed on to tests/run.sh.
set -eu
ROOT=${1:?usage: tests/debian13.sh ROOT}
SUITE=trixie
TOP=$(cd "$(dirname "$0")/.." && pwd)
case "$ROOT" in /*) ;; *) ROOT="$(pwd)/$ROOT" ;; esac
ROOT=${ROOT%/}
[ "$ROOT" != "" ] && [ "$ROOT" != "/" ] || { echo "debian13: refusing ROOT=/" >&2; exit 2; }

if [ "$(id -u)" != 0 ]; then
    echo "debian13: needs root (debootstrap, chroot, mounts). Run: sudo make check-debian13" >&2
    exit 2
fi

if [ -z "${IBENCH_DEB13_NS:-}" ]; then
    # Private mounts, and a PID namespace whose end kills whatever is left.
    export IBENCH_DEB13_NS=1
    exec unshare --mount --propagation private --pid --fork sh "$0" "$ROOT"
fi

t0=$(date +%s)
say() { echo "debian13: $*"; }

teardown() {
    for m in dev/pts dev/shm dev sys proc tmp ""; do
        mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m" 2>/dev/null
    done
    return 0
}
trap 'teardown' EXIT
trap 'teardown; exit 130' INT TERM

mkdir -p "$(dirname "$ROOT")"
exec 9>"$ROOT.lock"
flock -n 9 || { say "another check-debian13 is using $ROOT; waiting"; flock 9; }

# The Debian archive this machine's apt uses (not -security, not third-party).
mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; break } }
             tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
    done | grep -E '^https?://[^ ]*/debian/?$' | head -n 1 | grep . || echo http://deb.debian.org/debian
}

STAMP="$ROOT/.ibench-root"
if [ ! -f "$STAMP" ]; then
    MIRROR=$(mirror)
    if ! command -v debootstrap >/dev/null 2>&1; then
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    fi
    if grep -q " $ROOT/" /proc/mounts; then
        say "something is mounted under $ROOT; not removing it" >&2; exit 2
    fi
    rm -rf --one-file-system "$ROOT"
    say "building a Debian 13 ($SUITE) root in $ROOT from $MIRROR"
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 || {
        tail -n 20 "$ROOT.debootstrap.log" >&2; say "debootstrap failed (log: $ROOT.debootstrap.log)" >&2; exit 1; }
    # A throwaway root: no daemons started by package scripts, no fsync per file.
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 755 "$ROOT/usr/sbin/policy-rc.d"
    echo force-unsafe-io >"$ROOT/etc/dpkg/dpkg.cfg.d/ibench-unsafe-io"
    say "root built in $(( $(date +%s) - t0 ))s"
    fresh=1
else
    say "reusing $ROOT ($(cat "$STAMP"))"
    fresh=0
fi

cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
# ROOT on itself: / in the root is then a mount point, which `unshare -m`
# (the disk-full tests) needs to make its mounts private.
mount --bind "$ROOT" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys" 2>/dev/null || mount --rbind /sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$ROOT/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"

inroot() { # COMMAND: run a shell command in the root with a clean environment
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM="${TERM:-xterm}" DEBIAN_FRONTEND=noninteractive \
        ${TESTS:+TESTS="$TESTS"} ${TEST_JOBS:+TEST_JOBS="$TEST_JOBS"} ${TEST_TIMEOUT:+TEST_TIMEOUT="$TEST_TIMEOUT"} \
        sh -c "$1"
}

t1=$(date +%s)
cp "$TOP/tests/deps.sh" "$ROOT/tmp/deps.sh"
inroot 'sh /tmp/deps.sh' || { say "installing the project's packages failed" >&2; exit 1; }
[ $fresh = 1 ] && echo "$SUITE from $(mirror), built $(date -u +%Y-%m-%dT%H:%MZ)" >"$STAMP"
say "packages ready in $(( $(date +%s) - t1 ))s ($(inroot 'dpkg-query -W -f="\${Version}" idevicerestore' | sed 's/^/idevicerestore /'), $(inroot 'dpkg-query -W -f="\${Version}" libplist-dev' | sed 's/^/libplist /'), $(inroot 'gcc -dumpfullversion' | sed 's/^/gcc /'))"

# The checkout as it is (tracked and new files, not build products or .git).
DEST="$ROOT/src/ibench"
rm -rf --one-file-system "$DEST"
mkdir -p "$DEST"
list="$ROOT/tmp/files"
if git -C "$TOP" ls-files -z --cached --others --exclude-standard >"$list" 2>/dev/null; then
    (cd "$TOP" && tar --null --ignore-failed-read -T "$list" -cf - 2>/dev/null) | tar -C "$DEST" -xf -
else
    (cd "$TOP" && tar --exclude=./.git --exclude='./build*' --exclude='./firmware-cache/*' -cf - .) | tar -C "$DEST" -xf -
fi

t2=$(date +%s)
log="$ROOT/tmp/check.log"
inroot 'cd /src/ibench && exec unshare -n sh -c "ip link set lo up && exec make check"' 2>&1 | tee "$log" || true
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)   # make's own error line may follow
say "make check in the root took $(( $(date +%s) - t2 ))s; $(( $(date +%s) - t0 ))s in all"
if [ -z "$last" ]; then
    say "make check stopped before the tests ran" >&2
    last="0 passed, 1 failed"
fi
echo "$last"
echo "$last" | grep -q ' 0 failed$'
