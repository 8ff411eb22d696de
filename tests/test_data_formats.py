"""CSV as a Vietnamese Excel writes it, read as the ruleset declares it ([data],
[indicators]) and never guessed: on the line-by-line reader and on the fast columnar
reader alike (the fast one reads it the same way or hands the file over, never reads
it differently)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import sheet
from emuscore import DataError, RulesetError, load_data, parse_ruleset, run
from emuscore.cli import main as cli
from emuscore.dataset import Dataset
from emuscore.io import csv_data
from emuscore.io.fast_csv import NotSimple, load_fast
from emuscore.io.numbers import Conventions
from emuscore.io.reading import Reading

# one criterion per kind of value, and the key columns under their Vietnamese headers
CRITERIA = '''
[[criteria]]
id = "thu"
group = "g"
title = "Thu ngân sách"
scorer = "attainment"
max = 10
actual = "thu_ngan_sach"
target = "thu_kh"

[[criteria]]
id = "hoi_nghi"
group = "g"
scorer = "per_occurrence"
max = 4
count = "so_hoi_nghi"
points = 2
'''
INDICATORS = '''
[indicators.thu_ngan_sach]
title = "Thu ngân sách"
unit = "triệu đồng"
min = 0

[indicators.thu_kh]
title = "Kế hoạch thu"
unit = "triệu đồng"
min = 0

[indicators.so_hoi_nghi]
title = "Số hội nghị"
unit = "hội nghị"
kind = "count"
missing = 0
'''
COLUMNS = 'columns = { unit_id = "Mã đơn vị", name = "Tên đơn vị", cluster_id = "Cụm thi đua" }\n'


def declared(data: str = "", indicators: str = INDICATORS, criteria: str = CRITERIA):
    rest = indicators + (f"\n[data]\n{data}" if data else "")
    return parse_ruleset(sheet(criteria, rest=rest))


@pytest.fixture(params=["fast allowed", "exact only"])
def path_taken(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each test runs with the fast reader tried first (as in use) and with it off."""
    if request.param == "exact only":
        with mock.patch.object(csv_data, "load_fast", side_effect=NotSimple):
            yield request.param
    else:
        yield request.param


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def value(data: Dataset, indicator: str, unit: int = 0) -> object:
    column = data.indicators[indicator]
    if column.kind == "date":
        return datetime.date.fromordinal(int(column.values[unit]))
    return column.decimal(unit)


def points(result, criterion: str, unit: int) -> str:
    return result.points(result.scores.criteria[criterion], unit)


def problems(path: Path, rs) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_data(path, ruleset=rs)
    return [str(p) for p in caught.value.problems]


# --- 12.000: twelve thousand, or twelve -------------------------------------------------

def test_twelve_thousand_under_decimal_comma(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach\nA,Sở Tài chính,K1,12.000\n"
                           'B,Sở Y tế,K1,"13.000,5"\n')
    data = load_data(path, ruleset=declared('decimal = ","\n'))
    assert value(data, "thu_ngan_sach", 0) == D("12000")
    assert value(data, "thu_ngan_sach", 1) == D("13000.5")


def test_twelve_under_decimal_point(tmp_path, path_taken):
    path = write(tmp_path, 'unit_id,name,cluster_id,thu_ngan_sach\nA,a,K1,12.000\nB,b,K1,"1,234.5"\n')
    data = load_data(path, ruleset=declared('decimal = "."\n'))
    assert value(data, "thu_ngan_sach", 0) == 12
    assert value(data, "thu_ngan_sach", 1) == D("1234.5")


@pytest.mark.parametrize("text", ["12.000", '"1,234"', "-999.000"])
def test_undeclared_a_value_two_conventions_read_differently_is_an_error(tmp_path, path_taken, text):
    path = write(tmp_path, f"unit_id,name,cluster_id,thu_ngan_sach\nA,a,K1,7.25\nB,b,K1,{text}\n")
    (message,) = problems(path, declared())
    assert message.startswith(f"{path}:3: unit B, column D: Thu ngân sách (thu_ngan_sach): ")
    assert "[data] decimal" in message
    assert text.strip('"') in message


