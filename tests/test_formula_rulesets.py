"""Formulas give the built-in scorers' points exactly.

- rulesets/cluster-40-formulas.toml, the cluster-40 job written with formulas only, equals
  the exact oracle (tests/cluster40.py) on every unit and cluster-40.toml on every
  criterion, on the bundled and on generated data.
- Every built-in scorer is a formula: `as_formula` below turns a built-in criterion's
  parameters into the formula it computes (the table "Built-in scorers as formulas" of
  docs/formulas.md). On every bundled ruleset's data, each built-in criterion replaced by
  its formula (same id, group, max, kind) gives the same points on every unit; and on a
  table built to sit on every edge, so does every option of every built-in scorer, under
  each rounding mode. Which options that covers is checked against the scorers' declared
  parameters, so a new option fails here until it is translated.
"""

from __future__ import annotations

import copy
import csv
import io
import tomllib
import typing
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import tomli_w

import cluster40
from conftest import ROOT
from emuscore import load_data, load_ruleset, parse_ruleset, run
from emuscore.exact import format_units
from emuscore.io.csv_data import read_csv_data
from emuscore.io.numbers import Conventions
from emuscore.io.reading import Reading
from emuscore.manager import Registry, default_registry

RULESETS = ROOT / "rulesets"
BUILT_IN_JOB = RULESETS / "cluster-40.toml"
FORMULAS_JOB = RULESETS / "cluster-40-formulas.toml"
BUILT_IN = ("attainment", "bands", "pass_fail", "per_occurrence", "deduction", "bonus",
            "award_on_time", "award_processing_days", "award_grassroots_share", "award_accuracy")
Raw = dict[str, Any]


# --- the translation: a built-in criterion's parameters -> the formula it computes ---------

