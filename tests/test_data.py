"""Reading the year's data: errors name the file and line; nothing is guessed."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ruleset
from emuscore import DataError, load_data, run
from emuscore.dataset import Dataset, natural_key
from emuscore.exact import format_units

UNITS = "unit_id,name,cluster_id\n1,Ủy ban nhân dân huyện Cao Lộc,K1\n2,Sở Tài chính,K1\n"
MEASURES = "unit_id,indicator,value\n1,x,7.5\n2,x,8\n"


def folder(tmp_path: Path, units: str = UNITS, measures: str | None = MEASURES,
           encoding: str = "utf-8") -> Path:
    (tmp_path / "units.csv").write_text(units, encoding=encoding)
    if measures is not None:
        (tmp_path / "measures.csv").write_text(measures, encoding=encoding)
    return tmp_path


def error(path: Path, **kwargs: str) -> str:
    with pytest.raises(DataError) as caught:
        load_data(path, **kwargs)
    (problem,) = caught.value.problems
    return str(problem)


def test_long_form_values_become_exact_columns(tmp_path):
    data = load_data(folder(tmp_path))
    col = data.indicators["x"]
    assert col.scale == 1 and col.values.tolist() == [75, 80]
    assert data.clusters == ("K1", "K1")


def test_a_measure_for_an_unknown_unit_names_file_and_line(tmp_path):
    message = error(folder(tmp_path, measures=MEASURES + "9,x,1\n"))
    assert message == f"{tmp_path / 'measures.csv'}:4: unknown unit 9: it is not in units.csv"


def test_a_duplicate_unit_names_both_lines(tmp_path):
    message = error(folder(tmp_path, units=UNITS + "1,Again,K2\n"))
    assert message == f"{tmp_path / 'units.csv'}:4: duplicate unit 1 (first on line 2)"


def test_a_value_that_is_not_a_number_is_refused(tmp_path):
    message = error(folder(tmp_path, measures=MEASURES + "1,y,7.5 lượt\n"))
    assert f"{tmp_path / 'measures.csv'}:4: unit 1: y: '7.5 lượt' is not a number" in message


def test_a_percentage_is_refused_unless_the_indicator_is_declared_a_percent(tmp_path):
    message = error(folder(tmp_path, measures=MEASURES + "1,y,7.5%\n"))
    assert f"{tmp_path / 'measures.csv'}:4: unit 1: y: '7.5%' is a percentage" in message
    assert 'kind = "percent"' in message


def test_a_second_value_for_the_same_indicator_is_refused(tmp_path):
    message = error(folder(tmp_path, measures=MEASURES + "1,x,9\n"))
    assert "measures.csv:4: second value of 'x' for unit 1" in message


def test_a_missing_indicator_a_criterion_needs_is_named_with_the_criterion(tmp_path):
    rs = ruleset('[[criteria]]\nid = "grdp"\ngroup = "g"\nscorer = "attainment"\nmax = 3\n'
                 'actual = "grdp_growth"\ntarget = "x"\n')
    with pytest.raises(DataError, match="criterion grdp: needs indicator 'grdp_growth'"):
        run(rs, load_data(folder(tmp_path)))


def test_a_missing_value_is_an_error_naming_the_unit_not_a_silent_zero(tmp_path):
    rs = ruleset('[[criteria]]\nid = "q"\ngroup = "g"\nscorer = "pass_fail"\nmax = 3\nvalue = "y"\n')
    data = load_data(folder(tmp_path, measures=MEASURES + "1,y,1\n"))
    with pytest.raises(DataError, match="criterion q: indicator 'y' has no value for unit 2"):
        run(rs, data)


def test_excel_exports_with_bom_decimal_comma_and_nfd_names_load(tmp_path):
    nfd = unicodedata.normalize("NFD", UNITS)
    measures = 'unit_id,indicator,value\n1,x,"7,5"\n2,x,8\n'
    (tmp_path / "units.csv").write_bytes(b"\xef\xbb\xbf" + nfd.encode())
    (tmp_path / "measures.csv").write_text(measures, encoding="utf-8-sig")
    data = load_data(tmp_path)
    assert data.names[0] == unicodedata.normalize("NFC", "Ủy ban nhân dân huyện Cao Lộc")
    assert data.indicators["x"].values.tolist() == [75, 80]


def test_a_legacy_code_page_is_refused_with_the_fix_and_read_when_declared(tmp_path):
    # cp1258 spells tones as combining marks: "Đồng Tháp" is written Đô + grave, a + acute
    folder(tmp_path, units="unit_id,name,cluster_id\n1,Đồng Tháp,K1\n",
           measures=None, encoding="cp1258")
    assert "pass --encoding cp1258" in error(tmp_path)
    assert load_data(tmp_path, encoding="cp1258").names == ("Đồng Tháp",)


def test_one_wide_csv_has_a_column_per_indicator(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("unit_id,name,cluster_id,x,y\n1,A,K1,7.5,\n2,B,K1,8,2024-03-15\n", "utf-8")
    data = load_data(path)
    assert data.indicators["x"].values.tolist() == [75, 80]
    assert data.indicators["y"].missing.tolist() == [True, False]
    assert data.indicators["y"].kind == "date"


def test_a_row_with_the_wrong_number_of_fields_is_refused(tmp_path):
    message = error(folder(tmp_path, measures=MEASURES + "1,x\n"))
    assert "measures.csv:4: 2 fields where the header has 3" in message


def test_missing_columns_are_named(tmp_path):
    message = error(folder(tmp_path, units="id,name,cluster\n1,A,K1\n"))
    assert "units.csv:1: missing column(s) unit_id, cluster_id" in message


def test_numeric_ids_rank_as_numbers_when_tie_broken_by_unit_id(tmp_path):
    units = "unit_id,name,cluster_id\n10,A,K\n9,B,K\n"
    rs = ruleset('[[criteria]]\nid = "q"\ngroup = "g"\nscorer = "pass_fail"\nmax = 3\nvalue = "y"\n')
    result = run(rs, load_data(folder(tmp_path, units=units, measures="unit_id,indicator,value\n"
                                      "10,y,1\n9,y,1\n")))
    assert result.ranks.rank.tolist() == [2, 1]
    assert [format_units(int(t), 2) for t in result.scores.total] == ["3.00", "3.00"]


CLUSTER_TEXT = st.one_of(st.integers(0, 10**12).map(str), st.text(max_size=12),
                         st.sampled_from(["K01", "Khối 2", "07", "7", "Cụm\nthi đua", "a\0b"]))


@given(st.lists(CLUSTER_TEXT, min_size=1, max_size=40))
def test_each_unit_has_its_own_cluster_and_clusters_come_in_natural_order(clusters):
    n = len(clusters)
    data = Dataset(tuple(map(str, range(n))), ("",) * n, tuple(clusters), {})
    assert [data.cluster_ids[k] for k in data.cluster_codes.tolist()] == clusters
    assert sorted(set(clusters)) == sorted(data.cluster_ids)
    keys = [natural_key(c) for c in data.cluster_ids]
    assert keys == sorted(keys)


@given(st.lists(st.one_of(st.integers(0, 10**20).map(str), st.text(max_size=6),
                          st.sampled_from(["007", "7", "Đ1", "10"])), min_size=1, max_size=40))
def test_unit_ids_sort_as_numbers_when_numbers_else_as_text(ids):
    n = len(ids)
    data = Dataset(tuple(ids), ("",) * n, ("1",) * n, {})
    by_position = np.argsort(data.unit_order).tolist()
    assert by_position == sorted(range(n), key=lambda i: natural_key(ids[i]))
