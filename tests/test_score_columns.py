"""`emuscore score --columns ... --sort ...`: the results table a user asks for, such as
the peers' unit_id,total,cluster_rank,flag, byte for byte (as tests/cluster40.py's exact
oracle writes it)."""

from __future__ import annotations

import csv
import io

import numpy as np
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import cluster40
from conftest import ROOT, ruleset
from emuscore import run
from emuscore.cli import main
from emuscore.exact import format_units
from emuscore.io.csv_data import dataset_from_rows
from emuscore.io.results import FORMULA_START, Numbers, _lines, table, to_csv

CLUSTER40 = "rulesets/cluster-40.toml"


def test_the_peers_columns_sorted_by_unit_id_equal_the_exact_oracle(tmp_path):
    data, got = cluster40.generate(tmp_path / "data", 400, seed=5), tmp_path / "results.csv"
    result = CliRunner().invoke(main, [
        "score", str(ROOT / CLUSTER40), str(data), "-q", "--out", str(got),
        "--columns", "unit_id,total,cluster_rank,award:flag", "--sort", "unit_id"])
    assert result.exit_code == 0, result.output
    assert got.read_bytes() == cluster40.oracle_csv(data)


def test_an_unknown_column_is_one_line_naming_the_closest(tmp_path):
    data = cluster40.generate(tmp_path / "data", 20, seed=1)
    result = CliRunner().invoke(main, [
        "score", str(ROOT / CLUSTER40), str(data), "-q", "--out", str(tmp_path / "r.csv"),
        "--columns", "unit_id,totl"])
    assert result.exit_code == 1
    assert result.output.startswith("error: unknown column 'totl'; did you mean 'total'?")
    assert not (tmp_path / "r.csv").exists()


def test_columns_need_a_csv_file(tmp_path):
    data = cluster40.generate(tmp_path / "data", 20, seed=1)
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


NAMES = st.lists(st.sampled_from([*"ab ,\"'=+-@\t", "Ủy", "\n"]), max_size=6).map("".join)


@given(st.lists(st.tuples(NAMES, st.integers(0, 500)), min_size=1, max_size=12))
def test_results_csv_reads_back_as_the_table_with_formulas_defused(units):
    """Whichever way the CSV is built (byte matrix, or the csv module when a name needs
    quoting), reading it back gives every cell of the table; free text a spreadsheet
    would run as a formula gets a leading quote, numbers stay numbers."""
    data = dataset_from_rows({"unit_id": f"u{i}", "name": name, "cluster_id": "c", "x": str(x)}
                             for i, (name, x) in enumerate(units, 1))
    result = run(ruleset('[[criteria]]\nid = "k"\ngroup = "g"\nscorer = "per_occurrence"\n'
                         'max = 1000\ncount = "x"\npoints = 0.25\n'), data)
    written = to_csv(result)
    text = written.decode("utf-8") if isinstance(written, bytes) else written
    back = list(csv.reader(io.StringIO(text, newline="")))
    columns = table(result)
    assert back[0] == [name for name, _, _ in columns]
    for k, (_, cells, free) in enumerate(columns):
        want = [("'" + c if free and c.startswith(FORMULA_START) else c) for c in cells]
        assert [row[k] for row in back[1:]] == want
