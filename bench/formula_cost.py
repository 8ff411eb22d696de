"""What a formula criterion costs beside the built-in scorer it re-expresses.

    python bench/formula_cost.py DATA [--pairs 5]

DATA is a cluster-40 data folder (`tests/cluster40.py` or the peers' `gen.py` writes
one). Each criterion of `rulesets/cluster-40.toml` is scored alone by its built-in scorer
and, interleaved with it, its twin of `rulesets/cluster-40-formulas.toml` (same id), on
the same loaded data, in one thread; the median of the pairs' times per kind of scorer
and their ratio are printed as a Markdown table. Issue 10 asks for at most 2x.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

import emuscore
from emuscore.manager import default_registry
from emuscore.pipeline.score import score_criterion

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    registry = default_registry()
    builtin = emuscore.load_ruleset(ROOT / "rulesets/cluster-40.toml", registry)
    formulas = emuscore.load_ruleset(ROOT / "rulesets/cluster-40-formulas.toml", registry)
    data = emuscore.load_data(args.data, registry=registry)
    times: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(args.pairs):
        pair: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for c in builtin.criteria:
            twin = formulas.criterion(c.id)
            for side, (ruleset, criterion) in enumerate(((builtin, c), (formulas, twin))):
                start = time.perf_counter()
                score_criterion(ruleset, data, criterion, registry.scorers[criterion.scorer])
                pair[c.scorer][side] += time.perf_counter() - start
        for kind, (a, b) in pair.items():
            times[kind].append((a, b))
    print(f"| N = {data.size} | built-in (s) | formula (s) | formula / built-in |")
    print("|---|---:|---:|---:|")
    for kind, pairs in times.items():
        a = statistics.median(p[0] for p in pairs)
        b = statistics.median(p[1] for p in pairs)
        ratio = statistics.median(p[1] / p[0] for p in pairs)
        count = sum(1 for c in builtin.criteria if c.scorer == kind)
        print(f"| {kind} ({count}) | {a:.3f} | {b:.3f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