def num(value: object) -> str:
    """A ruleset number as formula text: exact decimal digits, never an exponent."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format(d, "f")
    return f"({text})" if d < 0 else text


def times(factor: object, rest: str) -> str:
    """`factor * rest`, without a factor of 1."""
    return rest if Decimal(str(factor)) == 1 else f"{num(factor)} * {rest}"


def attainment(c: Raw, scale: int) -> tuple[str, Decimal]:
    m, actual = num(c["max"]), c["actual"]
    higher = c.get("direction", "higher") == "higher"
    best = "cluster_max" if higher else "cluster_min"
    a = f"max({actual}, 0)"                                  # a negative actual counts as 0
    target = c.get("target")
    if c.get("no_target", "error") == "cluster_best":        # the raw best actual fills it
        t = f"coalesce({target}, {best}({actual}))" if target else f"{best}({actual})"
    else:
        t = target
    met, over = (f"{a} >= {t}", f"{a} > {t}") if higher else (f"{a} <= {t}", f"{a} < {t}")
    excess = f"({a} - {t})" if higher else f"({t} - {a})"
    below = times(c.get("below", 1), f"{m} * {a} / {t}" if higher else f"{m} * {t} / {a}")
    bonus = c.get("bonus")
    if bonus is None:
        at_or_over = m
    elif "per_percent" in bonus:
        at_or_over = f"{m} + min({num(bonus['per_percent'])} * 100 * {excess} / {t}, {num(bonus['cap'])})"
    elif bonus.get("best") == "actual":
        room = f"({best}({a}) - {t})" if higher else f"({t} - {best}({a}))"
        at_or_over = f"(if {over} then {m} + {times(bonus['cap'], f'{excess} / {room}')} else {m})"
    else:                                                    # relative to the best relative excess
        e = f"(if {t} > 0 and {over} then {excess} / {t} else 0)"
        at_or_over = (f"(if cluster_max({e}) == 0 then {m} "
                      f"else {m} + {times(bonus['cap'], f'{e} / cluster_max({e})')})")
    expr = f"if {met} then {at_or_over} else {below}"
    if c.get("zero_target", "error") == "pass_fail":
        expr = f"if {t} == 0 then (if {met} then {m} else 0) else {expr}"
    # a formula's max is the most it gives: max and the bonus, at the ruleset's scale
    most = Decimal(str(c["max"])) + (Decimal(str(bonus["cap"])) if bonus else 0)
    return expr, most.quantize(Decimal(1).scaleb(-scale), ROUND_CEILING)


def bands(c: Raw) -> str:
    expr = num(c.get("otherwise", 0))
    for th in reversed(c["thresholds"]):
        test = (f"{c['value']} >= {num(th['at_least'])}" if "at_least" in th
                else f"{c['value']} <= {num(th['at_most'])}")
        expr = f"if {test} then {num(th['points'])} else {expr}"
    return expr


def capped(c: Raw) -> str:
    product = f"{num(c['points'])} * {c['count']}"
    return f"min({product}, {num(c['max'])})" if "max" in c else product


def on_time(c: Raw) -> str:
    m = num(c["max"])
    if "dossiers" in c:
        share = f"{m} * {c['on_time']} / {c['dossiers']}"
        empty = {"full": m, "zero": "0"}.get(c.get("no_dossiers", "error"))
        return share if empty is None else f"if {c['dossiers']} == 0 then {empty} else {share}"
    late = f"max({c['submitted']} - {c['deadline']}, 0)"      # dates are day numbers
    return f"{m} - min({num(c['per_day_late'])} * {late}, {m})"


def processing_days(c: Raw) -> str:
    m, norm = num(c["max"]), num(c["norm"])
    days = c["days"] if "days" in c else f"({c['decided']} - {c['achieved']})"
    return f"if {days} <= {norm} then {m} else {m} * {norm} / {days}"


def grassroots_share(c: Raw) -> str:
    m = num(c["max"])
    share = f"{m} * min({c['grassroots']} / {c['awards']} / {num(c['target'])}, 1)"
    empty = {"full": m, "zero": "0"}.get(c.get("no_awards", "error"))
    return share if empty is None else f"if {c['awards']} == 0 then {empty} else {share}"


def accuracy(c: Raw) -> str:
    lost = " + ".join(f"{num(p['points'])} * {p['count']}" for p in c["penalties"])
    return f"max({num(c['max'])} - ({lost}), 0)"


def as_formula(c: Raw, scale: int) -> Raw:
    """The built-in criterion `c` (a [[criteria]] table of a ruleset of that `scale`) as
    a formula criterion with the same id, title, group, kind and max (an attainment
    bonus's cap added, rounded up to the scale)."""
    scorer, most = c["scorer"], c.get("max")
    kind = {"deduction": "deduction", "bonus": "bonus"}.get(scorer, "points")
    if scorer == "attainment":
        expr, most = attainment(c, scale)
    elif scorer == "pass_fail":
        expr = f"if {c['value']} == {num(c.get('pass_value', 1))} then {num(c['max'])} else 0"
    else:
        expr = {"bands": bands, "per_occurrence": capped, "deduction": capped, "bonus": capped,
                "award_on_time": on_time, "award_processing_days": processing_days,
                "award_grassroots_share": grassroots_share, "award_accuracy": accuracy}[scorer](c)
    out = {k: c[k] for k in ("id", "title", "group") if k in c}
    out["scorer"] = "formula"
    if most is not None:
        out["max"] = most
    if kind != "points":
        out["kind"] = kind
    out["expr"] = expr
    return out


def replaced(raw: Raw, index: int) -> str:
    """The ruleset `raw` with criterion `index` written as its formula, as TOML text."""
    out = copy.deepcopy(raw)
    out["criteria"][index] = as_formula(raw["criteria"][index], raw["ruleset"].get("scale", 2))
    return tomli_w.dumps(out)


def read_raw(path: Path) -> Raw:
    return tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)


def differences(want: Any, got: Any, criterion: str, units: tuple[str, ...]) -> list[str]:
    """Each unit where the two runs' points of `criterion` differ, at most five."""
    a, b = want.scores.criteria[criterion].tolist(), got.scores.criteria[criterion].tolist()
    return [f"{criterion} unit {u}: built-in {x}, formula {y}"
            for u, x, y in zip(units, a, b, strict=True) if x != y][:5]


# --- 2a: the cluster-40 job with formulas only -----------------------------------------------

@pytest.fixture(scope="module", params=[("bundled", 200, 0), ("generated", 3000, 1),
                                        ("generated", 1200, 2), ("generated", 37, 3)],
                ids=lambda p: f"{p[0]}-{p[1]}")
