"""Stage 2: each unit's class, the first band whose minima it meets."""

from __future__ import annotations

import numpy as np

from emuscore.exact import ceil_units
from emuscore.manager import Registry
from emuscore.model import Ruleset
from emuscore.result import Scores


def classify(ruleset: Ruleset, scores: Scores, registry: Registry) -> tuple[str, ...]:
    """Each unit's class label ("" when the ruleset has no classification): the first band
    whose `min_total` and `min_each` (of every points criterion's maximum) it meets."""
    if ruleset.classification is None:
        return ("",) * len(scores.total)
    points_criteria = [c for c in ruleset.criteria
                       if registry.scorers[c.scorer].item.role == "points"]
    label = np.full(len(scores.total), "", dtype=object)
    undecided = np.ones(len(scores.total), bool)
    for band in ruleset.classification.bands:
        ok = undecided.copy()
        if band.min_total is not None:
            ok &= scores.total >= ceil_units(band.min_total, ruleset.scale)
        if band.min_each is not None:
            for c in points_criteria:
                ok &= scores.criteria[c.id] >= ceil_units(band.min_each * c.max, ruleset.scale)
        label[ok] = band.label
        undecided &= ~ok
    return tuple(label.tolist())
