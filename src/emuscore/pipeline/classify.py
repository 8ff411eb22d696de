"""Stage 2: each unit's class, the first band whose minima it meets."""

from __future__ import annotations

import numpy as np

from emuscore.dataset import Dataset
from emuscore.exact import ceil_units
from emuscore.manager import Registry
from emuscore.model import Band, Criterion, Ruleset
from emuscore.result import Scores


def checked_criteria(ruleset: Ruleset, band: Band, registry: Registry) -> list[Criterion]:
    """The criteria a band's `min_each` holds to: those it names, else every points one."""
    if band.criteria is not None:
        return [ruleset.criterion(c) for c in band.criteria]
    return [c for c in ruleset.criteria if registry.scorers[c.scorer].item.role_for(c) == "points"]


def classify(ruleset: Ruleset, data: Dataset, scores: Scores, registry: Registry) -> tuple[str, ...]:
    """Each unit's class label ("" when the ruleset has no classification): the first band
    whose `min_total`, `min_each` (of each checked criterion's maximum) and `when` it meets."""
    if ruleset.classification is None:
        return ("",) * len(scores.total)
    bands = ruleset.classification.bands
    env = None
    if any(b.when for b in bands):     # formulas only when the ruleset has them (start-up)
        from emuscore.pipeline.expressions import scored_env

        env = scored_env(ruleset, data, scores)
    label = np.full(len(scores.total), "", dtype=object)
    undecided = np.ones(len(scores.total), bool)
    for band in bands:
        ok = undecided.copy()
        if band.min_total is not None:
            ok &= scores.total >= ceil_units(band.min_total, ruleset.scale)
        if band.min_each is not None:
            for c in checked_criteria(ruleset, band, registry):
                ok &= scores.criteria[c.id] >= ceil_units(band.min_each * c.most, ruleset.scale)
        if band.when is not None and env is not None:
            from emuscore.pipeline.expressions import truth

            ok &= truth(env, band.when, f"classification band {band.label}")
        label[ok] = band.label
        undecided &= ~ok
    return tuple(label.tolist())
