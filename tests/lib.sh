# Shared helpers for integration tests (sourced by tests/integration/*.sh).
# Each check prints "ok - name" or "not ok - name: why" for tests/run.sh.
set -u
: "${IBENCH_BUILD:=$(pwd)/build}"
: "${IBENCH_TOP:=$(pwd)}"
IBENCH="$IBENCH_BUILD/ibench"
VBENCH="${IBENCH_VBENCH:-$IBENCH_BUILD/vbench}"
T=$(mktemp -d /tmp/ibench-t.XXXXXX)
export XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state" XDG_CACHE_HOME="$T/cache"
export IBENCH_CACHE="$T/firmware-cache" IBENCH_STATE="$T/state/ibench"
unset IBENCH_API_URL
cleanup_hooks=""
on_exit() { cleanup_hooks="$1; $cleanup_hooks"; }
trap 'eval "$cleanup_hooks"; rm -rf "$T"' EXIT INT TERM

ok()   { echo "ok - $1"; }
fail() { echo "not ok - $1${2:+: $2}"; }
# check NAME COMMAND...: ok when the command succeeds. Returns the command's
# status, so `check A cmd && check B cmd2` stops at the first failure. Only
# the one COMMAND is asserted: `check N [ a ] && [ b ]` does not assert b;
# write `check N [ a -a b ]` or `check N all '[ a ]' '[ b ]'`.
check() { n=$1; shift; if "$@"; then ok "$n"; return 0; else _rc=$?; fail "$n" "command failed: $*"; return $_rc; fi; }
# all 'CMD' 'CMD'...: true when every shell command (evaluated) is true
all() { for _c in "$@"; do eval "$_c" || return 1; done; return 0; }
# has FILE REGEX NAME: ok when an extended regex matches a line of FILE
has() { if grep -Eq -- "$2" "$1"; then ok "$3"; else fail "$3" "no line matching /$2/ in $1"; echo "# --- $1:"; sed 's/^/# /' "$1" | tail -n 40; fi; }
# Damage a file for sure: invert one byte (a fixed value could already be there).
flip_byte() { python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1)[0]
f.seek(int(sys.argv[2])); f.write(bytes([b ^ 0xff]))' "$1" "$2"; }
# Make a hex checksum file wrong for sure: change its first digit to another.
flip_hex_digit() { python3 -c 'import sys
s = open(sys.argv[1]).read(); open(sys.argv[1], "w").write(("1" if s[0] == "0" else "0") + s[1:])' "$1"; }
hasnt() { if grep -Eq -- "$2" "$1"; then fail "$3" "unexpected /$2/ in $1"; sed 's/^/# /' "$1" | tail -n 20; else ok "$3"; fi; }
# wait_for FILE REGEX [SECONDS]: poll until a line matches (for logs written by a running program)
wait_for() { i=0; lim=$(( ${3:-10} * 10 )); while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -ge $lim ] && return 1; sleep 0.1; done; return 0; }
# start_muxd: builds and starts the stand-in usbmuxd (tests/vbench/muxd*.c) on
# $T/mux.sock and exports USBMUXD_SOCKET_ADDRESS; mux_send LINE drives it
# (attach key=value..., detach UDID, quit: see tests/vbench/probe/muxd_standalone.c).
start_muxd() {
    _p="$IBENCH_TOP/tests/vbench"
    cc -std=gnu11 -D_GNU_SOURCE -O1 -g $(sh "$_p/features.sh") -o "$T/muxd" "$_p/probe/muxd_standalone.c" "$_p"/muxd*.c \
        $(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0) 2>"$T/muxd-cc.log" || return 1
    mkfifo "$T/mux.ctl"
    "$T/muxd" "$T/mux.sock" <"$T/mux.ctl" >"$T/mux.log" 2>&1 &
    on_exit "kill $! 2>/dev/null"
    exec 3>"$T/mux.ctl"
    wait_for "$T/mux.log" '^ready' 30 || return 1
    export USBMUXD_SOCKET_ADDRESS="UNIX:$T/mux.sock"
}
mux_send() { printf '%s\n' "$1" >&3; }

# Terminal tests: tui_start "COMMAND" [COLS ROWS] runs COMMAND in a private
# tmux server (default 80x24); when it ends, $T/exit holds "EXITED <status>".
# tm talks to that server, shot NAME captures the screen into $T/NAME, and
# wait_screen NAME REGEX [TENTHS] captures until a line matches (10 s default).
TMUX_SERVER="ibench-t-$$"
tm() { tmux -L "$TMUX_SERVER" -f /dev/null "$@"; }
# A server killed a moment before may still be going away, and a new one
# started on its socket then dies ("server exited unexpectedly"): try again.
tui_start() {
    on_exit "tmux -L $TMUX_SERVER kill-server 2>/dev/null"
    _i=0
    until tm new-session -d -x "${2:-80}" -y "${3:-24}" "$1; echo EXITED \$? >'$T/exit'; sleep 30" 2>/dev/null; do
        _i=$((_i + 1)); [ $_i -lt 50 ] || { echo "# tmux would not start"; return 1; }; sleep 0.1
    done
}
shot() { tm capture-pane -p >"$T/$1"; }
wait_screen() { i=0; while [ $i -lt "${3:-100}" ]; do shot "$1"; grep -Eq -- "$2" "$T/$1" && return 0; sleep 0.1; i=$((i+1)); done; return 1; }
need_tmux() { command -v tmux >/dev/null 2>&1 || { echo "tmux missing"; exit 77; }; }
need_vbench() {
    command -v umockdev-wrapper >/dev/null 2>&1 || { echo "umockdev-wrapper not installed"; exit 77; }
    [ -x "$VBENCH" ] || { echo "$VBENCH not built"; exit 77; }
}
# need_real_engine: Debian's own idevicerestore, only inside the private
# network namespace (it contacts Apple by name and by fixed addresses), and
# only in the plain pass: its waits (signing fallbacks, iBoot reconnects) are
# the same whatever ibench is built with, and the ASan pass covers ibench's
# restore code with the stand-in engines.
need_real_engine() {
    command -v idevicerestore >/dev/null 2>&1 || { echo "idevicerestore not installed"; exit 77; }
    need_vbench
    [ "${IBENCH_NETNS:-}" = 1 ] || { echo "refusing to run the real engine outside the private network namespace"; exit 77; }
    case "$IBENCH_BUILD" in *asan*) echo "real engine runs in the plain pass only"; exit 77 ;; esac
    if ping -c1 -W1 17.151.36.30 >/dev/null 2>&1; then echo "network reachable: refusing to run the real engine"; exit 77; fi
}
# Wrapped text: joined NAME prints the captured screen $T/NAME as one line,
# blanks and line ends squeezed to one space, so a sentence wrapped over
# several lines reads whole; shows NAME TEXT is true when it holds TEXT
# (spaces squeezed too); wait_shows NAME TEXT [TENTHS] captures until it does.
joined() { tr -s ' \n' '  ' <"$T/$1"; }
shows() { joined "$1" | grep -Fq -- "$(printf '%s' "$2" | tr -s ' ')"; }
wait_shows() { i=0; while [ $i -lt "${3:-100}" ]; do shot "$1"; shows "$1" "$2" && return 0; sleep 0.1; i=$((i+1)); done; return 1; }
