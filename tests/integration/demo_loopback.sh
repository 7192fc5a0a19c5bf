# `make demo` stays on the machine: run under strace, every connect() the
# demo makes (ibench, the emulator, the stand-in engine, the catalog server)
# is to a local socket or to loopback, and every HTTP request it writes names
# a loopback host (the emulator is an HTTP proxy for restore engines, so a
# request for a public catalog would still connect to loopback); and on its
# own loopback catalog the Firmware tab lists builds, a download completes
# with progress, and the restore preflight passes.
. "$IBENCH_TOP/tests/lib.sh"
need_tmux
command -v strace >/dev/null || { echo "strace missing (tests/deps.sh installs it)"; exit 77; }
S="ibench-demo-lb-$$"
tm() { tmux -L "$S" -f /dev/null "$@"; }
on_exit "tmux -L $S kill-server 2>/dev/null"
# LeakSanitizer cannot run under ptrace; the demo test without strace keeps
# leak checking (integration/demo).
# TMPDIR: the demo's folder goes under $T, apart from any other demo running.
tm new-session -d -x 80 -y 24 "TMPDIR='$T' ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -s 512 -e trace=connect,write,writev,sendto,sendmsg -o '$T/trace' \
    sh '$IBENCH_TOP/tests/demo.sh' '$IBENCH_BUILD'; echo EXITED \$? >'$T/exit'; sleep 30"
shot() { tm capture-pane -p >"$T/$1"; }
wait_screen() { i=0; while [ $i -lt "${3:-100}" ]; do shot "$1"; grep -Eq -- "$2" "$T/$1" && return 0; sleep 0.1; i=$((i+1)); done; return 1; }

wait_screen s1 'Bay 2 +Recovery +iPhone 8' 600 && ok "the demo bench is up" || fail "demo bench" "$(cat "$T/s1")"
tm send-keys j f
wait_screen s2 '16\.7\.10 +20H350 .* signed +newest' 300 && ok "the Firmware tab lists the demo catalog's builds" \
    || fail "builds listed" "$(tail -12 "$T/s2")"
has "$T/s2" 'Firmware for iPhone10,1: 2 builds' "for the selected device's model"
wait_screen s2 '16\.7\.8 +20H343 .* - +- *$' 50 && ok "an unsigned build is marked" || fail "unsigned build" "$(tail -8 "$T/s2")"
tm send-keys f
wait_screen s3 '16\.7\.10 .*signed +newest +[0-9]+% [0-9.]+ MB/s' 300 && ok "f downloads the build with progress" \
    || fail "download progress" "$(tail -10 "$T/s3")"
wait_screen s4 '16\.7\.10 .*signed +newest +cached' 300 && ok "the download completes into the demo's cache" \
    || fail "download completes" "$(tail -10 "$T/s4")"
tm send-keys r
# The path may wrap onto a line of its own, its folder shortened: read it joined.
wait_shows s5 'with IPSW (Enter, Esc cancels):' 100 && shows s5 '20H350_Restore.ipsw' \
    && ok "r starts from the downloaded build" || fail "r prompt" "$(tail -4 "$T/s5")"
tm send-keys Enter
wait_screen s6 'Update Bay 2 .*to iOS 16\.7\.10 \(20H350\), keeping its data' 300 && ok "the restore preflight passes" \
    || fail "preflight" "$(tail -14 "$T/s6")"
has "$T/s6" '^ +ok +signed +16\.7\.10 \(20H350\) is signed' "the preflight finds the build signed in the demo's catalog"
hasnt "$T/s6" '^ +FAIL ' "no preflight check fails"
tm send-keys n q
wait_for "$T/exit" EXITED 60 && ok "q ends the demo" || fail "q ends the demo"
has "$T/exit" 'EXITED 0' "the demo exits 0"
check "the demo's folder (state, config, cache, catalog) is gone" [ -z "$(ls -d "$T"/ibench-demo.* 2>/dev/null)" ]

# Every connect(): AF_UNIX, netlink, or an address on loopback; every HTTP
# request line or Host header written: a loopback host.
python3 - "$T/trace" >"$T/net" 2>&1 <<'PY'
import re, sys
local = loop = http = 0
bad = []
for line in open(sys.argv[1], errors="replace"):
    if " connect(" in line:
        if "AF_UNIX" in line or "AF_NETLINK" in line:
            local += 1
        elif re.search(r'inet_addr\("127\.\d+\.\d+\.\d+"\)|inet_pton\(AF_INET6, "::1"', line):
            loop += 1
        else:
            bad.append(line.strip())
    hosts = re.findall(r'\\r\\nHost: ([^\s\\:/]+|\[[^\]]*\])', line)
    hosts += re.findall(r'CONNECT ([^\s\\:/]+|\[[^\]]*\]):\d+ HTTP/', line)
    for host in hosts:
        http += 1
        if host not in ("127.0.0.1", "localhost", "[::1]"):
            bad.append("request for %s: %s" % (host, line.strip()[:200]))
print("local %d loopback %d http %d other %d" % (local, loop, http, len(bad)))
for b in bad[:10]:
    print("other: " + b)
PY
sed 's/^/# /' "$T/net"
check "the demo connected to its loopback catalog server" grep -Eq 'loopback [1-9][0-9]* http [1-9]' "$T/net"
check "the demo made no connection and no request beyond loopback" grep -q ' other 0$' "$T/net"