def test_undeclared_and_without_a_ruleset_the_api_refuses_it_too(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,x\nA,a,K1,12.000\n")
    with pytest.raises(DataError, match=r"data\.csv:2: unit A, column D: x: '12\.000'.*\[data\] decimal"):
        load_data(path)


def test_values_both_conventions_read_alike_need_no_declaration(tmp_path, path_taken):
    path = write(tmp_path, 'unit_id,name,cluster_id,x\nA,a,K1,"7,25"\nB,b,K1,7.25\nC,c,K1,1500\n'
                           "D,d,K1,0.125\nE,e,K1,12.0000\n")
    data = load_data(path)
    assert [value(data, "x", k) for k in range(5)] == [D("7.25"), D("7.25"), 1500, D("0.125"), 12]


def test_thirteen_thousand_comma_zero_is_read_under_decimal_comma_and_named_undeclared(tmp_path, path_taken):
    path = write(tmp_path, 'unit_id;name;cluster_id;thu_ngan_sach\nA;a;K1;13.000,0\n')
    assert value(load_data(path, ruleset=declared('decimal = ","\n')), "thu_ngan_sach") == 13000
    (message,) = problems(path, declared())
    assert "'13.000,0' groups thousands" in message and '[data] decimal = ","' in message


def test_under_decimal_comma_a_decimal_point_is_refused_not_misread(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach\nA,a,K1,7.25\n")
    (message,) = problems(path, declared('decimal = ","\n'))
    assert "'7.25' is not a number with the declared [data] decimal = \",\"" in message


def test_a_wide_file_of_grouped_numbers_is_read_on_the_fast_path(tmp_path):
    path = write(tmp_path, 'unit_id;name;cluster_id;x\nA;a;K1;13.000,5\nB;b;K1;1.234.567\n'
                           'C;c;K1;999,25\nD;d;K1;\n')
    fast = load_fast(path, Reading(conventions=Conventions(decimal=",")))
    assert [value(fast, "x", k) for k in range(3)] == [D("13000.5"), 1234567, D("999.25")]
    assert fast.indicators["x"].missing.tolist() == [False, False, False, True]
    wrong = write(tmp_path, "unit_id;name;cluster_id;x\nA;a;K1;12.34\n", "wrong.csv")
    with pytest.raises(NotSimple):          # not grouped by threes: the exact reader says so
        load_fast(wrong, Reading(conventions=Conventions(decimal=",")))


def test_the_fast_reader_hands_over_what_the_declaration_reads_differently(tmp_path):
    path = write(tmp_path, "unit_id,name,cluster_id,x\nA,a,K1,12.000\n")
    with pytest.raises(NotSimple):
        load_fast(path, Reading())                                     # undeclared
    grouped = load_fast(path, Reading(conventions=Conventions(decimal=",")))
    assert value(grouped, "x") == 12000
    fast = load_fast(path, Reading(conventions=Conventions(decimal=".")))
    assert value(fast, "x") == 12
    (tmp_path / "units.csv").write_text("unit_id,name,cluster_id\nA,a,K1\n", encoding="utf-8")
    (tmp_path / "measures.csv").write_text("unit_id,indicator,value\nA,x,12.000\n",
                                           encoding="utf-8")
    with pytest.raises(NotSimple):       # measures.csv: grouped values go to the exact reader
        load_fast(tmp_path, Reading(conventions=Conventions(decimal=",")))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 999), st.integers(0, 3),
                          st.booleans()), min_size=1, max_size=8),
       st.sampled_from([None, ",", "."]), st.booleans())
def test_the_fast_reader_never_reads_a_number_differently_from_the_exact_one(
        tmp_path_factory, cells, decimal, wide):
    """Numbers written Vietnamese style (13.000,5) or English style (13,000.5), grouped or
    not: under every declaration the fast reader gives the exact reader's Dataset, or
    hands the file over; it never gives another value."""
    folder = tmp_path_factory.mktemp("law")
    texts = []
    for whole, frac, decimals, grouped in cells:
        style = decimal or ","
        group = "." if style == "," else ","
        body = f"{whole:,}".replace(",", group) if grouped else str(whole)
        texts.append(body + (style + str(frac).zfill(3)[:decimals] if decimals else ""))
    units = "unit_id,name,cluster_id" + (",x" if wide else "") + "\n" + "".join(
        f'U{k},n,K,"{t}"\n' if wide else f"U{k},n,K\n" for k, t in enumerate(texts))
    (folder / "units.csv").write_text(units, encoding="utf-8")
    if not wide:
        (folder / "measures.csv").write_text("unit_id,indicator,value\n" + "".join(
            f'U{k},x,"{t}"\n' for k, t in enumerate(texts)), encoding="utf-8")
    reading = Reading(conventions=Conventions(decimal=decimal))
    try:
        with mock.patch.object(csv_data, "load_fast", side_effect=NotSimple):
            exact: Dataset | str = csv_data.read_csv_data(folder, reading)
    except DataError as e:
        exact = str(e)
    try:
        fast = load_fast(folder, reading)
    except NotSimple:
        return
    assert isinstance(exact, Dataset), exact
    assert fast.indicators["x"].values.tolist() == exact.indicators["x"].values.tolist()
    assert fast.indicators["x"].scale == exact.indicators["x"].scale


