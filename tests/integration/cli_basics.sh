# The binary's contract: help, version, exit codes, configuration errors, man page.
. "$IBENCH_TOP/tests/lib.sh"

"$IBENCH" --help >"$T/help" 2>&1; rc=$?
check "help exits 0" [ $rc = 0 ]
has "$T/help" '^Usage: ibench' "help shows usage"
has "$T/help" 'Exit codes' "help documents exit codes"
"$IBENCH" --version >"$T/ver"; has "$T/ver" '^ibench [0-9]+\.[0-9]+\.[0-9]+$' "version"

"$IBENCH" --frobnicate >/dev/null 2>&1; rc=$?
check "unknown option exits 2" [ $rc = 2 ]
"$IBENCH" frobnicate >/dev/null 2>"$T/unk"; rc=$?
check "unknown command exits 2" [ $rc = 2 ]
has "$T/unk" "unknown command 'frobnicate'" "unknown command is named"

printf 'max_restores = many\n' >"$T/bad.conf"
"$IBENCH" -c "$T/bad.conf" models >/dev/null 2>"$T/conf"; rc=$?
check "bad configuration exits 2" [ $rc = 2 ]
has "$T/conf" 'bad.conf:1: max_restores' "bad configuration names file, line and key"
"$IBENCH" -c "$T/missing.conf" models >/dev/null 2>"$T/conf2"; rc=$?
check "missing explicit configuration exits 2" [ $rc = 2 ]

man -l "$IBENCH_TOP/man/ibench.1" >"$T/man" 2>"$T/man.err"
has "$T/man" 'EXIT STATUS' "man page renders"
hasnt "$T/man.err" 'warning|error' "man page renders without warnings"
