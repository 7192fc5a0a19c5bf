#!/usr/bin/env python3
"""make mutants: small deliberate breakages of safety-critical code, one at a
time, each against the tests that should notice it.

usage: tests/mutants/run.py [--list] [ID_GLOB...]
  MUTANTS_DIR  scratch copy of the tree (default /tmp/ibench-mutants)

The tree (tracked and new files, not build output) is copied once to the
scratch folder and built there (plain build, `make tools`). Each mutant in
tests/mutants/mutants.txt is one edit of one file: its `old` text must occur
exactly once. The runner applies it, rebuilds (only what changed), runs the
mutant's tests one by one through tests/run.sh (stopping at the first that
fails), puts the file back, and prints `killed` (a test failed, or the
mutant no longer builds: noted) or `survived`. The last line is the rate."""
import fnmatch, os, re, shutil, subprocess, sys, time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRATCH = os.environ.get("MUTANTS_DIR", "/tmp/ibench-mutants")

def load(path):
    mutants, cur = [], None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            if cur: mutants.append(cur); cur = None
            continue
        key, _, val = line.partition(": ")
        if key == "id":
            if cur: mutants.append(cur)
            cur = {"id": val}
        elif cur is not None and key in ("what", "file", "old", "new", "tests"):
            cur[key] = val.replace("\\t", "\t").replace("\\n", "\n") if key in ("old", "new") else val
        else:
            sys.exit("mutants.txt: bad line: %r" % line)
    if cur: mutants.append(cur)
    for m in mutants:
        missing = [k for k in ("what", "file", "old", "new", "tests") if k not in m]
        if missing: sys.exit("mutant %s lacks %s" % (m.get("id"), ", ".join(missing)))
    return mutants

def sh(cmd, cwd, log=None, env=None):
    e = dict(os.environ); e.update(env or {})
    with open(log or os.devnull, "a") as f:
        return subprocess.call(cmd, cwd=cwd, shell=True, stdout=f, stderr=subprocess.STDOUT, env=e)

def copy_tree():
    files = subprocess.check_output(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=TOP).split(b"\0")
    if os.path.isdir(SCRATCH):
        shutil.rmtree(os.path.join(SCRATCH, "src"), ignore_errors=True)   # keep build/ for speed
    for f in files:
        if not f: continue
        f = f.decode()
        if f.startswith(("build", "firmware-cache/")): continue
        src, dst = os.path.join(TOP, f), os.path.join(SCRATCH, f)
        if not os.path.isfile(src): continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not (os.path.exists(dst) and open(dst, "rb").read() == open(src, "rb").read()):
            shutil.copy2(src, dst)

def run_test(name, log):
    """0 when the test passed, 1 when it failed."""
    unit = name.startswith("unit/")
    cmd = "sh tests/run.sh %s build" % ("--unit-only" if unit else "")
    before = os.path.getsize(log) if os.path.exists(log) else 0
    sh(cmd, SCRATCH, log, {"TESTS": name})
    out = open(log, encoding="utf-8", errors="replace").read()[before:]
    m = re.search(r"^(\d+) passed, (\d+) failed$", out, re.M)
    if not m or int(m.group(1)) == 0 and int(m.group(2)) == 0:
        return None        # the test did not run (skipped, or a wrong name)
    return 1 if int(m.group(2)) else 0

def main():
    args = sys.argv[1:]
    mutants = load(os.path.join(TOP, "tests/mutants/mutants.txt"))
    if args and args[0] == "--list":
        for m in mutants: print("%-22s %-28s %s" % (m["id"], m["file"], m["what"]))
        return 0
    if args: mutants = [m for m in mutants if any(fnmatch.fnmatch(m["id"], a) for a in args)]
    os.makedirs(SCRATCH, exist_ok=True)
    copy_tree()
    log = os.path.join(SCRATCH, "mutants.log")
    open(log, "w").close()
    print("scratch copy: %s (log: %s)" % (SCRATCH, log), flush=True)
    if sh("make -s tools", SCRATCH, log) != 0:
        print("the unmutated tree does not build: see %s" % log); return 2
    # Every mapped test must pass on the unmutated tree, or it would "kill"
    # every mutant mapped to it.
    broken = set()
    for t in sorted({t for m in mutants for t in m["tests"].split()}):
        if run_test(t, log) != 0:
            broken.add(t)
            print("baseline: %s does not pass unmutated; not used" % t, flush=True)
    results = []
    for m in mutants:
        path = os.path.join(SCRATCH, m["file"])
        orig = open(path, encoding="utf-8").read()
        n = orig.count(m["old"])
        if n != 1:
            print("%-22s ERROR: old text found %d times in %s" % (m["id"], n, m["file"]), flush=True)
            results.append((m, "error", "")); continue
        t0 = time.time()
        with open(log, "a") as f: f.write("\n===== %s: %s\n" % (m["id"], m["what"]))
        open(path, "w", encoding="utf-8").write(orig.replace(m["old"], m["new"]))
        try:
            verdict, by = "survived", ""
            if sh("make -s tools", SCRATCH, log) != 0:
                verdict, by = "killed", "(does not build)"
            else:
                for t in m["tests"].split():
                    if t in broken: continue
                    r = run_test(t, log)
                    if r is None:
                        print("%-22s note: %s did not run" % (m["id"], t), flush=True)
                    elif r:
                        verdict, by = "killed", t; break
        finally:
            open(path, "w", encoding="utf-8").write(orig)
        results.append((m, verdict, by))
        print("%-22s %-8s %-34s %4.0fs  %s" % (m["id"], verdict, by, time.time() - t0, m["what"]), flush=True)
    sh("make -s tools", SCRATCH, log)   # leave the scratch build unmutated
    counted = [r for r in results if r[1] != "error"]
    surv = [r for r in counted if r[1] == "survived"]
    print("%d mutants: %d killed, %d survived (%.0f%% survive)%s" % (
        len(counted), len(counted) - len(surv), len(surv), 100.0 * len(surv) / max(1, len(counted)),
        ", %d could not be applied" % (len(results) - len(counted)) if len(results) != len(counted) else ""))
    for m, _, _ in surv: print("survived: %s (%s)" % (m["id"], m["what"]))
    return 0

if __name__ == "__main__":
    sys.exit(main())
