"""Run records: canonical bytes, the data round trip, replay identity, tamper detection."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import record_file_as_is, rows, ruleset
from emuscore import run
from emuscore.audit.record import (
    UnusableRecord,
    build_record,
    canonical,
    data_part,
    dataset_of,
    digests,
    load_record,
    parse_record,
    record_bytes,
    unit_result,
    write_record,
)
from emuscore.audit.replay import replay
from emuscore.manager import default_registry

SHEET = '''
[[criteria]]
id = "growth"
group = "g"
scorer = "attainment"
max = 3
actual = "a"
target = "t"
bonus = { per_percent = 0.05, cap = 0.5 }

[[criteria]]
id = "quality"
group = "g"
scorer = "bands"
max = 2
value = "v"
thresholds = [{ at_least = 95, points = 2 }, { at_least = 80, points = 1 }]

[[criteria]]
id = "late"
scorer = "deduction"
max = 2
count = "late"
points = 0.5
'''
AWARDS = '''
[[gates]]
id = "clean"
indicator = "violations"
at_most = 0

[[awards]]
id = "flag"
title = "Cờ thi đua"
per_cluster = 1
requires = { min_total = 3, gates = ["clean"] }
'''


def small_result():
    rs = ruleset(SHEET, rest=AWARDS)
    data = rows([
        {"a": "7,25", "t": "7", "v": "96", "late": 1, "violations": 0},
        {"a": "6.5", "t": "7", "v": "81.5", "late": 0, "violations": 0},
        {"a": "8", "t": "7.00", "v": "70", "late": 3, "violations": 1},
        {"a": "2", "t": "7", "v": "99", "late": 0, "violations": 0},
    ], clusters=["k1", "k1", "k2", "k2"])
    return run(rs, data)


def redigest(record):
    record["digests"] = digests(record)
    return record


def test_two_runs_on_the_same_inputs_give_byte_identical_records():
    registry = default_registry()
    assert (record_bytes(build_record(small_result(), registry))
            == record_bytes(build_record(small_result(), registry)))


def test_record_is_one_json_document_of_canonical_parts_one_per_line():
    raw = record_bytes(build_record(small_result(), default_registry()))
    assert "Cờ thi đua".encode() in raw                    # not \\u escapes
    parsed = json.loads(raw, parse_float=lambda s: pytest.fail(f"float {s} in the record"))
    lines = raw.split(b"\n")
    assert lines[0] == b'{"format":"emuscore-record/2",' and lines[-1] == b""
    names = ["ruleset", "data", "results", "software", "digests"]
    assert [line.split(b'":', 1)[0][1:].decode() for line in lines[1:-1]] == names
    for name, line in zip(names, lines[1:-1], strict=True):
        body = line.split(b'":', 1)[1][:-1]             # less the "," or the closing "}"
        assert body == canonical(parsed[name])
    import hashlib
    for name in names[:-1]:        # the check docs/audit.md gives auditors, standard library only
        assert parsed["digests"][name] == hashlib.sha256(canonical(parsed[name])).hexdigest()
    whole = canonical({"format": parsed["format"],
                       **{k: v for k, v in parsed["digests"].items() if k != "record"}})
    assert parsed["digests"]["record"] == hashlib.sha256(whole).hexdigest()


def test_canonical_refuses_floats():
    with pytest.raises(TypeError):
        canonical({"x": [1, 0.5]})


def test_values_are_exact_decimal_text_at_the_column_scale():
    record = build_record(small_result(), default_registry())
    a = record["data"]["indicators"]["a"]
    assert a == {"kind": "number", "scale": 2, "values": "7.25,6.50,8.00,2.00"}
    assert record["results"]["units"]["criteria"]["growth"].split(",")[0] == "3.18"
    assert unit_result(record, "u1")["criteria"]["growth"] == "3.18"
    assert unit_result(record, "u1")["decided_by"] == "total desc"


def test_dataset_from_the_record_has_the_same_columns():
    result = small_result()
    again = dataset_of(build_record(result, default_registry()))
    assert again.unit_ids == result.data.unit_ids and again.clusters == result.data.clusters
    assert again.names == result.data.names
    assert again.indicators.keys() == result.data.indicators.keys()
    for name, col in result.data.indicators.items():
        other = again.indicators[name]
        assert (other.scale, other.kind, other.values.dtype) == (col.scale, col.kind, col.values.dtype)
        assert np.array_equal(other.values, col.values) and np.array_equal(other.missing, col.missing)


def test_dates_and_huge_values_survive_the_record():
    rs = ruleset('''
[[criteria]]
id = "on_time"
group = "g"
scorer = "award_on_time"
max = 2
submitted = "sent"
deadline = "due"
per_day_late = 0.5

[[criteria]]
id = "export"
group = "g"
scorer = "attainment"
max = 3
actual = "vnd"
target = "vnd_plan"
''')
    data = rows([{"sent": "2024-03-15", "due": "2024-03-14", "vnd": "51900000000000.5",
                  "vnd_plan": "40000000000000"},
                 {"sent": "2024-03-01", "due": "2024-03-14", "vnd": "12", "vnd_plan": "10"}])
    result = run(rs, data)
    record = build_record(result, default_registry())
    assert record["data"]["indicators"]["sent"]["values"] == "2024-03-15,2024-03-01"
    assert record["data"]["indicators"]["vnd"]["values"] == "51900000000000.5,12.0"
    assert replay(parse_record(record_bytes(record).decode()), default_registry()).identical


# --- replay identity over generated rulesets and data ---------------------------------

SCORERS = {
    "attainment": ('actual = "a"\ntarget = "t"\nbonus = {{ per_percent = {pp}, cap = {cap} }}', "points"),
    "bands": ('value = "v"\nthresholds = [{{ at_least = {hi}, points = {mx} }}, '
              '{{ at_least = {lo}, points = {half} }}]', "points"),
    "pass_fail": ('value = "b"', "points"),
    "per_occurrence": ('count = "n"\npoints = {each}', "points"),
    "deduction": ('count = "n"\npoints = {each}', "deduction"),
    "bonus": ('count = "b"\npoints = {each}', "bonus"),
}

criteria_st = st.lists(st.tuples(
    st.sampled_from(sorted(SCORERS)), st.sampled_from(["1", "2", "3", "2.5"]),
    st.sampled_from(["0.05", "0.1"]), st.sampled_from(["0.5", "1"]),
    st.sampled_from(["0.25", "0.5", "1"])), min_size=1, max_size=6)
value_st = st.fixed_dictionaries({
    "a": st.decimals(0, 300, places=2), "t": st.decimals(1, 300, places=2),
    "v": st.decimals(0, 100, places=1), "b": st.integers(0, 1), "n": st.integers(0, 6),
    # read by no criterion: missing values, dates, huge and negative numbers must survive too
    "day": st.none() | st.dates().map(str),
    "spare": st.none() | st.decimals(-10**20, 10**20, places=3) | st.integers(-5, 5)})


def generated_ruleset(criteria, scale, rounding):
    tables = []
    for k, (kind, mx, pp, cap, each) in enumerate(criteria):
        params, role = SCORERS[kind]
        group = 'group = "g"\n' if role == "points" else ""
        half = Decimal(mx) / 2
        tables.append(f'[[criteria]]\nid = "c{k}"\n{group}scorer = "{kind}"\nmax = {mx}\n'
                      + params.format(pp=pp, cap=cap, hi=90, lo=60, mx=mx, half=half, each=each) + "\n")
    return ruleset("\n".join(tables), scale=scale, rounding=rounding, rest=AWARDS.replace(
        'indicator = "violations"', 'indicator = "n"').replace("at_most = 0", "at_most = 4"))


@given(criteria_st, st.lists(st.tuples(value_st, st.sampled_from(["k1", "k2", "k3"])),
                             min_size=1, max_size=15),
       st.sampled_from([2, 3]), st.sampled_from(["half-up", "half-even", "down", "up"]))
@settings(max_examples=60, deadline=None)
def test_replay_of_any_record_is_identical(criteria, units, scale, rounding):
    rs = generated_ruleset(criteria, scale, rounding)
    data = rows([v for v, _ in units], clusters=[c for _, c in units])
    record = build_record(run(rs, data), default_registry())
    text = record_bytes(record).decode()
    again = dataset_of(parse_record(text))
    for name, col in data.indicators.items():
        other = again.indicators[name]
        assert (other.scale, other.kind, other.values.dtype) == (col.scale, col.kind, col.values.dtype)
        assert other.values.tolist() == col.values.tolist()
        assert other.missing.tolist() == col.missing.tolist()
    assert data_part(again) == record["data"]         # load -> dump -> load is identity
    outcome = replay(parse_record(text), default_registry())
    assert outcome.identical
    assert outcome.lines() == [f"identical {record['digests']['record']}"]
    assert record_bytes(outcome.replayed) == text.encode()


# --- tampering ------------------------------------------------------------------------

def tampered(edit):
    """The record file after `edit` changed its content in place (digests left as they were)."""
    record = json.loads(record_bytes(build_record(small_result(), default_registry())))
    edit(record)
    return record_file_as_is(record)


def second(text, value):
    """A column text with its second unit's value replaced."""
    values = text.split(",")
    values[1] = value
    return ",".join(values)


