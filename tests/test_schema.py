"""`emuscore schema`: the ruleset format as a JSON Schema (draft 2020-12). The schema.json
beside the bundled rulesets is what the command prints, each bundled ruleset points at it
(`#:schema ./schema.json`, read by Taplo and Even Better TOML) and validates against it,
and the schema and the loader agree on rulesets that are wrong in ways a schema can see."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import ROOT
from emuscore import parse_ruleset
from emuscore.cli import main
from emuscore.formula import FUNCTIONS
from emuscore.manager import Registry
from emuscore.problems import RulesetError
from emuscore.ruleset import SECTIONS
from emuscore.schema import ARRAYS, TABLES, as_json, schema

RULESETS = ROOT / "rulesets"
BUNDLED = sorted(RULESETS.glob("*.toml"))


def validator(registry: Registry) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(registry), format_checker=jsonschema.FormatChecker())


def schema_errors(registry: Registry, text: str) -> list[str]:
    raw = tomllib.loads(text, parse_float=Decimal)
    return [e.message for e in validator(registry).iter_errors(as_json(raw))]


def test_the_schema_is_a_valid_draft_2020_12_schema(sector_plugins: Registry) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(sector_plugins))


def test_the_committed_schema_is_what_emuscore_schema_prints(sector_plugins: Registry) -> None:
    printed = CliRunner().invoke(main, ["schema"]).output
    assert (RULESETS / "schema.json").read_text(encoding="utf-8") == printed, (
        "regenerate: emuscore schema --out rulesets/schema.json")


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_bundled_ruleset_points_at_the_schema_and_is_valid(path: Path,
                                                                 sector_plugins: Registry) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#:schema ./schema.json\n")
    assert schema_errors(sector_plugins, text) == []


def test_the_schema_covers_every_section_the_loader_reads(sector_plugins: Registry) -> None:
    assert {*TABLES, *ARRAYS, "criteria", "indicators"} == set(SECTIONS)
    assert set(schema(sector_plugins)["properties"]) == set(SECTIONS)


def test_each_installed_scorer_has_its_keys_and_the_formula_functions_are_listed(
        sector_plugins: Registry) -> None:
    criterion = schema(sector_plugins)["properties"]["criteria"]["items"]
    branches = {b["if"]["properties"]["scorer"]["const"]: b["then"] for b in criterion["allOf"]}
    assert set(branches) == set(sector_plugins.scorers)
    attainment = set(branches["attainment"]["properties"])
    assert {"actual", "target", "bonus", "direction", "no_target"} <= attainment
    assert "thresholds" in branches["bands"]["properties"]
    expr = branches["formula"]["properties"]["expr"]["description"]
    assert all(usage in expr for _low, _high, usage in FUNCTIONS.values())


GOOD = '''
[ruleset]
id = "t"
title = "test"
version = "1"
effective = { from = 2025-01-01, to = 2025-12-31 }

[[groups]]
id = "g"
max = 10

[[criteria]]
id = "c"
group = "g"
scorer = "bands"
max = 10
value = "x"
thresholds = [{ at_least = 90, points = 10 }]

[ranking]
order = ["total desc", "unit_id asc"]
'''

BAD = {
    "an unknown section": ("[ranking]", "[rankings]\nx = 1\n\n[ranking]"),
    "an unknown key of a scorer": ('value = "x"', 'value = "x"\nvalues = "y"'),
    "a key of another scorer": ('value = "x"', 'value = "x"\nactual = "y"'),
    "an unknown scorer": ('scorer = "bands"', 'scorer = "band"'),
    "a number written as text": ("max = 10\nvalue", 'max = "10"\nvalue'),
    "a word not among those allowed": ('version = "1"', 'version = "1"\nrounding = "half-even-ish"'),
    "a missing required key": ('title = "test"\n', ""),
    "a missing [ranking]": ('[ranking]\norder = ["total desc", "unit_id asc"]', ""),
    "a threshold with a text for points": ("points = 10 }", 'points = "ten" }'),
}


def test_a_good_ruleset_passes_both(sector_plugins: Registry) -> None:
    parse_ruleset(GOOD, registry=sector_plugins)
    assert schema_errors(sector_plugins, GOOD) == []


@pytest.mark.parametrize("case", list(BAD))
def test_the_schema_and_the_loader_both_refuse(case: str, sector_plugins: Registry) -> None:
    old, new = BAD[case]
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    with pytest.raises(RulesetError):
        parse_ruleset(text, registry=sector_plugins)
    assert schema_errors(sector_plugins, text) != []


def test_as_json_shows_dates_as_text_and_exact_numbers_as_numbers() -> None:
    raw: dict[str, Any] = tomllib.loads("a = 2025-12-31\nb = 0.5\nc = 3", parse_float=Decimal)
    assert json.dumps(as_json(raw)) == '{"a": "2025-12-31", "b": 0.5, "c": 3}'


def test_a_date_written_as_text_is_left_to_the_loader(sector_plugins: Registry) -> None:
    """An editor sees TOML through JSON, where a date and the text "2025-01-01" are both
    strings: the schema cannot tell them apart, the loader does."""
    text = GOOD.replace("from = 2025-01-01", 'from = "2025-01-01"')
    assert schema_errors(sector_plugins, text) == []
    with pytest.raises(RulesetError, match="must be a date like 2024-12-31"):
        parse_ruleset(text, registry=sector_plugins)


def test_schema_out_replaces_an_earlier_schema_and_nothing_else(tmp_path: Path) -> None:
    """Regenerating schema.json is the point of --out; a slip that names the ruleset (or
    any file that is not a schema) would destroy it."""
    out = tmp_path / "schema.json"
    out.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}\n',
                   encoding="utf-8")
    runner = CliRunner()
    written = runner.invoke(main, ["schema", "--out", str(out)])
    assert written.exit_code == 0 and written.output == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == runner.invoke(main, ["schema"]).output
    ruleset = tmp_path / "r.toml"
    ruleset.write_text('[ruleset]\nid = "t"\n', encoding="utf-8")
    refused = runner.invoke(main, ["schema", "--out", str(ruleset)])
    assert refused.exit_code == 1
    assert refused.output == (f"error: {ruleset}: --out: the file exists and is not a JSON "
                              "Schema (a ruleset? data?); the schema replaces only an earlier "
                              "schema: choose another name\n")
    assert ruleset.read_text(encoding="utf-8") == '[ruleset]\nid = "t"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.toml", "schema.json"]
