"""A run from the top: inputs -> score -> classify -> rank -> awards, each stage a
module of `emuscore.pipeline` and a function from frozen values to frozen values."""

from __future__ import annotations

from emuscore.council.decisions import Decisions
from emuscore.dataset import Dataset
from emuscore.manager import Registry
from emuscore.model import Ruleset
from emuscore.pipeline.awards import decide
from emuscore.pipeline.classify import classify
from emuscore.pipeline.inputs import check_inputs
from emuscore.pipeline.rank import rank
from emuscore.pipeline.score import score
from emuscore.result import Result


def run(ruleset: Ruleset, data: Dataset, registry: Registry,
        decisions: Decisions | None = None) -> Result:
    """The whole pipeline on one ruleset and one year's data, with the plugins of
    `registry` (`emuscore.run` uses the installed ones), and the council's `decisions`
    (rulings, ballots) when it has made any."""
    check_inputs(ruleset, data, registry)
    scores = score(ruleset, data, registry)
    classes = classify(ruleset, data, scores, registry)
    ranks = rank(ruleset, data, scores)
    awarded = decide(ruleset, data, scores, classes, ranks, registry, decisions)
    result = Result(ruleset, data, scores, classes, ranks, awarded.proposals, awarded.skips,
                    awarded.notes)
    registry.run_finished(result)
    return result