def job_data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    kind, units, seed = request.param
    if kind == "bundled":
        return RULESETS / "cluster-40"
    return cluster40.generate(tmp_path_factory.mktemp(f"c40-{units}-{seed}"), units, seed)


def test_the_formulas_job_is_cluster_40_with_every_criterion_a_formula():
    built_in, formulas = load_ruleset(BUILT_IN_JOB), load_ruleset(FORMULAS_JOB)
    assert {c.scorer for c in formulas.criteria} == {"formula"}
    assert (formulas.groups, formulas.ranking, formulas.gates, formulas.awards,
            formulas.classification) == (built_in.groups, built_in.ranking, built_in.gates,
                                         built_in.awards, built_in.classification)
    assert (formulas.meta.scale, formulas.meta.rounding) == (built_in.meta.scale, built_in.meta.rounding)
    assert [(c.id, c.group) for c in formulas.criteria] == [(c.id, c.group) for c in built_in.criteria]
    assert len([c for c in formulas.criteria if c.id.startswith("att_")]) == 20
    raw = {c["id"]: c for c in read_raw(FORMULAS_JOB)["criteria"]}
    assert {c["kind"] for c in raw.values() if "kind" in c} == {"deduction"}
    deductions = [c["id"] for c in raw.values() if c.get("kind") == "deduction"]
    assert deductions == [f"ded_{k}" for k in range(1, 6)]


def test_the_formulas_job_equals_the_oracle_on_every_unit(job_data: Path):
    result = run(load_ruleset(FORMULAS_JOB), load_data(job_data))
    flagged = {p.unit for p in result.proposals if p.award == "flag"}
    got = sorted(((u, format_units(int(result.scores.total[i]), 2), str(result.ranks.rank[i]),
                   "1" if u in flagged else "0") for i, u in enumerate(result.data.unit_ids)),
                 key=lambda row: int(row[0]))
    want = cluster40.oracle(job_data)
    assert len(got) == len(want)
    assert got == want


def test_the_formulas_job_gives_cluster_40s_points_on_every_criterion(job_data: Path):
    data = load_data(job_data)
    built_in, formulas = run(load_ruleset(BUILT_IN_JOB), data), run(load_ruleset(FORMULAS_JOB), data)
    assert built_in.scores.criteria.keys() == formulas.scores.criteria.keys()
    wrong = [d for c in built_in.scores.criteria
             for d in differences(built_in, formulas, c, data.unit_ids)]
    assert not wrong, wrong
    for field in ("total", "deductions", "bonus"):
        assert getattr(built_in.scores, field).tolist() == getattr(formulas.scores, field).tolist()
    assert {g: v.tolist() for g, v in built_in.scores.groups.items()} == \
        {g: v.tolist() for g, v in formulas.scores.groups.items()}
    assert built_in.ranks.rank.tolist() == formulas.ranks.rank.tolist()
    assert [(p.award, p.unit) for p in built_in.proposals] == [(p.award, p.unit) for p in formulas.proposals]


# --- 2b: every built-in criterion of every bundled ruleset, as its formula -------------------

def data_beside(toml: Path) -> Path | None:
    """A bundled ruleset's sample data, as tests/test_rulesets.py finds it."""
    folder, wide = toml.with_suffix(""), toml.with_suffix(".csv")
    return folder if (folder / "units.csv").exists() else wide if wide.exists() else None


BUNDLED = [(toml, data) for toml in sorted(RULESETS.glob("*.toml"))
           if (data := data_beside(toml)) is not None]


def test_every_bundled_ruleset_is_translated_here():
    assert {toml.stem for toml, _ in BUNDLED} >= {"cluster-40", "cluster-40-formulas", "lang-son-2024",
                                                  "education-2024", "police-2024"}