@pytest.mark.parametrize(("part", "edit"), [
    ("ruleset", lambda r: r["ruleset"].update(text=r["ruleset"]["text"].replace("max = 3", "max = 4"))),
    ("data", lambda r: r["data"]["indicators"]["a"].update(
        values=second(r["data"]["indicators"]["a"]["values"], "7.10"))),
    ("results", lambda r: r["results"]["units"]["criteria"].update(
        growth=second(r["results"]["units"]["criteria"]["growth"], "3.00"))),
    ("results", lambda r: r["results"]["units"]["rank"].__setitem__(1, 1)),
    ("software", lambda r: r["software"].update(python="2.7.18")),
])
def test_a_record_edited_in_any_part_is_unusable_and_the_part_is_named(part, edit):
    with pytest.raises(UnusableRecord, match=f"the {part} part"):
        parse_record(tampered(edit), "run.json")


def test_editing_the_whole_digest_is_detected():
    def edit(r):
        r["digests"]["record"] = "0" * 64
    with pytest.raises(UnusableRecord, match=r"digests\.record"):
        parse_record(tampered(edit))


@pytest.mark.parametrize(("text", "why"), [
    ("{", "not JSON"), ("[]", "format"), ('{"format": "emuscore-record/1"}', "missing"),
    ('{"format": "emuscore-record/1", "x": 0.5}', "float"),
])
def test_unreadable_or_foreign_files_are_unusable(text, why):
    with pytest.raises(UnusableRecord, match=why):
        parse_record(text)


