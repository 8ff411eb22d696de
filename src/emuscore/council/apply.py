"""A run with the council's decisions: adjustments over the data, then the pipeline with
rulings and ballots. What `finalize` runs and what `replay` runs again from a final
record's council part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from emuscore.council.adjust import apply_adjustments
from emuscore.council.decisions import Adjustment, Ballot, Decisions, Ruling
from emuscore.council.files import from_record
from emuscore.dataset import Dataset
from emuscore.engine import run
from emuscore.manager import Registry
from emuscore.model import Ruleset
from emuscore.result import Result


def run_with(ruleset: Ruleset, data: Dataset, registry: Registry,
             adjustments: Sequence[Adjustment] = (), rulings: Sequence[Ruling] = (),
             ballots: Sequence[Ballot] | None = None) -> Result:
    adjusted, applied = apply_adjustments(data, adjustments)
    result = run(ruleset, adjusted, registry,
                 Decisions(tuple(rulings), None if ballots is None else tuple(ballots)))
    return attrs.evolve(result, adjustments=applied)


def run_decided(ruleset: Ruleset, data: Dataset, council: Mapping[str, Any],
                registry: Registry) -> Result:
    """The run a final record's council part describes."""
    adjustments, rulings, ballots = from_record(council)
    return run_with(ruleset, data, registry, adjustments, rulings, ballots)
