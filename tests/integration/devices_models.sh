# Models newer than the build: the catalog's device list cached by
# `ibench models --refresh` identifies a Recovery device the compiled table
# lacks; installed and user tables are read at start, newest origin winning;
# malformed rows are named and skipped.
. "$IBENCH_TOP/tests/lib.sh"

need_vbench

mkdir -p "$T/www/v4"
cat >"$T/www/v4/devices" <<'JSON'
[{"name":"iPhone 18 Pro","identifier":"iPhone19,1","boardconfig":"D93AP","platform":"t8160","cpid":33120,"bdid":12,
  "boards":[{"boardconfig":"D93AP","platform":"t8160","cpid":33120,"bdid":12}]},
 {"name":"iPhone 8","identifier":"iPhone10,1","boardconfig":"D20AP","platform":"t8015","cpid":32789,"bdid":2,
  "boards":[{"boardconfig":"D20AP","platform":"t8015","cpid":32789,"bdid":2}]},
 {"name":"No chip","identifier":"iPhone98,1","boardconfig":"X1AP","boards":[{"boardconfig":"X1AP"}]},
 {"name":"Evil \u001b[31mred","identifier":"iPhone97,1","boards":[{"boardconfig":"E1AP","cpid":33121,"bdid":1}]}]
JSON
python3 "$IBENCH_TOP/tests/httpd.py" "$T/www" "$T/port" >"$T/http.log" 2>&1 &
on_exit "kill $! 2>/dev/null"
i=0; while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
API="http://127.0.0.1:$(cat "$T/port")"

cat > "$T/s" <<'S'
device X cpid=0x8160 bdid=0x0c ecid=0x0000001900000001 port=1-1.1
at 0 plug X recovery
S
( cd "$IBENCH_TOP" && timeout 90 "$VBENCH" --scenario "$T/s" --log "$T/s.log" -- sh -c '
  "$0" list --json > "$1/before.json"
  "$0" --api "$2" models --refresh > /dev/null 2> "$1/refresh.err"; echo "refresh=$?"
  "$0" list --json > "$1/after.json"
  "$0" list > "$1/after.txt"' "$IBENCH" "$T" "$API" ) >"$T/out" 2>&1

has "$T/out" '^refresh=0$' "models --refresh exits 0"
has "$T/refresh.err" '3 rows' "models --refresh counts the usable rows (a board without a chip is skipped)"
python3 - "$T/before.json" "$T/after.json" >"$T/py" 2>&1 <<'PY'
import json, sys
before = [r for r in json.load(open(sys.argv[1])) if r["port"] == "1-1.1"]
after = [r for r in json.load(open(sys.argv[2])) if r["port"] == "1-1.1"]
assert before and before[0]["product_type"] is None and before[0]["cpid"] == "0x8160", before
assert after and after[0]["product_type"] == "iPhone19,1" and after[0]["name"] == "iPhone 18 Pro", after
assert after[0]["board"] == "d93ap", after
print("ok")
PY
check "a device the compiled table lacks is unknown before the refresh and identified after it" grep -q '^ok$' "$T/py"
grep -v '^ok$' "$T/py" | sed 's/^/# /'
has "$T/after.txt" 'Recovery +iPhone 18 Pro +iPhone19,1' "list text names the newly known model"

C="$IBENCH_STATE/models-catalog.tsv"
check "the cached table is in the state folder" [ -f "$C" ]
check "no temporary file is left beside it" [ "$(ls "$IBENCH_STATE" | grep -c -v '^models-catalog.tsv$\|^catalog$\|^jobs$\|^locks$')" = 0 ]
hasnt "$C" "$(printf '\033')" "no escape sequence from the catalog reaches the cached table"
"$IBENCH" models >"$T/m.txt" 2>"$T/m.err"
has "$T/m.txt" "^iPhone19,1 +iPhone 18 Pro +d93ap +8160 +0c +faceid +catalog $(date -u +%Y-%m-%d)" "models shows a catalog row with its date (a new iPhone gets the Face ID buttons)"
has "$T/m.txt" '^iPhone10,1 +iPhone 8 +d20ap +8015 +02 +faceid +catalog ' "a catalog row replaces the compiled row of the same chip"
has "$T/m.txt" '^iPhone10,3 +iPhone X \(Global\) +d22ap +8015 +06 +faceid +compiled$' "rows the catalog does not list stay compiled"
"$IBENCH" --json models >"$T/m.json"
python3 -c '
import json, sys
r = [m for m in json.load(open(sys.argv[1])) if m["product_type"] == "iPhone10,1"][0]
assert r["short_name"] == "iPhone 8 Global", r' "$T/m.json"
check "a catalog row keeps the known short name of its model" [ $? = 0 ]

# A failed refresh keeps the cached table.
cp "$C" "$T/c.before"
"$IBENCH" --api "$API/status/500" models --refresh >/dev/null 2>"$T/f.err"; rc=$?
check "a failed refresh exits 4" [ $rc = 4 ]
has "$T/f.err" 'HTTP 500' "a failed refresh says why"
check "a failed refresh keeps the cached table" cmp -s "$C" "$T/c.before"

# Installed and user tables: the user's row wins over the catalog's, the
# installed one loses to it; bad rows are named by file and line.
mkdir -p "$T/data" "$XDG_CONFIG_HOME/ibench"
printf 'product_type\tmarketing_name\thardware_model\tcpid\tbdid\tfamily\tbutton_scheme\tshort_name\n' >"$T/data/models.tsv"
printf 'iPhone19,1\tiPhone 18 Pro (installed)\td93ap\t0x8160\t0x0c\tiPhone\tfaceid\n' >>"$T/data/models.tsv"
printf 'iPhone19,5\tiPhone 18 Air\td95ap\t0x8160\t0x10\tiPhone\tfaceid\tiPhone 18 Air\n' >>"$T/data/models.tsv"
printf '# mine\niPhone19,1\tiPhone 18 Pro (shop)\td93ap\t0x8160\t0x0c\tiPhone\tfaceid\tiPhone 18 Pro shop\n' >"$XDG_CONFIG_HOME/ibench/models.tsv"
printf 'iPhone19,2\tBroken\td94ap\tnothex\t0x0c\tiPhone\tfaceid\n' >>"$XDG_CONFIG_HOME/ibench/models.tsv"
printf 'iPhone19,3\tShort\n' >>"$XDG_CONFIG_HOME/ibench/models.tsv"
IBENCH_DATADIR="$T/data" "$IBENCH" models >"$T/u.txt" 2>"$T/u.err"; rc=$?
check "malformed rows do not stop ibench" [ $rc = 0 ]
has "$T/u.txt" '^iPhone19,1 +iPhone 18 Pro \(shop\) .* user$' "the user's row wins over the catalog's and the installed one"
has "$T/u.txt" '^iPhone19,5 +iPhone 18 Air +d95ap .* installed$' "an installed row the others lack is read"
has "$T/u.err" "models.tsv:3: CPID 'nothex' is not hex" "a bad CPID is named with file and line"
has "$T/u.err" 'models.tsv:4: 2 columns' "a short row is named with file and line"
