"""Shared helpers: small rulesets in TOML text and datasets built from rows."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from emuscore.dataset import Dataset
from emuscore.io.csv_data import dataset_from_rows
from emuscore.model import Ruleset
from emuscore.ruleset import parse_ruleset

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "peers"

# The oracle computes with far more digits than any score needs, so its only rounding
# is the final quantize, as the ruleset says.
ORACLE = decimal.Context(prec=200, traps=[decimal.InvalidOperation, decimal.DivisionByZero])


def sheet(criteria: str, *, scale: int = 2, rounding: str = "half-up", groups: str | None = None,
          rest: str = "") -> str:
    """A whole ruleset's TOML around the given [[criteria]] tables."""
    groups = groups if groups is not None else '[[groups]]\nid = "g"\nmax = 1000\n'
    return (f'[ruleset]\nid = "t"\ntitle = "test"\nversion = "1"\nscale = {scale}\n'
            f'rounding = "{rounding}"\n\n{groups}\n{criteria}\n'
            f'[ranking]\norder = ["total desc", "unit_id asc"]\n{rest}')


def ruleset(criteria: str, **kwargs: object) -> Ruleset:
    return parse_ruleset(sheet(criteria, **kwargs))  # type: ignore[arg-type]


def rows(values: Iterable[Mapping[str, object]], clusters: Iterable[str] | None = None) -> Dataset:
    """Units u1, u2, ... with the given indicator values (one cluster unless given)."""
    values = list(values)
    cluster_list = list(clusters) if clusters is not None else ["c"] * len(values)
    return dataset_from_rows(
        {"unit_id": f"u{i}", "name": f"unit {i}", "cluster_id": c, **v}
        for i, (v, c) in enumerate(zip(values, cluster_list, strict=True), 1))


@pytest.fixture
def peers() -> Path:
    if not (PEERS / "gen.py").exists():
        pytest.fail(f"the peers folder is expected at {PEERS} (../shared/peers beside the project)")
    return PEERS
