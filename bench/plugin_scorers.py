"""What a plugin scorer costs: cluster-40's 20 attainment criteria scored by the built-in
batch scorer, by the same batch scorer registered from a plugin, and by a per-unit
`@emuscore.plugin.scorer` function on Decimals (the API for authors who do not think in columns).

    python bench/plugin_scorers.py DATA [DATA ...]

Prints one Markdown row per data folder: units, seconds to score the 20 criteria with
each, and whether every unit's points equal the built-in's.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
from attrs import frozen

import emuscore
from emuscore.manager import Registry, get_plugin_manager
from emuscore.pipeline.score import score_criterion
from emuscore.plugin import Indicator, hookimpl, scorer
from emuscore.scorers.attainment import Attainment, Bonus

RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "cluster-40.toml"


class PluginBatch(Attainment):
    """The built-in attainment, registered by a plugin under its own name."""

    name = "attainment_plugin"


@frozen
class UnitParams:
    actual: Indicator
    target: Indicator
    bonus: Bonus


@scorer(name="attainment_per_unit", params=UnitParams,
                 bounds=lambda p, m: (Decimal(0), m + p.bonus.cap))
def attainment_per_unit(params: UnitParams, values: dict[str, Decimal | None],
                        max: Decimal) -> Decimal:
    """cluster-40's attainment, one unit at a time, as a sector author would write it."""
    a, t = values["actual"], values["target"]
    assert a is not None and t is not None
    assert params.bonus.per_percent is not None
    over = min(params.bonus.per_percent * 100 * max_(a - t, Decimal(0)), params.bonus.cap * t)
    return (max * min(a, t) + over) / t


def max_(x: Decimal, y: Decimal) -> Decimal:
    return x if x >= y else y


class Plugin:
    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(PluginBatch())
        register(attainment_per_unit)


def registry() -> Registry:
    pm = get_plugin_manager()
    pm.register(Plugin(), name="bench-plugin")
    return Registry(pm)


def timed(ruleset_text: str, data: emuscore.Dataset, reg: Registry) -> tuple[float, dict[str, np.ndarray]]:
    ruleset = emuscore.parse_ruleset(ruleset_text, registry=reg)
    attainment = [c for c in ruleset.criteria if c.id.startswith("att_")]
    start = time.perf_counter()
    points = {c.id: score_criterion(ruleset, data, c, reg.scorers[c.scorer])
              for c in attainment}
    return time.perf_counter() - start, points


def main() -> None:
    reg = registry()
    text = RULESET.read_text(encoding="utf-8")
    for folder in sys.argv[1:]:
        data = emuscore.load_data(folder)
        builtin, want = timed(text, data, reg)
        batch, got_batch = timed(text.replace('"attainment"', '"attainment_plugin"'), data, reg)
        unit, got_unit = timed(text.replace('"attainment"', '"attainment_per_unit"'), data, reg)
        same = all(np.array_equal(np.asarray(got[k], dtype=object), np.asarray(want[k], dtype=object))
                   for got in (got_batch, got_unit) for k in want)
        print(f"| {data.size:,} | {builtin:.3f} | {batch:.3f} | {unit:.2f} | "
              f"{unit / builtin:.0f}x | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