# --- separators, headers, blanks ---------------------------------------------------------

def test_semicolons_vietnamese_headers_and_titles_as_excel_writes_them(tmp_path, path_taken):
    path = write(tmp_path, "\ufeffMã đơn vị;Tên đơn vị;Cụm thi đua;Thu ngân sách (triệu đồng);"
                           "Kế hoạch thu;Số hội nghị\r\n"
                           "DV01;Sở Tài chính, tỉnh Lạng Sơn;K1;12.500,75;10.000;2\r\n"
                           "DV02;Sở Y tế;K1;9.000;10.000;\r\n")
    rs = declared('decimal = ","\n' + COLUMNS)
    data = load_data(path, ruleset=rs)
    assert data.unit_ids == ("DV01", "DV02")
    assert data.names[0] == "Sở Tài chính, tỉnh Lạng Sơn"
    assert [value(data, "thu_ngan_sach", k) for k in (0, 1)] == [D("12500.75"), 9000]
    result = run(rs, data)
    # hand: 10 x min(9000/10000, 1) = 9.00; a blank count with missing = 0 holds no meeting
    assert points(result, "thu", 1) == "9.00"
    assert points(result, "hoi_nghi", 1) == "0.00"
    assert points(result, "hoi_nghi", 0) == "4.00"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_files_are_read_on_the_fast_path_too(tmp_path, delimiter):
    """A big export separated by ; (Excel on a Vietnamese Windows) or tab needs no slow
    reading: the columnar reader takes it and gives the line-by-line reader's Dataset."""
    (tmp_path / "units.csv").write_text(
        delimiter.join(["Mã đơn vị", "Tên đơn vị", "Cụm thi đua", "x"]) + "\r\n"
        + "".join(delimiter.join([f"U{k}", f"Đơn vị {k}, xã", "K1", f"{k},25"]) + "\r\n"
                  for k in range(1, 50)), encoding="utf-8-sig")
    (tmp_path / "measures.csv").write_text(
        delimiter.join(["unit_id", "indicator", "value"]) + "\n"
        + "".join(delimiter.join([f"U{k}", "y", str(k)]) + "\n" for k in range(1, 50)),
        encoding="utf-8")
    reading = Reading(conventions=Conventions(decimal=","))
    fast = load_fast(tmp_path, reading)
    with mock.patch.object(csv_data, "load_fast", side_effect=NotSimple):
        exact = csv_data.read_csv_data(tmp_path, reading)
    assert fast.names == exact.names and fast.names[0] == "Đơn vị 1, xã"
    for name in ("x", "y"):
        assert fast.indicators[name].values.tolist() == exact.indicators[name].values.tolist()
    assert value(fast, "x", 1) == D("2.25")


def test_tabs_are_recognised_and_delimiter_can_be_forced(tmp_path, path_taken):
    path = write(tmp_path, "unit_id\tname\tcluster_id\tx\nA\ta;b\tK1\t5\n")
    assert load_data(path).names == ("a;b",)
    with pytest.raises(DataError, match="missing column"):
        load_data(path, delimiter=";")


def test_the_ruleset_may_declare_the_separator(tmp_path, path_taken):
    # a header that two separators could split: the declaration settles it
    path = write(tmp_path, "unit_id;name;cluster_id;thu_ngan_sach;thu_kh\nA;Sở A, B;K1;5;10\n")
    data = load_data(path, ruleset=declared('delimiter = ";"\n'))
    assert data.names == ("Sở A, B",)
    assert value(data, "thu_kh") == 10


def test_a_blank_count_with_missing_zero_reads_as_zero(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach,thu_kh,so_hoi_nghi\n"
                           "A,a,K1,5,10,\nB,b,K1,5,10,3\n")
    data = load_data(path, ruleset=declared())
    column = data.indicators["so_hoi_nghi"]
    assert column.missing.tolist() == [False, False]
    assert [value(data, "so_hoi_nghi", k) for k in (0, 1)] == [0, 3]


