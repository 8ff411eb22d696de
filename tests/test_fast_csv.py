"""The columnar CSV reader builds exactly the Dataset the line-by-line reader builds, and
leaves every file it cannot read with certainty (and every error) to that reader."""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cluster40
from emuscore import DataError
from emuscore.dataset import Dataset
from emuscore.io import csv_data, fast_csv
from emuscore.io.fast_csv import NotSimple, load_fast

ID_CHARS = st.sampled_from([*"0123456789ABCxyz_-.", "Đ", "ộ"])
NFD_ID_CHARS = st.sampled_from(["o\u0302\u0323", "1"])     # fine, but not on the fast path
NAME_CHARS = st.sampled_from([*"abc ,\"'=+-", "Ủy ban", "Lộc", "Lo\u0323\u0302c", "\t", "\u00a0", "\u3000"])
INDICATOR_NAMES = st.sampled_from(["x", "t_1", "a_20", "grdp_growth_target", "Điểm", " y ",
                                   "longer_than_eight_bytes"])


def pieces(alphabet: st.SearchStrategy[str], least: int, most: int) -> st.SearchStrategy[str]:
    return st.lists(alphabet, min_size=least, max_size=most).map("".join)


def number_text(draw: st.DrawFn, simple: bool) -> str:
    sign = draw(st.sampled_from(["", "", "-", "+"]))
    whole = draw(st.text("0123456789", min_size=0 if not simple else 1, max_size=9))
    decimals = draw(st.text("0123456789", max_size=4))
    point = draw(st.sampled_from([".", ","])) if decimals or draw(st.booleans()) else ""
    if not whole and not decimals:
        whole = "0"
    pad = draw(st.sampled_from(["", "", " ", "\t"]))
    return f"{pad}{sign}{whole}{point}{decimals}{pad}"


@st.composite
def value_text(draw: st.DrawFn, kind: str, simple: bool) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["", " "]))            # missing
    if kind == "date":
        day = draw(st.dates())
        return day.isoformat()
    if not simple and draw(st.integers(0, 14)) == 0:
        return draw(st.sampled_from(["7.5%", "1e3", "\u00a07", "12345678901234567890", "2024-02-30",
                                     "20240315", "--1", "1.2.3", "٣", "nan"]))
    return number_text(draw, simple)


@st.composite
def years(draw: st.DrawFn, simple: bool) -> dict[str, object]:
    """Units, indicator columns and the options to write them with."""
    n = draw(st.integers(1, 12))
    ids = draw(st.lists(pieces(ID_CHARS if simple else st.one_of(ID_CHARS, NFD_ID_CHARS), 1, 10),
                        min_size=n, max_size=n,
                        unique_by=lambda u: unicodedata.normalize("NFC", u)))
    names = draw(st.lists(pieces(NAME_CHARS, 0, 5), min_size=n, max_size=n))
    clusters = draw(st.lists(st.sampled_from(["1", "2", "K 3", "Khối A"]), min_size=n, max_size=n))
    indicators = draw(st.lists(INDICATOR_NAMES, max_size=4, unique_by=str.strip))
    kinds = {i: draw(st.sampled_from(["number", "number", "date"])) for i in indicators}
    values = {i: [draw(value_text(kinds[i], simple)) for _ in range(n)] for i in indicators}
    return {
        "ids": ids, "names": names, "clusters": clusters, "values": values,
        "wide": draw(st.booleans()),
        "bom": draw(st.booleans()),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "delimiter": draw(st.sampled_from([",", ",", ";", "\t"])),   # as Excel exports write them
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "shuffle": draw(st.randoms(use_true_random=False)),
        "last_newline": draw(st.booleans()),
        "trailing_blank": draw(st.booleans()),
        "nfd_measure_ids": not simple and draw(st.booleans()),
        "duplicate_cell": not simple and draw(st.integers(0, 9)) == 0,
        "block": draw(st.sampled_from([1 << 19, 16, 40, 100])),   # bytes read at a time
        # blocks parsed before units.csv is read: none, some, all
        "ahead": draw(st.sampled_from([0, 1, 3, 192])),
    }


