"""emuscore: exact, replayable scoring and ranking of emulation clusters.

The Python API is as small as the CLI::

    import emuscore
    ruleset = emuscore.load_ruleset("rulesets/lang-son-2024.toml")
    data = emuscore.load_data("rulesets/lang-son-2024", ruleset=ruleset)
    result = emuscore.run(ruleset, data)

Each function uses the installed plugins unless given a `registry`; these and the CLI
are the only places that choose the installed plugins, everything below them is given
its registry. Plugin authors import from `emuscore.plugin`.
"""

from __future__ import annotations

from pathlib import Path

from emuscore import engine
from emuscore.dataset import Dataset
from emuscore.manager import Registry, default_registry
from emuscore.model import Ruleset
from emuscore.problems import DataError, EmuscoreError, PluginError, RulesetError
from emuscore.result import Result
from emuscore.ruleset import dump_ruleset
from emuscore.ruleset import load_ruleset as _load_ruleset
from emuscore.ruleset import parse_ruleset as _parse_ruleset

__all__ = [
    "DataError",
    "Dataset",
    "EmuscoreError",
    "PluginError",
    "Registry",
    "Result",
    "Ruleset",
    "RulesetError",
    "dump_ruleset",
    "load_data",
    "load_ruleset",
    "parse_ruleset",
    "run",
]


def load_ruleset(path: str | Path, registry: Registry | None = None) -> Ruleset:
    """Read and validate a ruleset file; raises RulesetError listing every problem."""
    return _load_ruleset(path, registry or default_registry())


def parse_ruleset(text: str, source: str = "<ruleset>", registry: Registry | None = None) -> Ruleset:
    """A ruleset from TOML text, validated as `load_ruleset` would; `source` names it in errors."""
    return _parse_ruleset(text, source, registry or default_registry())


def load_data(path: str | Path, encoding: str = "utf-8-sig",
              registry: Registry | None = None, ruleset: Ruleset | None = None,
              delimiter: str | None = None) -> Dataset:
    """The year's data, read by the installed loader for its format: built in, a folder
    (units.csv, measures.csv), one wide CSV file or a data-entry workbook (.xlsx);
    plugins add others. With a `ruleset`, its `[data]` and `[indicators]` declarations
    say how numbers, dates and headers are written and which values are allowed."""
    from emuscore.io.dispatch import load_data as load
    from emuscore.io.reading import Reading

    reading = (Reading.of(ruleset, encoding, delimiter)
               if ruleset is not None or delimiter is not None else None)
    return load(Path(path), encoding, registry or default_registry(), reading)


def run(ruleset: Ruleset, data: Dataset, registry: Registry | None = None) -> Result:
    """Score, classify, rank and propose awards: the whole pipeline on one year's data."""
    return engine.run(ruleset, data, registry or default_registry())
