# The restore preflight's "verified" line asks the cache how the IPSW was
# checked: against the catalog's SHA-1, by size only (the catalog had no
# checksum), or not at all; a checksum file that is a link, or one beside a
# file outside the cache, proves nothing.
. "$IBENCH_TOP/tests/lib.sh"
need_vbench
export IBENCH_API_URL="http://127.0.0.1:1/v4"
mkdir -p "$XDG_CONFIG_HOME/ibench" "$IBENCH_CACHE" "$T/elsewhere"
printf 'restore_retries = 0\n[slots]\n1-1.3 = Bay 3\n' >"$XDG_CONFIG_HOME/ibench/config"
printf '#!/bin/sh\n[ "$1" = -v ] && { echo "idevicerestore 1.0.0-213-g405fcd1"; exit 0; }\nexit 1\n' >"$T/engine"
chmod +x "$T/engine"
printf 'device A model=iPhone10,1 ecid=0x0012345678ABCDEF port=1-1.3\nat 0 plug A recovery\n' >"$T/one"
I="$IBENCH_CACHE/iPhone10,1_17.5.1_21F90_Restore.ipsw"
python3 "$IBENCH_TOP/tests/ipsw_gen.py" "$I" >/dev/null 2>&1
SUM=$(sha1sum "$I" | cut -d' ' -f1)
nb=0
preflight() { # IPSW OUT: the preflight, answered "no" (no terminal, no --yes)
    nb=$((nb + 1)); mkfifo "$T/ctl.$nb"
    ( cd "$IBENCH_TOP" && timeout 120 "$VBENCH" --scenario "$T/one" --fifo "$T/ctl.$nb" -- \
        "$IBENCH" --engine "$T/engine" restore "Bay 3" --ipsw "$1" </dev/null ) >"$2" 2>&1
}

printf '%s  %s\n' "$SUM" "$(basename "$I")" >"$I.sha1"
preflight "$I" "$T/catalog"
has "$T/catalog" "^  ok   verified +matched the catalog's SHA-1 when it was downloaded or last verified$" "a catalog SHA-1 record passes"

mv "$I.sha1" "$I.sha1-local"
preflight "$I" "$T/size"
has "$T/size" '^  warn verified +only its size was checked: the catalog has no checksum for this build$' "a size-only record is a warning that says so"

rm "$I.sha1-local"
printf '%s  %s\n' "$SUM" "$(basename "$I")" >"$T/elsewhere/sum"
ln -s "$T/elsewhere/sum" "$I.sha1"
preflight "$I" "$T/link"
has "$T/link" '^  warn verified +in the firmware cache but without a recorded checksum' "a checksum link is no record"

cp "$I" "$T/elsewhere/x.ipsw"
cp "$T/elsewhere/sum" "$T/elsewhere/x.ipsw.sha1"
preflight "$T/elsewhere/x.ipsw" "$T/outside"
has "$T/outside" '^  warn verified +not from the firmware cache' "a checksum file beside a file outside the cache is no record"
