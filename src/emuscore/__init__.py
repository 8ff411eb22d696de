"""emuscore: exact, replayable scoring and ranking of emulation clusters.

The Python API is as small as the CLI::

    import emuscore
    ruleset = emuscore.load_ruleset("rulesets/lang-son-2024.toml")
    data = emuscore.load_data("rulesets/lang-son-2024")
    result = emuscore.run(ruleset, data)
"""

from __future__ import annotations

from pathlib import Path

from emuscore.dataset import Dataset
from emuscore.engine import Result, run
from emuscore.model import Ruleset
from emuscore.problems import DataError, EmuscoreError, PluginError, RulesetError
from emuscore.ruleset import dump_ruleset, load_ruleset, parse_ruleset

__all__ = [
    "DataError",
    "Dataset",
    "EmuscoreError",
    "PluginError",
    "Result",
    "Ruleset",
    "RulesetError",
    "dump_ruleset",
    "load_data",
    "load_ruleset",
    "parse_ruleset",
    "run",
]


def load_data(path: str | Path, encoding: str = "utf-8-sig") -> Dataset:
    """The year's data from a folder (units.csv, measures.csv) or one wide CSV file."""
    from emuscore.io.csv_data import load_csv_data

    return load_csv_data(Path(path), encoding)
