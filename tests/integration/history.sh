# `ibench history` on a large history.jsonl (read in one linear pass; it was
# quadratic: 20,000 rows took 8.5 s) with retried jobs and a torn line.
. "$IBENCH_TOP/tests/lib.sh"
mkdir -p "$IBENCH_STATE"
python3 - "$IBENCH_STATE/history.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(1, 20001):
        r = {"job": i, "ecid": "0012345678ABCDEF", "product_type": "iPhone10,3", "model": "iPhone X",
             "board": "d22ap", "version": "17.5.1", "build": "21F90", "behavior": "Update",
             "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:10:00Z", "result": "succeeded",
             "exit_code": 0, "triage": "none", "cause": "", "log": "/x/%d/engine.log" % i}
        f.write(json.dumps(r) + "\n")
        if i == 10000: f.write('{"job": 10001, "resu\n')          # a torn line mid-file
    # job 5 retried: its last attempt is the row kept, at the end
    f.write(json.dumps({"job": 5, "result": "failed", "behavior": "Update", "ecid": "0012345678ABCDEF"}) + "\n")
PY
"$IBENCH" history --json >"$T/h.json"; rc=$?
check "history --json exits 0" [ $rc = 0 ]
python3 -c '
import json,sys; rows=json.load(open(sys.argv[1]))
assert len(rows) == 20000, len(rows)
assert [r["job"] for r in rows[:5]] == [1, 2, 3, 4, 6] and rows[-1]["job"] == 5 and rows[-1]["result"] == "failed", rows[-1]
assert len({r["job"] for r in rows}) == 20000' "$T/h.json"
check "20,000 rows listed once each; a retried job keeps its last row" [ $? = 0 ]
"$IBENCH" history >"$T/h.txt"
check "history lists 20,000 rows as text" [ "$(grep -c '^[0-9]' "$T/h.txt")" = 20000 ]
"$IBENCH" history --csv >"$T/h.csv"
check "history --csv: a header and 20,000 rows" [ "$(wc -l <"$T/h.csv")" = 20001 ]