def write_csv(path: Path, rows: list[list[str]], year: dict[str, object]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=str(year["newline"]), quoting=year["quoting"],
                        delimiter=str(year["delimiter"]))
    writer.writerows(rows)
    text = buffer.getvalue()
    if not year["last_newline"]:
        text = text.rstrip("\r\n")
    if year["trailing_blank"]:
        text += str(year["newline"]) * 2
    path.write_bytes(("\ufeff" if year["bom"] else "").encode() + text.encode("utf-8"))


def write_year(folder: Path, year: dict[str, object]) -> None:
    ids, names, clusters = year["ids"], year["names"], year["clusters"]
    values: dict[str, list[str]] = year["values"]  # type: ignore[assignment]
    units = [["unit_id", "name", "cluster_id"]]
    if year["wide"]:
        units[0] += list(values)
    for k, unit in enumerate(ids):  # type: ignore[arg-type]
        row = [unit, names[k], clusters[k]]  # type: ignore[index]
        units.append(row + ([values[i][k] for i in values] if year["wide"] else []))
    write_csv(folder / "units.csv", units, year)
    if year["wide"]:
        return
    measures = [[unit, i, values[i][k]] for i in values for k, unit in enumerate(ids)]  # type: ignore[arg-type]
    year["shuffle"].shuffle(measures)  # type: ignore[attr-defined]
    if year["nfd_measure_ids"]:
        measures = [[unicodedata.normalize("NFD", u), i, v] for u, i, v in measures]
    if year["duplicate_cell"] and measures:
        measures.append(measures[0])
    write_csv(folder / "measures.csv", [["unit_id", "indicator", "value"], *measures], year)


@contextlib.contextmanager
def reading_as(year: dict[str, object]) -> Iterator[None]:
    """The fast reader with the year's block size and number of blocks parsed ahead."""
    with mock.patch.object(fast_csv, "BLOCK", year["block"]), \
            mock.patch.object(fast_csv, "AHEAD", year["ahead"]):
        yield


def exact_reader(path: Path) -> Dataset:
    with mock.patch.object(csv_data, "load_fast", side_effect=NotSimple):
        return csv_data.load_csv_data(path)


def assert_identical(fast: Dataset, exact: Dataset) -> None:
    assert fast.unit_ids == exact.unit_ids
    assert fast.names == exact.names
    assert fast.clusters == exact.clusters
    assert fast.source == exact.source
    assert dict(fast.lines) == dict(exact.lines)
    assert list(fast.indicators) == list(exact.indicators)
    for name, want in exact.indicators.items():
        got = fast.indicators[name]
        assert (got.scale, got.kind, got.values.dtype) == (want.scale, want.kind, want.values.dtype)
        assert np.array_equal(got.missing, want.missing), name
        assert got.values.tolist() == want.values.tolist(), name


def outcome(path: Path) -> Dataset | str:
    try:
        return exact_reader(path)
    except DataError as e:
        return "; ".join(map(str, e.problems))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years(simple=True))
def test_simple_files_take_the_fast_path_and_give_the_same_dataset(year):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_year(folder, year)
        path = folder if not year["wide"] else folder / "units.csv"
        expected = outcome(path)
        with reading_as(year):
            if isinstance(expected, str):          # e.g. a date column with a number in it
                with pytest.raises(DataError) as caught:
                    csv_data.load_csv_data(path)
                assert "; ".join(map(str, caught.value.problems)) == expected
                return
            assert_identical(load_fast(path, "utf-8-sig"), expected)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years(simple=False))
def test_any_file_loads_as_the_line_by_line_reader_loads_it_errors_included(year):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_year(folder, year)
        path = folder if not year["wide"] else folder / "units.csv"
        expected = outcome(path)
        try:
            with reading_as(year):
                got: Dataset | str = csv_data.load_csv_data(path)
        except DataError as e:
            got = "; ".join(map(str, e.problems))
        if isinstance(expected, str):
            assert got == expected
        else:
            assert isinstance(got, Dataset)
            assert_identical(got, expected)


def write(folder: Path, units: str, measures: str) -> Path:
    (folder / "units.csv").write_bytes(units.encode("utf-8"))
    (folder / "measures.csv").write_bytes(measures.encode("utf-8"))
    return folder


