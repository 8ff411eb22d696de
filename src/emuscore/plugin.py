"""Everything a plugin author imports, from one place::

    from emuscore.plugin import Indicator, ScoreContext, Scorer, hookimpl

A plugin never needs another emuscore module; what is here is the contract that
emuscore keeps for plugins (docs/plugins.md). The built-in scorers, loaders and
writers are written against the same names.
"""

from __future__ import annotations

from emuscore.dataset import Dataset
from emuscore.eligibility import EligibilityGate
from emuscore.exact import Column, IntArray, Rounding, decimals_of, format_units
from emuscore.hookspecs import hookimpl
from emuscore.io.formats import Loader, Writer
from emuscore.io.reading import Reading
from emuscore.model import Criterion, Ruleset
from emuscore.per_unit import scorer
from emuscore.problems import DataError, EmuscoreError, PluginError, Problem
from emuscore.result import Result
from emuscore.scoring import Check, Role, ScoreContext, Scorer, UnitFault, as_int, param_scale
from emuscore.structure import Indicator

__all__ = [
    "Check",
    "Column",
    "Criterion",
    "DataError",
    "Dataset",
    "EligibilityGate",
    "EmuscoreError",
    "Indicator",
    "IntArray",
    "Loader",
    "PluginError",
    "Problem",
    "Reading",
    "Result",
    "Role",
    "Rounding",
    "Ruleset",
    "ScoreContext",
    "Scorer",
    "UnitFault",
    "Writer",
    "as_int",
    "decimals_of",
    "format_units",
    "hookimpl",
    "param_scale",
    "scorer",
]
