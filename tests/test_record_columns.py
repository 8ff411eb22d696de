"""The record's columns (audit/packed.py) against a Decimal oracle, and records of the first
format (emuscore-record/1) still read, replayed and compared."""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from emuscore.audit import packed
from emuscore.audit.record import UnusableRecord, load_record, unit_result
from emuscore.cli import main

HERE = Path(__file__).parent
V1 = HERE / "records" / "v1-base.json"
"""Written by emuscore 0.1.0 before the columnar format (the base ruleset and data of
tests/bad_inputs), kept as published."""
BASE = HERE / "bad_inputs" / "base"

INT64_VALUES = st.integers(-(2**61) + 1, 2**61 - 1)


def oracle(value: int, scale: int) -> str:
    with localcontext() as exact:
        exact.prec = 100
        return format(Decimal(value).scaleb(-scale), "f")


@given(st.lists(st.tuples(INT64_VALUES | st.integers(-1000, 1000), st.booleans()), min_size=1,
                max_size=40), st.integers(0, 18))
@settings(max_examples=300)
def test_a_number_column_is_each_value_in_decimal_and_back(values, scale):
    numbers = np.array([v for v, _ in values], np.int64)
    missing = np.array([m for _, m in values], bool)
    text = packed.pack_numbers(numbers, scale, missing)
    assert text.split(",") == ["" if m else oracle(v, scale) for v, m in values]
    packed.check(text, "number", scale, len(values))
    back, gone = packed.unpack_numbers(text, scale)
    assert gone.tolist() == missing.tolist()
    assert back.tolist() == [0 if m else v for v, m in values]


@given(st.lists(st.integers(-(10**40), 10**40), min_size=1, max_size=10), st.integers(0, 3))
def test_numbers_beyond_int64_survive_exactly(values, scale):
    numbers = np.array(values, dtype=object)
    text = packed.pack_numbers(numbers, scale)
    assert text.split(",") == [oracle(v, scale) for v in values]
    back, _ = packed.unpack_numbers(text, scale)
    assert [int(v) for v in back.tolist()] == values


@given(st.lists(st.none() | st.dates(), min_size=1, max_size=30))
def test_a_date_column_is_iso_dates_and_back(days):
    ordinals = np.array([d.toordinal() if d else 0 for d in days], np.int64)
    missing = np.array([d is None for d in days], bool)
    text = packed.pack_dates(ordinals, missing)
    assert text.split(",") == ["" if d is None else d.isoformat() for d in days]
    back, gone = packed.unpack_dates(text)
    assert gone.tolist() == missing.tolist() and back.tolist() == ordinals.tolist()


@pytest.mark.parametrize(("text", "kind", "scale", "size", "why"), [
    ("1.50,2", "number", 2, 2, "'2' is not a number at scale 2"),
    ("1,2,3", "number", 0, 2, "3 values for 2 units"),
    ("1e5", "number", 0, 1, "'1e5' is not a number"),
    (" 1", "number", 0, 1, "not a number"),
    ("2024-3-01", "date", 0, 1, "not a date"),
])
def test_a_column_that_is_not_one_is_named(text, kind, scale, size, why):
    with pytest.raises(packed.NotAColumn, match=why):
        packed.check(text, kind, scale, size)


def regex_oracle(text: str, kind: str, scale: int | None) -> bool:
    one = (r"\d{4}-\d\d-\d\d" if kind == "date" else r"-?\d+(\.\d+)?" if scale is None
           else r"-?\d+" + (rf"\.\d{{{scale}}}" if scale else ""))
    return re.fullmatch(f"(?:{one})?(?:,(?:{one})?)*", text, re.ASCII) is not None


@given(st.text("0123456789.,-", max_size=30) | st.lists(
    st.sampled_from(["", "0", "-1", "12.5", "1.25", "-0.05", ".5", "5.", "--1", "1-2"]),
    min_size=1).map(",".join), st.sampled_from([None, 0, 1, 2]))
@settings(max_examples=500)
def test_the_number_check_accepts_exactly_what_the_pattern_does(text, scale):
    size = text.count(",") + 1
    try:
        packed.check(text, "number", scale, size)
        accepted = True
    except packed.NotAColumn:
        accepted = False
    assert accepted == regex_oracle(text, "number", scale)


@given(st.text("0123456789-,", max_size=40) | st.lists(st.sampled_from(
    ["", "2024-01-31", "2024-1-31", "20240-1-31", "2024-01-3a", "2024-01-311"]), min_size=1
).map(",".join))
@settings(max_examples=300)
def test_the_date_check_accepts_exactly_what_the_pattern_does(text):
    try:
        packed.check(text, "date", 0, text.count(",") + 1)
        accepted = True
    except packed.NotAColumn:
        accepted = False
    assert accepted == regex_oracle(text, "date", 0)


def test_an_impossible_date_is_refused():
    with pytest.raises(packed.NotAColumn, match="'2023-02-29' is an impossible date"):
        packed.unpack_dates("2024-02-29,2023-02-29")


def test_a_record_of_the_first_format_replays_identically(tmp_path):
    copy = tmp_path / "run-2024.json"
    shutil.copy(V1, copy)
    before = copy.read_bytes()
    out = CliRunner().invoke(main, ["replay", str(copy)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("identical 63e588d52e8ad00f272484c99cfb98ecb9bf4cb1a76e37d873c164b1e45605af")
    assert copy.read_bytes() == before


def test_a_record_of_the_first_format_compares_with_todays_record_of_the_same_run(tmp_path):
    ours = tmp_path / "now.json"
    scored = CliRunner().invoke(main, ["score", str(BASE / "r.toml"), str(BASE / "d"), "-q",
                                       "--record", str(ours)])
    assert scored.exit_code == 0, scored.output
    assert load_record(ours)["format"] == "emuscore-record/2"
    out = CliRunner().invoke(main, ["diff", str(V1), str(ours)])
    assert out.exit_code == 0 and out.output.startswith("same inputs and results"), out.output
    old, new = load_record(V1), load_record(ours)
    for unit in old["data"]["units"]["id"]:
        assert unit_result(old, unit) == unit_result(new, unit)


def test_a_record_of_the_first_format_edited_is_unusable(tmp_path):
    copy = tmp_path / "run.json"
    copy.write_bytes(V1.read_bytes().replace(b'"total":"', b'"total":"1', 1))
    with pytest.raises(UnusableRecord, match="edited after it was written: the results part"):
        load_record(copy)


def test_explain_reads_a_record_of_the_first_format():
    unit = load_record(V1)["data"]["units"]["id"][0]
    out = CliRunner().invoke(main, ["explain", str(V1), unit])
    assert out.exit_code == 0, out.output
    assert f"unit {unit}" in out.output and "warning" not in out.output


def test_dates_round_trip_through_datetime():
    day = datetime.date(2024, 12, 31)
    text = packed.pack_dates(np.array([day.toordinal()]), np.array([False]))
    assert text == "2024-12-31"