@pytest.mark.parametrize("toml,data", BUNDLED, ids=[toml.stem for toml, _ in BUNDLED])
def test_each_built_in_criterion_as_its_formula_gives_the_same_points(toml: Path, data: Path,
                                                                       sector_plugins: Registry):
    raw, dataset = read_raw(toml), load_data(data)
    base = run(parse_ruleset(tomli_w.dumps(raw)), dataset)
    translated, wrong = [], []
    for i, c in enumerate(raw["criteria"]):
        if c["scorer"] not in BUILT_IN:
            # a sector plugin's scorer or the council's own formula: not a built-in
            assert c["scorer"] == "formula" or c["scorer"] in sector_plugins.scorers, c["id"]
            continue
        got = run(parse_ruleset(replaced(raw, i)), dataset)
        assert got.ruleset.criteria[i].scorer == "formula"
        wrong += differences(base, got, c["id"], dataset.unit_ids)
        translated.append(c["scorer"])
    assert not wrong, wrong
    built_ins = {c["scorer"] for c in raw["criteria"]} & set(BUILT_IN)
    assert set(translated) == built_ins
    if toml.stem == "lang-son-2024":           # the province sheet uses every built-in scorer
        assert built_ins == set(BUILT_IN)


def attainment_forms() -> Iterator[Raw]:
    """direction x bonus form x below: every way attainment scores one actual and target."""
    bonuses: list[Raw | None] = [None, {"per_percent": Decimal("0.1"), "cap": Decimal("0.5")},
                                 {"cap": Decimal(1), "relative_to_best": True},
                                 {"cap": Decimal("0.75"), "relative_to_best": True,
                                  "best": "relative_excess"},
                                 {"cap": Decimal(1), "relative_to_best": True, "best": "actual"}]
    for direction in ("higher", "lower"):
        for bonus in bonuses:
            for below in (Decimal(1), Decimal("0.5")):
                form: Raw = {"direction": direction, "below": below}
                if bonus is not None:
                    form["bonus"] = bonus
                yield form


ATTAINMENT_DATA = [b for b in BUNDLED if b[0].stem in ("cluster-40", "lang-son-2024")]


@pytest.mark.parametrize("toml,data", ATTAINMENT_DATA, ids=[toml.stem for toml, _ in ATTAINMENT_DATA])
def test_every_attainment_form_as_its_formula_on_bundled_data(toml: Path, data: Path):
    """The data's attainment criteria under every form, on the real ratios, ties and half
    cents of the sample data: each of a few criteria under every form, or many criteria
    taking the forms in turn."""
    raw = read_raw(toml)
    criteria = [c for c in raw["criteria"] if c["scorer"] == "attainment"]
    forms = list(attainment_forms())
    if len(criteria) < len(forms):
        pairs = [(c, form) for c in criteria for form in forms]
    else:
        pairs = [(c, forms[i % len(forms)]) for i, c in enumerate(criteria)]
    variants = [c | form | {"id": f"{c['id']}_{j}"} for j, (c, form) in enumerate(pairs)]
    assert_same_points(raw["ruleset"], variants, load_data(data))


def test_every_attainment_form_as_its_formula_on_generated_cluster_40_data(tmp_path_factory):
    """On 3000 generated units, which sit on every half cent and cap of the job."""
    raw = read_raw(BUILT_IN_JOB)
    criteria = [c for c in raw["criteria"] if c["scorer"] == "attainment"]
    forms = list(attainment_forms())
    variants = [c | forms[i % len(forms)] | {"id": f"{c['id']}_{i}"} for i, c in enumerate(criteria)]
    variants += [criteria[0] | form | {"id": f"all_{j}"} for j, form in enumerate(forms)]
    data = cluster40.generate(tmp_path_factory.mktemp("c40-forms"), 3000, 4)
    assert_same_points(raw["ruleset"], variants, load_data(data))


def sheet(meta: Raw, criteria: list[Raw]) -> Raw:
    """A ruleset of the given criteria, the points ones in one group that caps nothing."""
    return {"ruleset": {**meta, "id": "forms", "title": "forms", "version": "1"},
            "groups": [{"id": "g", "max": Decimal(100000)}],
            "criteria": [c | ({"group": "g"} if c["scorer"] not in ("deduction", "bonus") else {})
                         for c in criteria],
            "ranking": {"order": ["total desc", "unit_id asc"]}}