def test_an_entirely_blank_column_is_present_and_missing_not_absent(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,x,y\nA,a,K1,1,\nB,b,K1,2,\n")
    data = load_data(path)
    assert data.indicators["y"].missing.tolist() == [True, True]
    rs = parse_ruleset(sheet('[[criteria]]\nid = "q"\ngroup = "g"\nscorer = "pass_fail"\n'
                             'max = 1\nvalue = "y"\n'))
    with pytest.raises(DataError, match="indicator 'y' has no value for unit A, B") as caught:
        run(rs, data)
    assert "does not have" not in str(caught.value)


def test_a_blank_where_missing_is_error_names_cell_title_and_the_key(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach,thu_kh\nA,a,K1,,10\n")
    (message,) = problems(path, declared())
    assert message == (f"{path}:2: unit A, column D: Thu ngân sách (thu_ngan_sach): blank; enter the "
                       "value, or declare what a blank means under [indicators.thu_ngan_sach] "
                       "(missing = 0)")


def test_indicator_columns_are_matched_by_title_and_in_measures_too(tmp_path, path_taken):
    (tmp_path / "units.csv").write_text("unit_id,name,cluster_id,Kế hoạch thu\nA,a,K1,10\n",
                                        encoding="utf-8")
    (tmp_path / "measures.csv").write_text("unit_id,indicator,value\nA,Thu ngân sách,8\n"
                                           "A,so_hoi_nghi,1\n", encoding="utf-8")
    data = load_data(tmp_path, ruleset=declared())
    assert {"thu_ngan_sach", "thu_kh", "so_hoi_nghi"} <= set(data.indicators)
    assert value(data, "thu_kh") == 10


# --- dates and percentages --------------------------------------------------------------

DATES = '''
[[criteria]]
id = "xet"
group = "g"
scorer = "award_processing_days"
max = 5
achieved = "ngay_lap"
decided = "ngay_qd"
norm = 30
'''
DATE_INDICATORS = '''
[indicators.ngay_lap]
title = "Ngày lập thành tích"
kind = "date"

[indicators.ngay_qd]
title = "Ngày quyết định"
kind = "date"
'''


def test_days_first_dates_with_a_declared_format(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,ngay_lap,ngay_qd\nA,a,K1,15/03/2025,2025-04-29\n")
    rs = declared('date_format = "dd/mm/yyyy"\n', DATE_INDICATORS, DATES)
    data = load_data(path, ruleset=rs)
    assert value(data, "ngay_lap") == datetime.date(2025, 3, 15)
    # hand: 45 days against a norm of 30: 5 x 30 / 45 = 3.33
    assert points(run(rs, data), "xet", 0) == "3.33"


def test_days_first_dates_undeclared_name_the_key_to_set(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,ngay_lap,ngay_qd\nA,a,K1,15/03/2025,2025-04-29\n")
    (message,) = problems(path, declared("", DATE_INDICATORS, DATES))
    assert message.startswith(f"{path}:2: unit A, column D: Ngày lập thành tích (ngay_lap): ")
    assert '[data] date_format = "dd/mm/yyyy"' in message


PERCENT = '''
[[criteria]]
id = "giai_ngan"
group = "g"
scorer = "bands"
max = 5
value = "giai_ngan"
thresholds = [{ at_least = 95, points = 5 }, { at_least = 90, points = 3 }]
'''


def test_percentages_are_read_for_percent_indicators(tmp_path, path_taken):
    path = write(tmp_path, 'unit_id;name;cluster_id;giai_ngan\nA;a;K1;96,0%\nB;b;K1;"94,5 %"\n')
    rs = declared('decimal = ","\n', '[indicators.giai_ngan]\ntitle = "Tỷ lệ giải ngân"\n'
                  'unit = "%"\nkind = "percent"\nmin = 0\nmax = 100\n', PERCENT)
    data = load_data(path, ruleset=rs)
    assert [value(data, "giai_ngan", k) for k in (0, 1)] == [96, D("94.5")]
    assert [points(run(rs, data), "giai_ngan", k) for k in (0, 1)] == ["5.00", "3.00"]


def test_a_percentage_for_a_number_indicator_is_refused(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach,thu_kh\nA,a,K1,96%,10\n")
    (message,) = problems(path, declared())
    assert "'96%' is a percentage" in message and 'kind = "percent"' in message


def test_a_yes_no_indicator_reads_1_0_co_and_khong_and_refuses_anything_else(tmp_path, path_taken):
    criteria = ('[[criteria]]\nid = "dk"\ngroup = "g"\nscorer = "pass_fail"\nmax = 3\n'
                'value = "dang_ky"\n')
    rs = declared("", '[indicators.dang_ky]\ntitle = "Đăng ký thi đua đúng hạn"\nkind = "yesno"\n',
                  criteria)
    path = write(tmp_path, "unit_id,name,cluster_id,dang_ky\nA,a,K1,Có\nB,b,K1,không\nC,c,K1,1\n")
    data = load_data(path, ruleset=rs)
    assert [value(data, "dang_ky", k) for k in range(3)] == [1, 0, 1]
    assert [points(run(rs, data), "dk", k) for k in range(3)] == ["3.00", "0.00", "3.00"]
    bad = write(tmp_path, "unit_id,name,cluster_id,dang_ky\nA,a,K1,2\n", "bad.csv")
    (message,) = problems(bad, rs)
    assert message == (f"{bad}:2: unit A, column D: Đăng ký thi đua đúng hạn (dang_ky) = 2: write 1 "
                       "for yes or 0 for no")


# --- declared kinds and ranges, every error at once -------------------------------------

def test_out_of_range_wrong_kind_and_blank_all_reported_at_once(tmp_path, path_taken):
    path = write(tmp_path, "unit_id,name,cluster_id,thu_ngan_sach,thu_kh,so_hoi_nghi\n"
                           "A,a,K1,-5,10,1\nB,b,K1,5,abc,2.5\nC,c,K1,,10,-1\n")
    found = problems(path, declared())
    assert found == [            # top to bottom, as the officer fixes them
        f"{path}:2: unit A, column D: Thu ngân sách (thu_ngan_sach) = -5: outside the allowed range "
        "0..; correct the value, or the range under [indicators.thu_ngan_sach]",
        f"{path}:3: unit B, column E: Kế hoạch thu (thu_kh): 'abc' is not a number; thu_kh is a number",
        f"{path}:3: unit B, column F: Số hội nghị (so_hoi_nghi) = 2.5: a count is a whole "
        "number, 0 or more",
        f"{path}:4: unit C, column D: Thu ngân sách (thu_ngan_sach): blank; enter the value, or "
        "declare what a blank means under [indicators.thu_ngan_sach] (missing = 0)",
        f"{path}:4: unit C, column F: Số hội nghị (so_hoi_nghi) = -1: a count is a whole "
        "number, 0 or more",
    ]


def test_many_errors_are_shown_fifty_then_counted(tmp_path, path_taken):
    rows = "".join(f"U{k},n,K1,{k}.500\n" for k in range(1, 61))     # 60 undeclared 1.500s
    path = write(tmp_path, "unit_id,name,cluster_id,x\n" + rows)
    with pytest.raises(DataError) as caught:
        load_data(path)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 51
    assert shown[0].startswith(f"{path}:2: unit U1, column D: x: '1.500'")
    assert shown[49].startswith(f"{path}:51: unit U50,")
    assert shown[50] == "and 10 more problems in the data"


def test_measures_errors_name_the_line_of_measures_csv(tmp_path, path_taken):
    (tmp_path / "units.csv").write_text("unit_id,name,cluster_id\nA,a,K1\nB,b,K1\n", encoding="utf-8")
    (tmp_path / "measures.csv").write_text(
        "unit_id,indicator,value\nA,thu_ngan_sach,1.000\nB,thu_ngan_sach,2\nA,thu_kh,1\n"
        "B,thu_kh,1\nZ,thu_kh,1\n", encoding="utf-8")
    found = problems(tmp_path, declared())
    assert found[0].startswith(f"{tmp_path / 'measures.csv'}:2: unit A: Thu ngân sách "
                               "(thu_ngan_sach): '1.000'")
    assert found[1] == f"{tmp_path / 'measures.csv'}:6: unknown unit Z: it is not in units.csv"


# --- the ruleset's declarations are checked ---------------------------------------------

@pytest.mark.parametrize("extra,expected", [
    ('[indicators.unused]\ntitle = "Không dùng"\n', "indicators.unused: indicator 'unused' is "
     "declared but nothing reads it"),
    ('[indicators.thu_kh]\ntitle = "Kế hoạch"\nkind = "date"\n', "criterion thu reads 'thu_kh' "
     "as a number, but it is declared kind = \"date\""),
    ('[indicators.thu_kh]\ntitle = "Kế hoạch"\nmissing = "blank"\n', "must be one of 'error', "
     "'pass'"),
    ('[indicators.thu_kh]\ntitle = "Kế hoạch"\nmin = 10\nmax = 5\n', "min 10 is above max 5"),
    ('[indicators.thu_kh]\ntitle = "Kế hoạch"\nmin = 1\nmissing = 0\n', "a blank would read as 0, "
     "outside min..max"),
    ('[indicators.thu_kh]\ntitle = "Kế hoạch"\nkind = "amount"\n', "did you mean"),
    ('[indicators.thu_kh]\ntitle = "Thu ngân sách"\n[indicators.thu_ngan_sach]\n'
     'title = "Thu ngân sách"\n', "columns are matched by title"),
])
def test_indicator_declarations_that_cannot_work_are_problems(extra, expected):
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(sheet(CRITERIA, rest=extra))
    assert expected in str(caught.value)


def test_data_declarations_are_checked():
    with pytest.raises(RulesetError, match=r"data\.decimal: must be one of ',', '\.'"):
        parse_ruleset(sheet(CRITERIA, rest='[data]\ndecimal = ";"\n'))
    with pytest.raises(RulesetError, match=r"data\.date_format: must be one of"):
        parse_ruleset(sheet(CRITERIA, rest='[data]\ndate_format = "dd/mm/yy"\n'))


def test_a_ruleset_with_declarations_dumps_and_loads_back_equal():
    from emuscore import dump_ruleset

    rs = declared('decimal = ","\ndate_format = "dd/mm/yyyy"\n' + COLUMNS)
    assert parse_ruleset(dump_ruleset(rs)) == rs
    assert rs.indicator("so_hoi_nghi").missing == 0


# --- the command line -------------------------------------------------------------------

def test_score_and_validate_read_the_data_as_the_ruleset_declares(tmp_path):
    toml = tmp_path / "r.toml"
    toml.write_text(sheet(CRITERIA, rest=INDICATORS + '\n[data]\ndecimal = ","\n' + COLUMNS),
                    encoding="utf-8")
    data = write(tmp_path, "Mã đơn vị;Tên đơn vị;Cụm thi đua;Thu ngân sách;Kế hoạch thu;Số hội nghị\n"
                           "DV01;Sở Tài chính;K1;12.000;10.000;\n")
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(toml), str(data)])
    assert ok.exit_code == 0 and "1 units in 1 clusters: ok" in ok.output
    scored = runner.invoke(cli, ["score", "-q", str(toml), str(data), "--delimiter", ";"])
    assert scored.exit_code == 0, scored.output
    wrong = runner.invoke(cli, ["score", str(toml), str(data), "--delimiter", "tab"])
    assert wrong.exit_code != 0
    assert "missing column(s) Mã đơn vị, Tên đơn vị, Cụm thi đua" in wrong.output


# --- the law behind it all ----------------------------------------------------------------

def written(value: D, decimal: str, grouped: bool) -> str:
    """`value` as a spreadsheet in that convention writes it: 13.000,5 or 13,000.5."""
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    group = "." if decimal == "," else ","
    if grouped:
        whole = f"{int(whole):,}".replace(",", group)
    return ("-" if value < 0 else "") + whole + (decimal + fraction if fraction else "")


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=-10**12, max_value=10**12, places=3, allow_nan=False),
       st.sampled_from([",", "."]), st.booleans())
def test_a_number_is_read_as_written_or_refused_never_misread(value, decimal, grouped):
    """Written in either convention, grouped or not: read under its own declaration it is
    exactly the number; undeclared it is that number or refused with the key to set,
    never another number. (The oracle is the Decimal it was written from.)"""
    from emuscore.io.numbers import Unreadable, read_number

    text = written(value, decimal, grouped)
    mantissa, decimals = read_number(text, Conventions(decimal=decimal))
    assert D(mantissa).scaleb(-decimals) == value
    try:
        mantissa, decimals = read_number(text, Conventions())
    except Unreadable as e:
        assert "[data] decimal" in str(e)
    else:
        assert D(mantissa).scaleb(-decimals) == value, text
