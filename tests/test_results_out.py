"""Results for the secretariat's Excel: the workbook read back with openpyxl holds the
exact scores, titles, frozen headers and filters; text that a spreadsheet would run as a
formula stays text in the workbook and in both CSVs; `--excel` CSV bytes are what
Vietnamese Excel opens; the terminal shows whole names and, for big runs, a line per
cluster. Expected scores are the engine's exact integers turned into decimals here with
`Decimal.scaleb`, not by the writers' formatting."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import cluster40
from conftest import ROOT
from emuscore import load_data, load_ruleset, parse_ruleset, run
from emuscore.cli import main
from emuscore.io.csv_data import dataset_from_rows
from emuscore.io.excel_csv import to_excel_csv
from emuscore.io.results import to_csv
from emuscore.io.xlsx_results import sheet_names, to_xlsx
from emuscore.manager import default_registry

LANG_SON = ROOT / "rulesets" / "lang-son-2024.toml"
HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+84 912 345", "-Phòng Nội vụ", "@SUM(A1:A9)",
           "\tTab đầu", "\rCR đầu"]


@pytest.fixture(scope="module")
def lang_son():
    registry = default_registry()
    return run(load_ruleset(LANG_SON, registry),
               load_data(ROOT / "rulesets" / "lang-son-2024", "utf-8-sig", registry), registry)


def exact(units: int, scale: int) -> Decimal:
    return Decimal(int(units)).scaleb(-scale)


def test_the_workbook_read_back_holds_every_exact_score(lang_son, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(to_xlsx(lang_son))
    book = openpyxl.load_workbook(path)
    scale, data, scores = lang_son.ruleset.scale, lang_son.data, lang_son.scores
    where = {u: i for i, u in enumerate(data.unit_ids)}
    criteria = lang_son.ruleset.criteria
    seen = 0
    for name in book.sheetnames[2:]:
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert header[7:-2] == [c.title for c in criteria]       # titles, not ids
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{sheet.max_row}"
        for row in sheet.iter_rows(min_row=2):
            i = where[row[2].value]
            assert data.clusters[i].startswith(name[:20])
            assert row[0].value == lang_son.ranks.rank[i]
            assert row[3].value == data.names[i]
            # a float read back is the exact score: Excel and openpyxl keep 15 digits
            assert Decimal(repr(row[4].value)) == exact(scores.total[i], scale)
            assert row[4].number_format == "0.00"
            for cell, c in zip(row[7:-2], criteria, strict=True):
                assert Decimal(repr(cell.value)) == exact(scores.criteria[c.id][i], scale)
            seen += 1
    assert seen == data.size


def test_the_workbook_stores_each_score_as_its_exact_decimal_text(lang_son) -> None:
    sheet = zipfile.ZipFile(io.BytesIO(to_xlsx(lang_son))).read("xl/worksheets/sheet3.xml").decode()
    totals = re.findall(r'<c r="E(\d+)"[^>]*><v>([^<]*)</v>', sheet)
    first = [i for i, c in enumerate(lang_son.data.clusters) if c == lang_son.data.cluster_ids[0]]
    expected = sorted(str(exact(lang_son.scores.total[i], 2)) for i in first)
    assert sorted(v for _, v in totals) == expected      # "98.30", never 98.29999999999998


def test_the_summary_lists_each_award_with_each_reason(lang_son) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(lang_son)))
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    titles = {a.id: a.title for a in lang_son.ruleset.awards}
    assert [(r[0], r[2], r[8]) for r in rows] == [(titles[p.award], p.unit, str(p.reason))
                                                  for p in lang_son.proposals]
    passed = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[6]) for r in passed] == [(s.unit, str(s.reason)) for s in lang_son.skips]


def hostile_result():
    rules = parse_ruleset('''
[ruleset]
id = "t"
title = "t"
version = "1"
scale = 2
[[groups]]
id = "g"
max = 10
[[criteria]]
id = "c"
title = "=cmd|' /C calc'!A0"
group = "g"
scorer = "bands"
max = 10
value = "v"
thresholds = [{ at_least = 50, points = 10 }]
[ranking]
order = ["total desc", "unit_id asc"]
''')
    data = dataset_from_rows({"unit_id": f"u{i}", "name": name, "cluster_id": "-k", "v": 60 + i}
                             for i, name in enumerate(HOSTILE))
    return run(rules, data)


def test_formula_text_stays_text_in_the_workbook() -> None:
    raw = to_xlsx(hostile_result())
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book.worksheets[2]
    names = {row[3].value: row[3] for row in sheet.iter_rows(min_row=2)}
    assert sorted(names) == sorted(HOSTILE)                  # every text kept as written
    for cell in names.values():
        assert cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(1, 8).value == "=cmd|' /C calc'!A0" and sheet.cell(1, 8).data_type == "s"
    for member in zipfile.ZipFile(io.BytesIO(raw)).namelist():
        assert b"<f>" not in zipfile.ZipFile(io.BytesIO(raw)).read(member)


@pytest.mark.parametrize("writer", [to_csv, to_excel_csv], ids=["csv", "excel-csv"])
def test_formula_text_is_neutralised_in_csv(writer) -> None:
    out = writer(hostile_result())
    text = out.decode("utf-8-sig") if isinstance(out, bytes) else out
    sep = ";" if writer is to_excel_csv else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == sorted("'" + n for n in HOSTILE)
    assert all(r[2] == "'-k" for r in rows[1:])


def test_excel_csv_bytes_are_what_vietnamese_excel_reads(lang_son) -> None:
    raw = to_excel_csv(lang_son)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    header = lines[0].split(";")
    assert header[:9] == ["Unit", "Name", "Cluster", "Total", "Class", "Rank", "Tied", "Decided by",
                          "Awards"]
    assert header[-1] == "Reasons"
    assert lang_son.ruleset.criteria[0].title in header
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))
    where = {u: i for i, u in enumerate(lang_son.data.unit_ids)}
    titles = {a.id: a.title for a in lang_son.ruleset.awards}
    for row in rows[1:]:
        i = where[row[0]]
        whole, _, part = row[3].partition(",")
        assert Decimal(f"{whole}.{part}") == exact(lang_son.scores.total[i], 2) and len(part) == 2
        assert row[8] == "; ".join(titles[a] for a in lang_son.awards_of(row[0]))
        for p in (p for p in lang_son.proposals if p.unit == row[0]):
            assert str(p.reason) in row[-1]
    assert len(rows) == lang_son.data.size + 1


def test_score_writes_xlsx_and_excel_csv_from_the_command_line(tmp_path: Path) -> None:
    data = ROOT / "rulesets" / "lang-son-2024"
    for args in (["--out", tmp_path / "r.xlsx"], ["--out", tmp_path / "r.csv", "--excel"]):
        done = CliRunner().invoke(main, ["score", str(LANG_SON), str(data), "-q", *map(str, args)])
        assert done.exit_code == 0, done.output
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[:2] == ["Proposals", "Passed over"]
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbfUnit;Name;")
    done = CliRunner().invoke(main, ["score", str(LANG_SON), str(data), "--out",
                                     str(tmp_path / "r.json"), "--excel"])
    assert done.exit_code == 2 and not (tmp_path / "r.json").exists()


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["a/b", "a:b", "x" * 40, "x" * 40, "Proposals"], {"proposals"})
    assert names == ["a-b", "a-b~2", "x" * 31, "x" * 29 + "~2", "Proposals~2"]
    assert all(len(n) <= 31 for n in names)


def test_the_terminal_shows_whole_names(tmp_path: Path) -> None:
    data = cluster40.generate(tmp_path / "data", 40, seed=3)
    units = (data / "units.csv").read_text("utf-8").splitlines()
    long_name = "Trung tâm Kiểm soát bệnh tật tỉnh Lạng Sơn và các đơn vị trực thuộc khu vực biên giới"
    cells = units[1].split(",")
    cells[1] = long_name
    units[1] = ",".join(cells)
    (data / "units.csv").write_text("\n".join(units) + "\n", "utf-8")
    done = CliRunner().invoke(main, ["score", str(ROOT / "rulesets" / "cluster-40.toml"), str(data)])
    assert done.exit_code == 0, done.output
    assert long_name in done.output


def test_a_big_run_prints_a_line_per_cluster_unless_tables_are_asked_for(tmp_path: Path) -> None:
    data = cluster40.generate(tmp_path / "data", 2001, seed=5)
    ruleset = str(ROOT / "rulesets" / "cluster-40.toml")
    short = CliRunner().invoke(main, ["score", ruleset, str(data)])
    full = CliRunner().invoke(main, ["score", ruleset, str(data), "--tables"])
    assert short.exit_code == full.exit_code == 0
    clusters = {line.split(",")[2] for line in (data / "units.csv").read_text("utf-8").splitlines()[1:]}
    assert "2001 units in" in short.output and "--tables" in short.output
    assert short.output.count("\ncluster ") == 0
    assert full.output.count("\ncluster ") == len(clusters)
    assert len(short.output.splitlines()) < len(full.output.splitlines()) - 2000


def test_markup_and_escape_lookalikes_in_names_read_back_as_written() -> None:
    rules = hostile_result().ruleset
    names = ["Công ty A & B <TNHH>", "_x0041_ không phải chữ A", "Chuông\x07 báo"]
    data = dataset_from_rows({"unit_id": f"u{i}", "name": name, "cluster_id": "k", "v": 60 + i}
                             for i, name in enumerate(names))
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(run(rules, data)))).worksheets[2]
    # Excel reads "_x0041_" in a cell's text as "A", so the writer escapes its underscore
    # ("_x005F_"); Excel undoes that, openpyxl only in shared strings, so undo it here
    shown = sorted(row[3].value.replace("_x005F_", "_") for row in sheet.iter_rows(min_row=2))
    # a control character XML cannot hold is dropped; everything else is kept
    assert shown == sorted(["Công ty A & B <TNHH>", "_x0041_ không phải chữ A", "Chuông báo"])


def test_the_same_results_give_the_same_workbook_bytes(lang_son) -> None:
    assert to_xlsx(lang_son) == to_xlsx(lang_son)


@settings(max_examples=60, deadline=None)
@given(scale=st.integers(0, 4),
       values=st.lists(st.integers(-(10**14), 10**14), min_size=1, max_size=20),
       texts=st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                              max_size=12), min_size=1, max_size=20))
def test_any_exact_number_and_any_text_reads_back_as_written(scale, values, texts) -> None:
    """Up to 15 significant digits (what Excel keeps), every number reads back as its
    exact decimal; every text reads back as written, but for the characters XML cannot
    hold (dropped) and the escaped underscore openpyxl does not undo in inline strings."""
    from emuscore.exact import format_units
    from emuscore.io.xlsx_results import Sheet, _package

    sheet = Sheet("s", ["number", "text"], [10, 10])
    rows = list(zip(values, texts * len(values), strict=False))
    for v, t in rows:
        sheet.append([("number", format_units(v, scale)), ("text", t)])
    book = openpyxl.load_workbook(io.BytesIO(_package([sheet], scale)))
    got = list(book["s"].iter_rows(min_row=2, values_only=True))
    xml_chars = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    for (v, t), (number, text) in zip(rows, got, strict=True):
        assert Decimal(repr(number)) == Decimal(v).scaleb(-scale)
        assert (text or "").replace("_x005F_", "_") == xml_chars.sub("", t)