def assert_same_points(meta: Raw, criteria: list[Raw], dataset: Any) -> None:
    """Every criterion scored by its built-in and, in a second ruleset, by its formula:
    the same points on every unit."""
    meta = {k: v for k, v in meta.items() if k in ("scale", "rounding")}
    criteria = [{k: v for k, v in c.items() if k != "group"} for c in criteria]
    built_in = sheet(meta, criteria)
    formulas = sheet(meta, [as_formula(c, meta.get("scale", 2)) for c in criteria])
    want = run(parse_ruleset(tomli_w.dumps(built_in)), dataset)
    got = run(parse_ruleset(tomli_w.dumps(formulas)), dataset)
    wrong = [d for c in criteria for d in differences(want, got, c["id"], dataset.unit_ids)]
    assert not wrong, wrong


# --- every option of every built-in scorer, on a table that sits on every edge ---------------

D = Decimal
# Attainment: a has negatives and zeros, t is > 0, t0 has zeros, b is >= 0, tm has missing
# targets (b > 0 in their clusters), tz zeros and missing ones, c is > 0. Cluster k1 ties
# for the best relative excess (e2, e3: +50%) and for the best actual (150); in k2 every
# unit is exactly on target (no bonus, either direction); k3 is wholly below target (so
# wholly over it for lower is better); k4 wholly over it; k5 is one unit.
ATTAINMENT_EDGES = """
unit_id,cluster_id,a,t,t0,b,tm,tz,c
e1,k1,120,80,80,120,80,80,120
e2,k1,150,100,0,150,,0,150
e3,k1,150,120,120,150,120,,150
e4,k1,99.99,100,100,99.99,100,100,99.99
e5,k1,0,100,0,1,,0,1
e6,k1,-5,100,0,50,100,100,50
e7,k2,50,50,50,50,50,50,50
e8,k2,0.01,0.01,0.01,0.01,,,0.01
e9,k3,30,60,60,30,60,60,30
e10,k3,59.99,60,0,59.99,,0,59.99
e11,k3,1,3,3,1,3,3,1
e12,k4,250,100,100,250,100,100,250
e13,k4,101,100,100,101,,100,101
e14,k4,100.5,100,0,100.5,100,0,100.5
e15,k5,7,8,0,7,,,7
"""
# The other scorers: band values on and a hair off thresholds, pass values written two
# ways (1, 1.0), fractional counts, no dossiers (sent) and no awards (aw) beside columns
# without zeros (sent1, aw1), dates early, on time and late, across a year's end and
# 29 February, day numbers, durations within, on and beyond the norm.
OTHER_EDGES = """
unit_id,v,flag,n,sent,ok,sent1,ok1,submitted,deadline,sub_day,due_day,days,achieved,decided,g,aw,g1,aw1,returned,revoked,upheld
e1,95,1,0,10,10,10,10,2024-03-15,2024-03-15,100,100,30,2024-01-01,2024-01-31,7,10,7,10,0,0,0
e2,94.99,1.0,1,7,3,7,3,2024-03-16,2024-03-15,101,100,31,2024-01-01,2024-02-01,0,0,3,3,1,0,0
e3,90,0,2.5,0,0,9,9,2024-03-25,2024-03-15,104,100,29.5,2024-02-28,2024-03-01,2,3,2,3,3,1,1
e4,89.99,2.5,3,3,2,3,2,2024-04-15,2024-03-15,96,100,45,2024-12-31,2025-02-14,1,3,1,3,8,2,3
e5,80,2.50,4,6,6,6,6,2024-03-14,2024-03-15,99,100,7.5,2024-05-05,2024-05-05,0,3,0,3,0,0,1
e6,79.99,3,100,5,1,5,1,2024-03-17,2024-03-15,102,100,60,2024-06-01,2024-06-03,9,9,9,9,1,1,1
e7,100,1,0.333,4,4,4,4,2023-12-31,2024-01-01,5,5,0,2024-01-01,2024-01-01,1,2,1,2,0,0,0
e8,5,0,1,1,1,1,1,2024-02-29,2024-02-28,6,5,8,2024-02-28,2024-03-01,0,1,0,1,2,0,0
e9,4.999,1,7,2,1,2,1,2024-03-20,2024-03-15,110,100,300,2024-01-01,2024-12-31,1,7,1,7,0,0,0
e10,10,2,0.5,9,8,9,8,2024-03-15,2024-03-15,100,100,31,2024-01-01,2024-02-01,5,8,5,8,1,0,2
e11,20,1,2,3,3,3,3,2024-03-01,2024-03-15,80,100,2,2024-07-01,2024-07-02,3,3,3,3,0,3,0
e12,35,1,1.5,8,8,8,8,2024-03-15,2024-03-14,100,99,30.01,2024-01-01,2024-03-01,6,7,6,7,0,0,0
e13,20.01,0,0,6,5,6,5,2024-01-01,2024-03-15,1,100,1,2024-01-01,2024-01-02,0,4,0,4,0,0,0
e14,0,1,12,9,9,9,9,2024-03-15,2024-03-15,100,100,90,2024-03-01,2024-05-30,2,2,2,2,1,1,1
e15,50,1,1,0,0,1,1,2024-05-01,2024-03-15,150,100,12,2024-01-01,2024-01-13,0,0,1,1,0,0,0
"""


