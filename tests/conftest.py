"""Shared helpers: small rulesets in TOML text and datasets built from rows.

The suite never loads installed entry points (`emuscore.testing` sets the flag, as llm
and datasette do): it sees the built-in plugins, and a test that needs a sector plugin registers it by name
(`sector_plugins`), so what a test sees does not depend on what else is installed,
and a sector plugin that is missing fails the test that needs it.
"""

from __future__ import annotations

import decimal
import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from emuscore import parse_ruleset
from emuscore.dataset import Dataset
from emuscore.io.csv_data import dataset_from_rows
from emuscore.manager import Registry
from emuscore.model import Ruleset
from emuscore.testing import PluginSandbox

# Hypothesis profiles: "ci" (the default here: examples as hypothesis's default, no deadline
# on a shared machine) and "deep" for a long hunt, `pytest --hypothesis-profile=deep
# tests/test_fuzz_inputs.py` (tests that fix their own max_examples keep them).
settings.register_profile("ci", deadline=None, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", deadline=None, max_examples=5000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SECTOR_PLUGINS = {"emuscore-education": "emuscore_education", "emuscore-police": "emuscore_police"}
"""The sector plugins shipped in plugins/, by distribution and module name."""

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


def older_record(path: Path, to: Path) -> Path:
    """The record as emuscore 0.1.0 wrote it: format emuscore-record/1, one canonical JSON
    line (keys sorted), one object per unit, each reason its English text, the /1 digests
    (SHA-256 of each part, and of the whole record without them)."""
    import hashlib

    from emuscore.audit.container import canonical
    from emuscore.audit.record import load_record, unit_results, units_of
    from emuscore.audit.record_v1 import with_text_reasons

    now = with_text_reasons(load_record(path))
    old: dict[str, object] = {
        "format": "emuscore-record/1", "ruleset": now["ruleset"], "software": now["software"],
        "data": {"units": units_of(now), "indicators": {
            name: {"kind": spec["kind"], "scale": spec["scale"],
                   "values": [v or None for v in spec["values"].split(",")]}
            for name, spec in now["data"]["indicators"].items()}},
        "results": {**{k: v for k, v in now["results"].items() if k != "units"},
                    "units": unit_results(now)}}
    if "council" in now:
        old["council"] = now["council"]
    parts = [p for p in ("ruleset", "data", "results", "software", "council") if p in old]
    digests = {p: hashlib.sha256(canonical(old[p])).hexdigest() for p in parts}
    digests["record"] = hashlib.sha256(canonical(old)).hexdigest()
    old["digests"] = digests
    to.write_bytes(canonical(old) + b"\n")
    return to


def sector_plugin(distribution: str) -> object:
    """A sector plugin's module, imported by name; a clear failure if it is not installed."""
    try:
        return importlib.import_module(SECTOR_PLUGINS[distribution])
    except ImportError as e:
        pytest.fail(f"{distribution} is not installed ({e}); install it with "
                    f"pip install -e plugins/{distribution}")


@pytest.fixture
def sector_plugins(emuscore_plugins: PluginSandbox) -> Registry:
    """The built-ins and both sector plugins of plugins/, registered for this test."""
    return emuscore_plugins.register(*(sector_plugin(d) for d in SECTOR_PLUGINS))


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterable[None]:
    """Every test sees the English interface whatever the machine's locale, and a test that
    chose a language (`--lang vi`) leaves the next one in English."""
    from emuscore import i18n

    monkeypatch.setenv("EMUSCORE_LANG", "en")
    yield
    i18n.choose(None)


def record_file_as_is(record: Mapping[str, object]) -> bytes:
    """A record's file in the record's layout with whatever digests it holds: what someone
    who edits a value in the file (and not the digests) leaves behind."""
    from emuscore.audit.container import FIRST_LINE, canonical, parts_of

    body = b"".join(b'"' + p.encode() + b'":' + canonical(record[p]) + b",\n"
                    for p in parts_of(record))
    return FIRST_LINE + body + b'"digests":' + canonical(record["digests"]) + b"}\n"


def edit_record_file(path: Path, part: str, old: str, new: str) -> None:
    """Change the first `old` in one part's line of a record file to `new`, as someone
    editing the file by hand would (digests untouched)."""
    lines = path.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f'"{part}":'.encode()))
    assert old.encode() in lines[at], f"{old!r} is not in the {part} part"
    lines[at] = lines[at].replace(old.encode(), new.encode(), 1)
    path.write_bytes(b"\n".join(lines))
