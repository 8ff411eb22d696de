"""`emuscore score --columns ... --sort ...`: the results table a user asks for, such as
the peers' unit_id,total,cluster_rank,flag, byte for byte."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import numpy as np
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from emuscore.cli import main
from emuscore.exact import format_units
from emuscore.io.results import FORMULA_START, Numbers, _lines

CLUSTER40 = "rulesets/cluster-40.toml"


def test_the_peers_columns_sorted_by_unit_id_equal_the_decimal_oracle(tmp_path, peers):
    from conftest import ROOT

    data, want, got = tmp_path / "data", tmp_path / "oracle.csv", tmp_path / "results.csv"
    subprocess.run([sys.executable, str(peers / "gen.py"), "--units", "400", "--seed", "5",
                    "--out", str(data)], check=True)
    subprocess.run([sys.executable, str(peers / "impl_decimal.py"), "--data", str(data),
                    "--out", str(want)], check=True, cwd=peers)
    result = CliRunner().invoke(main, [
        "score", str(ROOT / CLUSTER40), str(data), "-q", "--out", str(got),
        "--columns", "unit_id,total,cluster_rank,award:flag", "--sort", "unit_id"])
    assert result.exit_code == 0, result.output
    assert got.read_bytes() == want.read_bytes()


def test_an_unknown_column_is_one_line_naming_the_closest(tmp_path, peers):
    from conftest import ROOT

    data = tmp_path / "data"
    subprocess.run([sys.executable, str(peers / "gen.py"), "--units", "20", "--seed", "1",
                    "--out", str(data)], check=True)
    result = CliRunner().invoke(main, [
        "score", str(ROOT / CLUSTER40), str(data), "-q", "--out", str(tmp_path / "r.csv"),
        "--columns", "unit_id,totl"])
    assert result.exit_code == 1
    assert result.output.startswith("error: unknown column 'totl'; did you mean 'total'?")
    assert not (tmp_path / "r.csv").exists()


def test_columns_need_a_csv_file(tmp_path, peers):
    from conftest import ROOT

    data = tmp_path / "data"
    subprocess.run([sys.executable, str(peers / "gen.py"), "--units", "20", "--seed", "1",
                    "--out", str(data)], check=True)
    result = CliRunner().invoke(main, [
        "score", str(ROOT / CLUSTER40), str(data), "-q", "--out", str(tmp_path / "r.json"),
        "--columns", "unit_id"])
    assert result.exit_code == 2
    assert "--columns and --sort shape a .csv --out" in result.output


# The CSV fast path: lines assembled as a byte matrix must be exactly the csv module's.

PLAIN_TEXT = st.text(st.characters(blacklist_characters=',"\r\n\0', blacklist_categories=("Cs",)),
                     max_size=12).filter(lambda t: not t.startswith(FORMULA_START))
INT64 = st.integers(-(2**63) + 1, 2**63 - 1)


@given(st.lists(st.tuples(INT64, PLAIN_TEXT, st.integers(0, 10**6)), min_size=1, max_size=40),
       st.integers(0, 8))
def test_byte_lines_are_the_csv_modules_lines(rows, scale):
    amounts = [a for a, _, _ in rows]
    texts = [t for _, t, _ in rows]
    ranks = [r for _, _, r in rows]
    got = _lines([("name", texts, True), ("total", Numbers(np.array(amounts, np.int64), scale), False),
                  ("rank", Numbers(np.array(ranks, np.int64), 0), False)], len(rows))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        (t, format_units(a, scale), str(r)) for a, t, r in rows)
    assert got is not None
    assert got.decode("utf-8") == buffer.getvalue()