def edge_rows() -> list[dict[str, str]]:
    attainment = list(csv.DictReader(io.StringIO(ATTAINMENT_EDGES.strip())))
    other = {row["unit_id"]: row for row in csv.DictReader(io.StringIO(OTHER_EDGES.strip()))}
    assert [row["unit_id"] for row in attainment] == list(other)
    return [{"name": f"unit {row['unit_id']}", **row, **other[row["unit_id"]]} for row in attainment]


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = edge_rows()
    path = tmp_path_factory.mktemp("edges") / "edges.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["unit_id", "name", "cluster_id",
                                    *(k for k in rows[0] if k not in ("unit_id", "name", "cluster_id"))],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def target_modes() -> Iterator[Raw]:
    """Each (no_target, zero_target, target given or not), on the columns that suit it."""
    yield {"actual": "a", "target": "t"}
    yield {"actual": "a", "target": "t0", "zero_target": "pass_fail"}
    yield {"actual": "b", "target": "tm", "no_target": "cluster_best", "zero_target": "error"}
    yield {"actual": "b", "target": "tz", "no_target": "cluster_best", "zero_target": "pass_fail"}
    yield {"actual": "c", "no_target": "cluster_best"}
    yield {"actual": "b", "no_target": "cluster_best", "zero_target": "pass_fail"}


def edge_criteria() -> list[Raw]:
    """Every built-in scorer with each of its options, on the edge table's columns."""
    out: list[Raw] = []

    def add(scorer: str, most: object, **params: object) -> None:
        c: Raw = {"id": f"{scorer}_{len(out)}", "scorer": scorer, **params}
        if most is not None:
            c["max"] = D(str(most))
        out.append(c)

    for mode in target_modes():
        for form in attainment_forms():
            add("attainment", 4, **mode, **form)
    add("bands", 2, value="v", thresholds=[{"at_least": D(95), "points": D(2)},
                                           {"at_least": D(90), "points": D("1.5")},
                                           {"at_least": D(80), "points": D(1)}])
    add("bands", 3, value="v", otherwise=D("0.5"),
        thresholds=[{"at_most": D(5), "points": D(3)}, {"at_most": D("20.01"), "points": D("2.5")},
                    {"at_most": D(35), "points": D(1)}])
    add("bands", 2.5, value="v", otherwise=D(1),
        thresholds=[{"at_most": D(10), "points": D("2.5")}, {"at_least": D("94.99"), "points": D(2)},
                    {"at_least": D(50), "points": D("1.5")}, {"at_most": D(20), "points": D(0)}])
    add("pass_fail", 3, value="flag")
    add("pass_fail", 2, value="flag", pass_value=D(0))
    add("pass_fail", 1.5, value="flag", pass_value=D("2.5"))
    for scorer in ("per_occurrence", "deduction", "bonus"):
        add(scorer, 3, count="n", points=D("0.75"))
        add(scorer, 1, count="n", points=D("0.333"))
        add(scorer, 15, count="n", points=D(15))
    add("deduction", None, count="n", points=D("0.25"))                  # uncapped
    add("deduction", None, count="n", points=D("0.333"))
    for empty in ("full", "zero"):
        add("award_on_time", 5, dossiers="sent", on_time="ok", no_dossiers=empty)
    add("award_on_time", 5, dossiers="sent1", on_time="ok1")              # no_dossiers = "error"
    add("award_on_time", 5, dossiers="sent1", on_time="ok1", no_dossiers="error")
    add("award_on_time", 5, submitted="submitted", deadline="deadline", per_day_late=D("0.5"))
    add("award_on_time", 3, submitted="submitted", deadline="deadline", per_day_late=D("0.07"))
    add("award_on_time", 4, submitted="sub_day", deadline="due_day", per_day_late=D("0.25"))
    add("award_processing_days", 5, days="days", norm=D(30))
    add("award_processing_days", 3, days="days", norm=D("7.5"))
    add("award_processing_days", 5, achieved="achieved", decided="decided", norm=D(30))
    add("award_processing_days", 2, achieved="achieved", decided="decided", norm=D(7))
    for empty in ("full", "zero"):
        add("award_grassroots_share", 5, grassroots="g", awards="aw", target=D("0.7"), no_awards=empty)
    add("award_grassroots_share", 5, grassroots="g1", awards="aw1", target=D("0.7"))
    add("award_grassroots_share", 3, grassroots="g1", awards="aw1", target=D("0.333"), no_awards="error")
    add("award_grassroots_share", 2, grassroots="g1", awards="aw1", target=D(1))
    add("award_accuracy", 5, penalties=[{"count": "returned", "points": D("0.5")},
                                        {"count": "revoked", "points": D("2.5")},
                                        {"count": "upheld", "points": D(1)}])
    add("award_accuracy", 4, penalties=[{"count": "returned", "points": D("0.75")}])
    return out