def test_a_tampered_record_redigested_replays_as_different():
    """Someone who edits a score and recomputes the digests is caught by replay."""
    record = json.loads(record_bytes(build_record(small_result(), default_registry())))
    columns = record["results"]["units"]
    columns["total"] = second(columns["total"], "9.99")
    columns["rank"][1] = 1
    outcome = replay(parse_record(record_bytes(redigest(record))), default_registry())
    assert not outcome.identical
    text = "\n".join(outcome.lines())
    assert text.startswith("different: 1 unit(s)")
    assert "u2" in text and "9.99 -> " in text and "1 -> 2" in text


def test_record_file_is_written_atomically_and_identically(tmp_path: Path):
    result = small_result()
    first = write_record(result, tmp_path / "run.json", default_registry())
    assert load_record(tmp_path / "run.json") == first
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
    with pytest.raises(Exception, match="does not exist"):
        write_record(result, tmp_path / "missing" / "run.json", default_registry())


def test_a_ruleset_built_in_code_is_recorded_as_its_toml_and_replays():
    import attrs
    result = small_result()
    in_code = attrs.evolve(result.ruleset, text="")
    record = build_record(run(in_code, result.data), default_registry())
    assert "[ruleset]" in record["ruleset"]["text"]
    assert replay(parse_record(record_bytes(record).decode()), default_registry()).identical


def test_the_auditors_check_in_docs_audit_md_passes_on_a_record_and_fails_on_an_edit(tmp_path):
    """The standard-library check docs/audit.md gives auditors, run as printed."""
    import re
    import subprocess
    import sys

    doc = (Path(__file__).parents[1] / "docs" / "audit.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Checking the digests without emuscore"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    write_record(small_result(), tmp_path / "run-2024.json", default_registry())

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, text=True,
                              capture_output=True)

    assert check().returncode == 0, check().stderr
    raw = (tmp_path / "run-2024.json").read_bytes()
    (tmp_path / "run-2024.json").write_bytes(raw.replace(b'"total":"', b'"total":"1', 1))
    assert check().returncode != 0 and "AssertionError" in check().stderr