def test_quoted_decimal_comma_crlf_and_bom_are_read_on_the_fast_path(tmp_path):
    path = write(tmp_path, "\ufeffunit_id,name,cluster_id\r\nH01,\"Sở Y tế, tỉnh\",K1\r\n",
                 "unit_id,indicator,value\r\nH01,x,\"7,25\"\r\nH01,d,2024-03-15\r\nH01,y,-3\r\n")
    data = load_fast(path, "utf-8-sig")
    assert_identical(data, exact_reader(path))
    assert data.indicators["x"].values.tolist() == [725] and data.indicators["x"].scale == 2
    assert data.indicators["d"].kind == "date"
    assert data.names == ("Sở Y tế, tỉnh",)


@pytest.mark.parametrize("measures", [
    "unit_id,indicator,value\n1,x,7.5%\n",                 # not a number
    "unit_id,indicator,value\n9,x,1\n",                    # unknown unit
    "unit_id,indicator,value\n1,x,1\n1,x,2\n",             # a second value
    "unit_id,indicator,value\n1,x,1\n1,\" x\",2\n",        # the same indicator, spaced
    "unit_id,indicator,value\n1,x,1\n2,x,2024-01-01\n",    # dates mixed with numbers
    "unit_id,indicator,value\n1,x,\"a\"\"b\"\n",           # an escaped quote
    "unit_id,indicator,value\n1,x,1\r2,x,2\r9,x,1\r",       # old Mac line ends
    "unit_id,indicator\n1,x\n",                            # a missing column
])
def test_anything_unusual_goes_to_the_exact_reader_and_its_error(tmp_path, measures):
    path = write(tmp_path, "unit_id,name,cluster_id\n1,A,K\n2,B,K\n", measures)
    with pytest.raises(NotSimple):
        load_fast(path, "utf-8-sig")
    expected = outcome(path)
    assert isinstance(expected, str)       # each of these is an error for the user
    with pytest.raises(DataError) as caught:
        csv_data.load_csv_data(path)
    assert "; ".join(map(str, caught.value.problems)) == expected


def test_a_legacy_encoding_is_read_line_by_line(tmp_path):
    (tmp_path / "units.csv").write_bytes("unit_id,name,cluster_id\n1,Tư pháp,K\n".encode("cp1258"))
    with pytest.raises(NotSimple):
        load_fast(tmp_path, "cp1258")
    assert csv_data.load_csv_data(tmp_path, "cp1258").names == ("Tư pháp",)


def test_peers_data_is_read_on_the_fast_path(tmp_path):
    """Data shaped like the peers' cluster-40 job (tests/cluster40.py) needs no fallback."""
    cluster40.generate(tmp_path, 300, seed=3)
    assert_identical(load_fast(tmp_path, "utf-8-sig"), exact_reader(tmp_path))


@pytest.mark.parametrize("blank", [chr(c) for c in range(0x110000)
                                   if chr(c).isspace() and chr(c) not in "\r\n"])
def test_every_kind_of_white_space_around_a_field_is_stripped(tmp_path, blank):
    """units.csv fields are only left unstripped when no field of the column could
    start or end with white space: every Unicode space str.strip removes is noticed."""
    (tmp_path / "units.csv").write_text(
        f"unit_id,name,cluster_id\n{blank}H1,{blank}Sở Y tế,K1{blank}\nH2,Lộc{blank},K2\n",
        encoding="utf-8")
    data = load_fast(tmp_path, "utf-8-sig")
    assert data.unit_ids == ("H1", "H2")
    assert data.names == ("Sở Y tế", "Lộc")
    assert data.clusters == ("K1", "K2")


@given(st.lists(st.binary(min_size=1, max_size=8).filter(lambda b: b[-1:] != b"\0"),
                min_size=1, max_size=300, unique=True),
       st.lists(st.binary(min_size=1, max_size=8).filter(lambda b: b[-1:] != b"\0"), max_size=50))
@example(names=[b"\xeb", b"#\x9c\x9e@"], others=[])   # collide under every plain multiplier
def test_indicator_lookup_finds_exactly_the_known_names(names, others):
    """The indicator table (a collision-free hash for names of up to 8 bytes) gives each
    known name its code and never mistakes another name for one."""
    known = {name: code for code, name in enumerate(names)}
    queries = names + others
    keys = fast_csv._key_array(queries, 8).astype(np.uint64)
    table = fast_csv._Table(known)
    assert table.hashed is not None          # a few hundred names hash without collisions
    codes, hit = table.find(keys)
    assert hit.tolist() == [q in known for q in queries]
    assert codes[hit].tolist() == [known[q] for q in queries if q in known]