ROUNDINGS = [(2, "half-up"), (2, "half-even"), (2, "down"), (2, "up"), (3, "half-up"), (1, "half-even")]


@pytest.mark.parametrize("scale,rounding", ROUNDINGS, ids=[f"{s}-{r}" for s, r in ROUNDINGS])
def test_every_option_of_every_built_in_as_its_formula_on_the_edges(edges, scale, rounding):
    # the edges are written with a decimal point (4.999), as a ruleset's [data] decimal = "."
    # would declare; undeclared, 4.999 could be four thousand and is refused
    data = read_csv_data(edges, Reading(conventions=Conventions(decimal=".")))
    assert_same_points({"scale": scale, "rounding": rounding}, edge_criteria(), data)


NOT_COVERED: dict[str, str] = {}
"""(scorer option) -> why no formula gives it. Empty: every option is a formula."""


def options(cls: type, prefix: str = "") -> set[str]:
    """Every option a Params class declares: each value of a choice, each flag both ways,
    each parameter with a default given and left out; nested tables (bonus, thresholds)
    by their own parameters."""
    found: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        name, hint = prefix + field.name, hints[field.name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        if attrs.has(inner) or any(attrs.has(a) for a in args):
            found |= options(next(a for a in (inner, *args) if attrs.has(a)), f"{name}.")
        elif typing.get_origin(hint) is typing.Literal:
            found |= {f"{name}={v}" for v in typing.get_args(hint)}
        elif hint is bool:
            found |= {f"{name}=true", f"{name}=false"}
        elif args and typing.get_origin(args[0]) is typing.Literal:
            found |= {f"{name}={v}" for v in typing.get_args(args[0])}
        if field.default is not attrs.NOTHING:
            found |= {f"{name} given", f"{name} left out"}
    return found


def used(cls: type, params: Raw, prefix: str = "") -> set[str]:
    """The options a criterion's parameters use (a left-out one at its default)."""
    found: set[str] = set()
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        name, hint = prefix + field.name, hints[field.name]
        value = params.get(field.name)
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        nested = next((a for a in (inner, *args) if attrs.has(a)), None)
        if nested is not None and value is not None:
            for item in value if isinstance(value, list) else [value]:
                found |= used(nested, item, f"{name}.")
        if value is None:
            found.add(f"{name} left out")
            if field.default is not attrs.NOTHING and field.default is not None:
                value = field.default
        else:
            found.add(f"{name} given")
        if isinstance(value, bool):
            found.add(f"{name}={'true' if value else 'false'}")
        elif isinstance(value, str) and value and (typing.get_origin(hint) is typing.Literal or any(
                typing.get_origin(a) is typing.Literal for a in args)):
            found.add(f"{name}={value}")
    return found


def test_the_formulas_cover_every_option_of_every_built_in_scorer():
    registry = default_registry()
    assert {n for n, r in registry.scorers.items()
            if registry.plugins[r.plugin].origin == "built-in"} - {"formula"} == set(BUILT_IN)
    declared = {f"{name}: {o}" for name in BUILT_IN
                for o in options(registry.scorers[name].item.Params)}
    compared = edge_criteria() + [c for toml, _ in BUNDLED for c in read_raw(toml)["criteria"]
                                  if c["scorer"] in BUILT_IN]
    covered = {f"{c['scorer']}: {o}" for c in compared
               for o in used(registry.scorers[c["scorer"]].item.Params, c)}
    declared.add("deduction: max left out")                  # an uncapped deduction
    covered |= {"deduction: max left out" for c in compared if c["scorer"] == "deduction" and "max" not in c}
    assert set(NOT_COVERED) <= declared - covered, "an option listed as not covered is covered"
    assert declared - covered - set(NOT_COVERED) == set(), sorted(declared - covered)
    assert len(declared) >= 60, sorted(declared)


def test_the_translation_is_the_one_documented():
    """docs/formulas.md shows, scorer by scorer, the formulas `as_formula` writes."""
    text = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
    section = text.split("## Built-in scorers as formulas", 1)[1]
    for scorer in BUILT_IN:
        assert f"**`{scorer}`**" in section or f"| `{scorer}`" in section, scorer
    province = {c["id"]: c for c in read_raw(RULESETS / "lang-son-2024.toml")["criteria"]}
    shown = [
        {"scorer": "bands", "max": 2, "value": "v",
         "thresholds": [{"at_least": 95, "points": 2}, {"at_least": 90, "points": D("1.5")}]},
        {"scorer": "deduction", "max": 2, "count": "d", "points": D("0.5")},
        {"scorer": "award_accuracy", "max": 5, "penalties": [
            {"count": "returned", "points": D("0.5")}, {"count": "revoked", "points": D("2.5")}]},
        province["tang_truong"],
    ]
    for c in shown:
        assert f"`{as_formula(c | {'id': 'x'}, 2)['expr']}`" in section, c["scorer"]
    att_1 = next(c for c in read_raw(FORMULAS_JOB)["criteria"] if c["id"] == "att_1")
    assert f"`{att_1['expr']}`" in section


def test_what_a_formula_with_a_bonus_does_not_give_is_the_classification():
    """Not covered, explicitly: an attainment bonus above `max`. A formula's max is the
    most it gives, so its max holds the bonus (giai_ngan_von: 7 + 0.5), and min_each,
    a share of each criterion's max, then asks the formula for 80% of 7.5 where the
    built-in asks for 80% of 7. Every point, total and rank is the same; the classes
    (and with them the proposals) are not."""
    toml = RULESETS / "lang-son-2024.toml"
    raw, data = read_raw(toml), load_data(RULESETS / "lang-son-2024")
    base = run(parse_ruleset(tomli_w.dumps(raw)), data)
    everything = copy.deepcopy(raw)
    everything["criteria"] = [as_formula(c, 2) if c["scorer"] in BUILT_IN else c for c in raw["criteria"]]
    got = run(parse_ruleset(tomli_w.dumps(everything)), data)
    assert all(base.scores.criteria[c].tolist() == got.scores.criteria[c].tolist()
               for c in base.scores.criteria)
    assert base.ranks.rank.tolist() == got.ranks.rank.tolist()
    with_bonus = {c["id"] for c in raw["criteria"] if c["scorer"] == "attainment" and "bonus" in c}
    assert with_bonus == {"thu_ngan_sach", "giai_ngan_von"}
    assert base.classes != got.classes
    # those two left to their built-in, every other criterion a formula: the same classes
    others = copy.deepcopy(raw)
    others["criteria"] = [as_formula(c, 2) if c["scorer"] in BUILT_IN and c["id"] not in with_bonus
                          else c for c in raw["criteria"]]
    assert run(parse_ruleset(tomli_w.dumps(others)), data).classes == base.classes
