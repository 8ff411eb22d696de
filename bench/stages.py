"""Time emuscore's stages on one data folder: load, score (+ classify), rank, award, write.

    python bench/stages.py DATA [--ruleset FILE] [--criteria K] [--profile N]

--criteria K scores a cluster-40-like ruleset with K criteria instead (K/2 attainment,
K/4 bands, K/8 pass/fail, K/8 deductions, cycling over the same 60 indicators), to see
how the cost grows with the number of criteria. Prints one Markdown table row:
N, criteria, seconds per stage, total, peak RSS (MB). --profile N prints cProfile's
N most expensive functions (cumulative) instead of timing quietly.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import emuscore
from emuscore.io.atomic import write_atomically
from emuscore.io.results import to_csv
from emuscore.manager import default_registry
from emuscore.pipeline.awards import award
from emuscore.pipeline.classify import classify
from emuscore.pipeline.inputs import check_inputs
from emuscore.pipeline.rank import rank
from emuscore.pipeline.score import score
from emuscore.result import Result

HERE = Path(__file__).resolve().parent
COLUMNS = ["unit_id", "total", "cluster_rank", "award:flag"]


def ruleset_with(criteria: int) -> str:
    """A cluster-40-shaped ruleset with `criteria` criteria (a multiple of 8)."""
    att, bands, flags, ded = criteria // 2, criteria // 4, criteria // 8, criteria // 8
    parts = ['[ruleset]\nid = "cluster-k"\ntitle = "cluster-40 shape, k criteria"\n'
             'version = "1"\nscale = 2\nrounding = "half-up"\n',
             f'[[groups]]\nid = "A"\nmax = {4 * att}\n', f'[[groups]]\nid = "B"\nmax = {2 * bands}\n',
             f'[[groups]]\nid = "C"\nmax = {2 * flags}\n']
    for k in range(att):
        parts.append(f'[[criteria]]\nid = "att_{k}"\ngroup = "A"\nscorer = "attainment"\nmax = 3\n'
                     f'actual = "a_{k % 20 + 1}"\ntarget = "t_{k % 20 + 1}"\n'
                     'bonus = { per_percent = 0.05, cap = 0.5 }\n')
    for k in range(bands):
        parts.append(f'[[criteria]]\nid = "band_{k}"\ngroup = "B"\nscorer = "bands"\nmax = 2\n'
                     f'value = "v_{k % 10 + 1}"\nthresholds = [{{ at_least = 95, points = 2 }}, '
                     '{ at_least = 90, points = 1.5 }, { at_least = 80, points = 1 }]\n')
    for k in range(flags):
        parts.append(f'[[criteria]]\nid = "bool_{k}"\ngroup = "C"\nscorer = "pass_fail"\nmax = 2\n'
                     f'value = "b_{k % 5 + 1}"\n')
    for k in range(ded):
        parts.append(f'[[criteria]]\nid = "ded_{k}"\nscorer = "deduction"\nmax = 2\n'
                     f'count = "d_{k % 5 + 1}"\npoints = 0.5\n')
    parts.append('[ranking]\norder = ["total desc", "group:A desc", "deductions desc", '
                 '"unit_id asc"]\n\n[[gates]]\nid = "b1"\nindicator = "b_1"\nequals = 1\n\n'
                 '[[awards]]\nid = "flag"\nper_cluster = 1\n'
                 f'requires = {{ max_rank = 1, min_total = {(4 * att + 2 * bands + 2 * flags) * 9 // 10}, '
                 'gates = ["b1"] }\n')
    return "\n".join(parts)


def stages(data: Path, ruleset: emuscore.Ruleset) -> dict[str, float]:
    registry = default_registry()
    times: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        times[name] = now - t
        t = now

    dataset = emuscore.load_data(data)
    lap("load")
    check_inputs(ruleset, dataset, registry)
    scores = score(ruleset, dataset, registry)
    classes = classify(ruleset, data, scores, registry)
    lap("score")
    ranks = rank(ruleset, dataset, scores)
    lap("rank")
    proposals, skips = award(ruleset, dataset, scores, classes, ranks, registry)
    lap("award")
    result = Result(ruleset, dataset, scores, classes, ranks, proposals, skips)
    with tempfile.TemporaryDirectory() as tmp:
        write_atomically(Path(tmp) / "results.csv", to_csv(result, COLUMNS, "unit_id"))
    lap("write")
    times["units"] = dataset.size
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--ruleset", type=Path, default=HERE.parent / "rulesets" / "cluster-40.toml")
    ap.add_argument("--criteria", type=int)
    ap.add_argument("--profile", type=int, metavar="N")
    args = ap.parse_args()
    ruleset = (emuscore.parse_ruleset(ruleset_with(args.criteria)) if args.criteria
               else emuscore.load_ruleset(args.ruleset))
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(stages, args.data, ruleset)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
        return
    start = time.perf_counter()
    times = stages(args.data, ruleset)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cells = " | ".join(f"{times[s]:.2f}" for s in ("load", "score", "rank", "award", "write"))
    print(f"| {int(times['units']):,} | {len(ruleset.criteria)} | {cells} | {total:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
