"""The data-entry workbook: `emuscore template` writes it from a ruleset, a secretariat
fills it in Excel (here: openpyxl, which stores numbers as Excel does, binary floats),
and `emuscore score RULESET nhap-lieu.xlsx` scores it exactly as the CSV route does."""

from __future__ import annotations

import datetime
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, sheet
from emuscore import DataError, load_data, load_ruleset, parse_ruleset, run
from emuscore.cli import main
from emuscore.dataset import Dataset
from emuscore.io.reading import Reading
from emuscore.io.xlsx_data import UNITS_SHEET, _float_units, typed_decimal, write_template
from emuscore.manager import default_registry

RULESET = ROOT / "rulesets" / "lang-son-2024.toml"
DATA = ROOT / "rulesets" / "lang-son-2024"


def template(tmp_path: Path, ruleset_path: Path = RULESET) -> Path:
    out = tmp_path / "nhap-lieu.xlsx"
    result = CliRunner().invoke(main, ["template", str(ruleset_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def cell_value(data: Dataset, indicator: str, unit: int) -> Any:
    """What a person types in Excel for the value: a date, or a number (stored as a float)."""
    column = data.indicators[indicator]
    if column.missing[unit]:
        return None
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[unit]))
    return float(column.decimal(unit))


def fill(path: Path, data: Dataset, ruleset) -> None:
    """Each unit on the units sheet and its values on every indicator sheet, the rows of
    each sheet in another order, as people sort them."""
    book = openpyxl.load_workbook(path)
    reading = Reading.of(ruleset)
    units = book[UNITS_SHEET]
    for k in range(data.size):
        units.append([data.unit_ids[k], data.names[k], data.clusters[k]])
    for ws in book.worksheets[1:-1]:
        indicators = [reading.column(c.value) for c in ws[1][2:]]
        for k in reversed(range(data.size)):
            ws.append([data.unit_ids[k], data.names[k],
                       *(cell_value(data, i, k) for i in indicators)])
    book.save(path)


@pytest.fixture(scope="module")
def both_routes(tmp_path_factory: pytest.TempPathFactory):
    rs = load_ruleset(RULESET)
    csv_data = load_data(DATA, ruleset=rs)
    path = template(tmp_path_factory.mktemp("xlsx"))
    fill(path, csv_data, rs)
    return rs, run(rs, csv_data), run(rs, load_data(path, ruleset=rs)), path


def test_the_filled_template_scores_exactly_as_the_csv_route(both_routes):
    _rs, by_csv, by_xlsx, _path = both_routes
    assert by_xlsx.data.unit_ids == by_csv.data.unit_ids
    assert by_xlsx.scores.total.tolist() == by_csv.scores.total.tolist()
    for criterion, points in by_csv.scores.criteria.items():
        assert by_xlsx.scores.criteria[criterion].tolist() == points.tolist(), criterion
    assert by_xlsx.classes == by_csv.classes
    assert by_xlsx.ranks.rank.tolist() == by_csv.ranks.rank.tolist()
    assert by_xlsx.proposals == by_csv.proposals


def test_score_reads_the_workbook_from_the_command_line(both_routes):
    _rs, by_csv, _by_xlsx, path = both_routes
    result = CliRunner().invoke(main, ["score", "-q", str(RULESET), str(path)])
    assert result.exit_code == 0, result.output
    flags = [p for p in by_csv.proposals if p.award == "provincial_flag"]
    assert f"provincial_flag): {len(flags)} proposed" in result.output


def test_the_template_has_the_sheets_titles_notes_and_validation(tmp_path):
    path = template(tmp_path)
    book = openpyxl.load_workbook(path)
    rs = load_ruleset(RULESET)
    assert book.sheetnames[0] == UNITS_SHEET
    assert [c.value for c in book[UNITS_SHEET][1]] == ["Mã đơn vị", "Tên đơn vị", "Cụm thi đua"]
    targets = next(ws for ws in book.worksheets if ws.title.startswith("Thực hiện chỉ tiêu"))
    headers = [c.value for c in targets[1]]
    assert headers[:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert "Thực hiện thu ngân sách, nguồn thu, nguồn vận động (triệu đồng)" in headers
    note = targets.cell(1, headers.index("Tỷ lệ giải ngân vốn đầu tư công (%)") + 1).comment.text
    assert "giai_ngan" in note and "%" in note and "0 to 100" in note
    # every indicator the ruleset reads has exactly one column, in some sheet
    assert book.sheetnames[-1] == "Hướng dẫn"          # how to fill it; not read back
    assert book["Hướng dẫn"]["A1"].value == rs.meta.title
    columns = [c.value for ws in book.worksheets[1:-1] for c in ws[1][2:]]
    assert len(columns) == len(set(columns)) == len(rs.indicators)
    kinds = {(dv.type, dv.operator, dv.formula1, dv.formula2)
             for ws in book.worksheets[1:-1] for dv in ws.data_validations.dataValidation}
    assert ("list", None, '"1,0"', None) in kinds                     # yes / no
    assert ("whole", "greaterThanOrEqual", "0", None) in kinds         # counts
    assert ("decimal", "between", "0", "100") in kinds                 # percentages
    assert ("date", "greaterThan", "1", None) in kinds                 # dates


def test_the_template_never_overwrites_a_file_unless_forced_and_never_the_ruleset(tmp_path):
    out = tmp_path / "nhap-lieu.xlsx"
    out.write_bytes(b"the officer's own work")
    runner = CliRunner()
    refused = runner.invoke(main, ["template", str(RULESET), "-o", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.output
    assert out.read_bytes() == b"the officer's own work"
    forced = runner.invoke(main, ["template", str(RULESET), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    toml = tmp_path / "r.xlsx"
    toml.write_text(RULESET.read_text(encoding="utf-8"), encoding="utf-8")
    itself = runner.invoke(main, ["template", str(toml), "-o", str(toml), "--force"])
    assert itself.exit_code == 1
    assert itself.output == (f"error: {toml}: --out: it is an input of this run ({toml}); "
                             "writing it would destroy it: choose another name\n")
    assert toml.read_text(encoding="utf-8") == RULESET.read_text(encoding="utf-8")


def test_the_template_can_carry_the_units_so_only_values_are_left(tmp_path):
    out = tmp_path / "nhap-lieu.xlsx"
    result = CliRunner().invoke(main, ["template", str(RULESET), "-o", str(out), "--units",
                                       str(DATA / "units.csv")])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    units = [tuple(c.value for c in row) for row in book[UNITS_SHEET].iter_rows(min_row=2)]
    assert units[0] == ("DV001", "Ủy ban nhân dân thành phố Lạng Sơn", "K01-huyen-thanh-pho")
    assert len(units) == 294
    for ws in book.worksheets[1:-1]:
        assert [row[0].value for row in ws.iter_rows(min_row=2)] == [u for u, _n, _c in units]
    # unfilled, it is the data with every value blank: each blank is named by its cell
    with pytest.raises(DataError) as caught:
        load_data(out, ruleset=load_ruleset(RULESET))
    assert "and " in str(caught.value.problems[-1]) and len(caught.value.problems) == 51


CRITERIA = '''
[[criteria]]
id = "thu"
group = "g"
scorer = "attainment"
max = 10
actual = "thu"
target = "thu_kh"
'''
INDICATORS = '''
[indicators.thu]
title = "Thu ngân sách"
unit = "triệu đồng"
min = 0

[indicators.thu_kh]
title = "Kế hoạch thu"
unit = "triệu đồng"
min = 0
'''


def small(tmp_path: Path, rows: list[list[Any]], data: str = "") -> tuple[Path, Any]:
    rs = parse_ruleset(sheet(CRITERIA, rest=INDICATORS + (f"[data]\n{data}" if data else "")))
    path = tmp_path / "nhap-lieu.xlsx"
    path.write_bytes(write_template(rs, default_registry()))
    book = openpyxl.load_workbook(path)
    book[UNITS_SHEET].append(["DV01", "Sở Tài chính", "K1"])
    book[UNITS_SHEET].append(["DV02", "Sở Y tế", "K1"])
    group = book.worksheets[1]
    for row in rows:
        group.append(row)
    book.save(path)
    return path, rs


def excel_wrote(path: Path, shown: str, stored: str) -> None:
    """Rewrite a cell's stored number as Excel writes a formula's result, to 17 digits
    (openpyxl writes 16 at most)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    name = "xl/worksheets/sheet2.xml"
    assert parts[name].count(f"<v>{shown}</v>".encode()) == 1
    parts[name] = parts[name].replace(f"<v>{shown}</v>".encode(), f"<v>{stored}</v>".encode())
    with zipfile.ZipFile(path, "w") as z:
        for part, content in parts.items():
            z.writestr(part, content)


def test_a_float_with_binary_noise_is_refused_with_its_cell(tmp_path):
    path, rs = small(tmp_path, [["DV01", "", 0.3, 1], ["DV02", "", 5, 10]])
    excel_wrote(path, "0.3", "0.30000000000000004")          # =0.1+0.2 in Excel
    with pytest.raises(DataError) as caught:
        load_data(path, ruleset=rs)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}: g!C2 (unit DV01): Thu ngân sách (thu): "
                                   "0.30000000000000004 is not a number as typed")
    assert "ROUND" in str(problem)


def test_numbers_dates_and_text_cells_are_read_exactly(tmp_path):
    path, rs = small(tmp_path, [["DV01", "", 1467158.036, "1.500.000"], ["DV02", "", 12000, 0.1]],
                     data='decimal = ","\n')
    data = load_data(path, ruleset=rs)
    assert data.indicators["thu"].decimal(0) == Decimal("1467158.036")
    assert data.indicators["thu_kh"].decimal(0) == 1500000          # text, Vietnamese style
    assert data.indicators["thu_kh"].decimal(1) == Decimal("0.1")    # 0.1 as typed, not binary


def test_every_problem_in_the_workbook_is_named_by_its_cell(tmp_path):
    path, rs = small(tmp_path, [["DV01", "", -5, "12.000"], ["DV09", "", 1, 1], ["DV02", "", None, 3]])
    with pytest.raises(DataError) as caught:
        load_data(path, ruleset=rs)
    found = [str(p) for p in caught.value.problems]
    assert found == [            # sheet by sheet, top to bottom
        f"{path}: g!C2 (unit DV01): Thu ngân sách (thu) = -5: outside the allowed range 0..; correct "
        "the value, or the range under [indicators.thu]",
        f"{path}: g!D2 (unit DV01): Kế hoạch thu (thu_kh): '12.000' is 12 with a decimal '.' but "
        "12000 with '.' grouping thousands; declare which in the ruleset: [data] decimal = \",\" "
        "(then it is 12000) or decimal = \".\"",
        f"{path}: g!A3: unknown unit DV09: it is not in the sheet Đơn vị",
        f"{path}: g!C4 (unit DV02): Thu ngân sách (thu): blank; enter the value, or declare what a "
        "blank means under [indicators.thu] (missing = 0)",
    ]


def test_a_workbook_without_a_units_sheet_says_how_to_get_one(tmp_path):
    path = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(path)
    with pytest.raises(DataError, match=r"no sheet lists the units.*Mã đơn vị, Tên đơn vị, Cụm thi đua"):
        load_data(path)


def test_a_file_that_is_no_workbook_is_one_line_saying_so(tmp_path):
    (tmp_path / "year.xlsx").write_bytes(b"PK")
    with pytest.raises(DataError) as caught:
        load_data(tmp_path / "year.xlsx")
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{tmp_path / 'year.xlsx'}: not a readable .xlsx workbook (")
    assert str(problem).endswith("save it again from Excel as .xlsx")


@pytest.mark.parametrize("value,expected", [
    (0.1, "0.1"), (1467158.036, "1467158.036"), (12000.0, "12000"), (96.5, "96.5"),
    (-0.25, "-0.25"), (123456789012345.0, "123456789012345"), (1e-05, "0.00001"),
    (1.5e16, "15000000000000000"),
    (0.1 + 0.2, None), (1 / 3, None), (2.675 * 3, None), (float("nan"), None), (float("inf"), None),
])
def test_a_float_is_taken_as_the_short_decimal_typed_or_refused(value, expected):
    got = typed_decimal(value)
    assert (None if got is None else format(got, "f")) == expected
    fast = _float_units(value)              # the reader's shortcut for the usual cell
    assert (None if fast is None else Decimal(fast[0]).scaleb(-fast[1])) == (
        None if expected is None else Decimal(expected))


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3,
                   min_value=-10**11, max_value=10**11))
def test_every_decimal_typed_with_up_to_15_digits_comes_back_exactly(typed):
    """A value a person types (at most 15 significant digits, as Excel keeps) is stored
    as the nearest float and read back as exactly what was typed."""
    assert typed_decimal(float(typed)) == typed
    mantissa, decimals, _kind = _float_units(float(typed))
    assert Decimal(mantissa).scaleb(-decimals) == typed
