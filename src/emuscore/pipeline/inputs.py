"""Before any unit is scored: the data holds every indicator the ruleset reads."""

from __future__ import annotations

from typing import Literal

from emuscore.dataset import Dataset
from emuscore.manager import Registry
from emuscore.model import Ruleset
from emuscore.pipeline.eligibility import plugin_gates
from emuscore.problems import DataError, Problem, did_you_mean


def formula_inputs(ruleset: Ruleset) -> list[tuple[str, tuple[str, ...]]]:
    """(where, indicators) read by gates, classification bands and ranking keys."""
    out = [(f"gate {g.id}", (g.indicator,) if g.indicator is not None else
            _read_by(g.when or "", "boolean")) for g in ruleset.gates]
    if ruleset.classification is not None:
        out += [(f"classification band {b.label}", _read_by(b.when, "boolean"))
                for b in ruleset.classification.bands if b.when is not None]
    out += [(f"ranking key {k.id}", _read_by(k.expr, "number")) for k in ruleset.ranking.keys]
    return out


def _read_by(text: str, want: Literal["number", "boolean"]) -> tuple[str, ...]:
    from emuscore.formula.host import indicators, program  # only rulesets with formulas

    return indicators(program(text, want))


def check_inputs(ruleset: Ruleset, data: Dataset, registry: Registry) -> None:
    """Every indicator the ruleset reads exists in the data (all problems at once). The
    messages speak of indicators; the loader's `Dataset.how_to_add` says where its format
    keeps them."""
    problems = []

    def lacks(indicator: str) -> str:
        return (f"needs indicator '{indicator}', which {data.source} does not have"
                f"{did_you_mean(indicator, data.indicators)}"
                + (f"; {data.how_to_add}" if data.how_to_add else ""))

    for c in ruleset.criteria:
        for indicator in registry.scorers[c.scorer].item.inputs(c.params).values():
            if indicator not in data.indicators:
                problems.append(Problem(lacks(indicator), where=f"criterion {c.id}"))
    for where, names in formula_inputs(ruleset):
        problems += [Problem(lacks(n), where=where) for n in names if n not in data.indicators]
    for name in plugin_gates(ruleset):
        gate = registry.gates[name]
        for indicator in gate.item.indicators:
            if indicator not in data.indicators:
                problems.append(Problem(lacks(indicator),
                                        where=f"gate {name} (plugin {gate.plugin})"))
    for entry in ruleset.ranking.order:
        name = entry.split()[0]
        if name.startswith("indicator:") and name[10:] not in data.indicators:
            problems.append(Problem(f"ranking uses '{name}', which {data.source} does not have"))
    if problems:
        raise DataError(problems)
