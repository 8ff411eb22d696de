"""Time `validate` on rulesets of many criteria: validation must grow linearly with size.

    python bench/validate_big.py [--criteria 1000,2000,5000,10000] [--repeat 3] [--chain]

Each ruleset has K criteria in K/50 groups (cycling attainment, bands, pass/fail and
deductions over 60 indicator names), a classification, a ranking that names a group, gates
and awards: the shape of a national sheet with every line of every ministry. Prints one
Markdown row per K: the ruleset's size, the best of `repeat` timings of
`emuscore.load_ruleset` (parse, structure, every check) and of the whole `emuscore validate`
command in a fresh process, and microseconds per criterion (flat when linear).

--chain: K formula criteria instead, each reading the one before (criterion.c{i-1} / 2), the
shape that made the reference check quadratic (a search from every criterion).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import emuscore


def ruleset_text(k: int) -> str:
    groups = max(1, k // 50)
    out = ['[ruleset]\nid = "big"\ntitle = "big"\nversion = "1"\nscale = 2\n']
    for g in range(groups):
        out.append(f'[[groups]]\nid = "g{g}"\nmax = 100\n')
    for i in range(k):
        ind = f"i{i % 60}"
        group = f'group = "g{i % groups}"\n'
        kind = i % 4
        if kind == 0:
            out.append(f'[[criteria]]\nid = "c{i}"\n{group}scorer = "attainment"\nmax = 2\n'
                       f'actual = "{ind}"\ntarget = "t{i % 60}"\n')
        elif kind == 1:
            out.append(f'[[criteria]]\nid = "c{i}"\n{group}scorer = "bands"\nmax = 2\n'
                       f'value = "{ind}"\nthresholds = [\n  {{ at_least = 90, points = 2 }},\n'
                       '  { at_least = 50, points = 1 },\n]\n')
        elif kind == 2:
            out.append(f'[[criteria]]\nid = "c{i}"\n{group}scorer = "pass_fail"\nmax = 1\n'
                       f'value = "{ind}"\n')
        else:
            out.append(f'[[criteria]]\nid = "c{i}"\nscorer = "deduction"\nmax = 1\n'
                       f'count = "{ind}"\npoints = 0.5\n')
    out.append('[classification]\nbands = [\n  { label = "excellent", min_total = 90 },\n'
               '  { label = "good", min_total = 70 },\n  { label = "other" },\n]\n')
    out.append('[ranking]\norder = ["total desc", "group:g0 desc", "unit_id asc"]\n')
    out.append('[[gates]]\nid = "clean"\nindicator = "i0"\nat_most = 0\n')
    out.append('[[awards]]\nid = "flag"\nper_cluster = 1\n'
               'requires = { classification = "excellent", gates = ["clean"] }\n')
    return "\n".join(out)


def chain_text(k: int) -> str:
    out = ['[ruleset]\nid = "chain"\ntitle = "chain"\nversion = "1"\nscale = 2\n'
           '[[groups]]\nid = "g"\nmax = 100000\n']
    for i in range(k):
        expr = "x" if i == 0 else f"criterion.c{i - 1} / 2"
        out.append(f'[[criteria]]\nid = "c{i}"\ngroup = "g"\nscorer = "formula"\nmax = 1\n'
                   f'expr = "{expr}"\n')
    out.append('[ranking]\norder = ["total desc", "unit_id asc"]\n')
    return "\n".join(out)


def best_of(repeat: int, run: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--criteria", default="1000,2000,5000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chain", action="store_true")
    args = parser.parse_args()
    print("| criteria | ruleset | load_ruleset | `emuscore validate` | µs per criterion |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for k in (int(x) for x in args.criteria.split(",")):
            path = Path(tmp) / f"big-{k}.toml"
            path.write_text((chain_text if args.chain else ruleset_text)(k), encoding="utf-8")
            library = best_of(args.repeat, lambda p=path: emuscore.load_ruleset(p))
            command = [sys.executable, "-m", "emuscore", "validate", str(path)]
            cli = best_of(args.repeat, lambda c=command: subprocess.run(c, check=True,
                                                                         capture_output=True))
            size = path.stat().st_size
            print(f"| {k:,} | {size / 1e6:.1f} MB | {library:.2f} s | {cli:.2f} s | "
                  f"{library / k * 1e6:.0f} |", flush=True)


if __name__ == "__main__":
    main()
