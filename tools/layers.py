#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/layers.py - the call graph between the model's object files, read
# from the built libraries with nm.
#
# Usage: layers.py [BUILD_DIR]     (default: build/release)
#
# Reads libmmsim_model.a and libmmsim_sim.a in BUILD_DIR.  An object calls
# into another when it has an undefined symbol the other defines.  Prints,
# for each model object, the model objects it calls into; then the objects
# (model and sim) that call into boot.o, the file that builds machines;
# then the cycles between model objects (strongly connected components),
# each edge of a cycle with the symbols it uses, and the pairs of objects
# that call each other.  Exits 1 when a model
# object other than boot.o itself calls into boot.o: the model's files sit
# below the one that builds the machine.  Only the standard library and
# binutils' nm are used.
import os
import subprocess
import sys


def archive_symbols(path):
    """{object: (defined set, undefined set)} from nm on an archive."""
    out = subprocess.run(["nm", "-A", "-g", path], check=True, capture_output=True,
                         text=True).stdout
    objs = {}
    for line in out.splitlines():
        # "lib.a:obj.c.o:0000000000000000 T name" or "lib.a:obj.c.o:                 U name"
        parts = line.rsplit(":", 2)
        if len(parts) < 3:
            continue
        obj = parts[1]
        fields = parts[2].split()
        if len(fields) < 2:
            continue
        kind, name = fields[-2], fields[-1]
        d, u = objs.setdefault(obj, (set(), set()))
        (u if kind == "U" else d).add(name)
    return objs


def short(obj):
    return obj[:-len(".c.o")] if obj.endswith(".c.o") else obj


def sccs(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
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
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    model = archive_symbols(os.path.join(build, "libmmsim_model.a"))
    simlib = os.path.join(build, "libmmsim_sim.a")
    sim = archive_symbols(simlib) if os.path.exists(simlib) else {}

    owner = {}
    for obj, (defined, _) in model.items():
        for s in defined:
            owner[s] = obj

    def calls(objs):
        edges = {}
        for obj, (_, undef) in objs.items():
            for s in undef:
                o = owner.get(s)
                if o and o != obj:
                    edges.setdefault(obj, {}).setdefault(o, set()).add(s)
        return edges

    medges = calls(model)
    sedges = calls(sim)

    print("model objects and the model objects they call into:")
    for obj in sorted(model):
        print(f"  {short(obj)}: {' '.join(short(o) for o in sorted(medges.get(obj, {}))) or '-'}")

    print("callers of boot.o (it builds and tears down machines):")
    bad = []
    boot = "boot.c.o"
    for kind, edges in (("model", medges), ("sim", sedges)):
        for obj in sorted(edges):
            if boot in edges[obj]:
                print(f"  {kind} {short(obj)}: {' '.join(sorted(edges[obj][boot]))}")
                if kind == "model":
                    bad.append(obj)
    if not any(boot in e for e in list(medges.values()) + list(sedges.values())):
        print("  none")

    print("cycles between model objects:")
    graph = {o: set(t) for o, t in medges.items()}
    found = False
    for comp in sccs(model.keys(), graph):
        if len(comp) < 2:
            continue
        found = True
        print(f"  {{{', '.join(short(o) for o in comp)}}}")
        for a in comp:
            for b in sorted(medges.get(a, {})):
                if b in comp:
                    print(f"    {short(a)} -> {short(b)}: {' '.join(sorted(medges[a][b]))}")
    if not found:
        print("  none")

    print("pairs of model objects that call each other:")
    pairs = [(a, b) for a in sorted(medges) for b in sorted(medges[a])
             if a < b and a in medges.get(b, {})]
    for a, b in pairs:
        print(f"  {short(a)} <-> {short(b)}")
    if not pairs:
        print("  none")

    if bad:
        print(f"layers: model objects call into boot.o: {' '.join(short(o) for o in bad)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
