#!/usr/bin/env python3
"""The module graph of ibench, read from its object files, and the rules it
must keep.

A module is one src/LAYER/NAME.c. Module A depends on module B when A's
object uses a symbol that B's object defines (nm), so a shared header cannot
hide a dependency. Rules:
  1. no cycle between modules;
  2. a layer uses only the layers allowed below (core < sources < app, and the
     front ends tui and cli above app, never each other nor the sources);
  3. a tui or cli file includes no header of a source module: it reaches the
     sources only through the app layer.

  tests/layers.py OBJDIR [SRCDIR]   prints one "ok"/"not ok" line per rule and
                                    the graph summary; exit 1 on a violation.
  tests/layers.py --graph OBJDIR    prints every edge "A -> B (symbol)".
"""
import os
import re
import subprocess
import sys

# The event loop (and its clock) is the runtime's own poller: front ends
# register the terminal and their timers on it, as tmux's client does on its
# event base. It is the one source module every layer above core may use.
SHARED = {"loop"}

ALLOWED = {
    "core": {"core"},
    "sources": {"core", "sources"},
    "app": {"core", "sources", "app"},
    "tui": {"core", "app", "tui"},
    "cli": {"core", "app", "cli"},
}


def modules(objdir):
    mods = {}
    for layer in ALLOWED:
        d = os.path.join(objdir, layer)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith(".o"):
                mods[f[:-2]] = (layer, os.path.join(d, f))
    return mods


def nm(args, paths):
    """{path: set of symbols} from one nm run over every object."""
    out = subprocess.run(["nm", "-A"] + args + paths, capture_output=True, text=True, check=True).stdout
    syms = {p: set() for p in paths}
    for line in out.splitlines():
        path, _, rest = line.partition(":")
        if rest.split():
            syms.setdefault(path, set()).add(rest.split()[-1])
    return syms


def graph(objdir):
    mods = modules(objdir)
    paths = [path for _, path in mods.values()]
    defined = nm(["--defined-only", "-g"], paths)
    used = nm(["-u"], paths)
    owner, uses = {}, {}
    for name, (_, path) in mods.items():
        for s in defined[path]:
            owner[s] = name
        uses[name] = used[path]
    edges = {}
    for a, syms in uses.items():
        for s in sorted(syms):
            b = owner.get(s)
            if b and b != a:
                edges.setdefault(a, {}).setdefault(b, s)
    return mods, edges


def cycles(nodes, edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def source_headers(srcdir, mods):
    """Headers that belong to a source module: include/X.h where src/sources/X.c exists."""
    return {n + ".h" for n, (layer, _) in mods.items() if layer == "sources" and n not in SHARED}


def main(argv):
    if len(argv) >= 2 and argv[0] == "--graph":
        mods, edges = graph(argv[1])
        for a in sorted(edges):
            for b, s in sorted(edges[a].items()):
                print(f"{mods[a][0]}/{a} -> {mods[b][0]}/{b} ({s})")
        return 0
    objdir = argv[0]
    srcdir = argv[1] if len(argv) > 1 else "src"
    mods, edges = graph(objdir)
    bad = 0
    if len(mods) < 20:
        print(f"not ok - layers: only {len(mods)} modules found under {objdir}")
        return 1
    print(f"# {len(mods)} modules, {sum(len(v) for v in edges.values())} dependencies")

    comps = cycles(mods, edges)
    if comps:
        bad += 1
        print("not ok - no dependency cycle between modules: " + "; ".join(" <-> ".join(c) for c in comps))
    else:
        print("ok - no dependency cycle between modules")

    wrong = []
    for a, deps in edges.items():
        la = mods[a][0]
        for b, s in deps.items():
            lb = mods[b][0]
            if lb not in ALLOWED[la] and not (b in SHARED and la != "core"):
                wrong.append(f"{la}/{a} uses {lb}/{b} ({s})")
    if wrong:
        bad += 1
        print("not ok - every module uses only the layers below it: " + "; ".join(sorted(wrong)))
    else:
        print("ok - every module uses only the layers below it")

    heads = source_headers(srcdir, mods)
    inc = []
    for layer in ("tui", "cli"):
        d = os.path.join(srcdir, layer)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".c"):
                continue
            for line in open(os.path.join(d, f), encoding="utf-8"):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m and m.group(1) in heads:
                    inc.append(f"{layer}/{f} includes {m.group(1)}")
    if inc:
        bad += 1
        print("not ok - front ends include no source header: " + "; ".join(inc))
    else:
        print("ok - front ends include no source header")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
