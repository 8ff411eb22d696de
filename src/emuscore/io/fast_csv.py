"""A columnar CSV reader into exact fixed-point: numpy over the files' bytes, no Python
per cell.

It builds the very Dataset that the line-by-line reader in `csv_data` builds (same
columns, values, scales, missing masks and kinds), but only for files it can read with
certainty: UTF-8 (with or without a BOM), one record per line (LF or CRLF), fields
separated by `,` `;` or tab (the declared separator, or the one recognised from each
file's header as the exact reader does), plain or wholly quoted without escaped quotes,
values that are decimals (point or comma, up to 18 digits, that the declared decimal
mark reads alike: `_unsettled`) or ISO dates (2024-03-15), and measures whose unit ids
are written exactly as in units.csv. On anything else, including every error in the
data, it raises `NotSimple`, and the caller reads the files again with the exact
reader, which names the file and line of the problem.

measures.csv is read in blocks of whole lines, so memory holds one block of text plus
one int64 per unit and indicator (a 1M-unit, 60-indicator year is about 0.6 GB).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import threading
import unicodedata
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

import numpy as np
from attrs import frozen

from emuscore.dataset import Dataset, byte_keys, utf8_matrix
from emuscore.exact import INT64_ROOM, Column, IntArray, max_abs
from emuscore.io.numbers import ungrouped
from emuscore.io.reading import Reading, sniff_delimiter

if TYPE_CHECKING:
    from concurrent.futures import Future

UNIT_COLUMNS = ("unit_id", "name", "cluster_id")
MEASURE_COLUMNS = ("unit_id", "indicator", "value")
BLOCK = 1 << 19                     # bytes of measures.csv parsed at a time (fits a cache)
WORKERS = 2                         # blocks parsed at once
AHEAD = 192                         # blocks parsed before the unit ids are known (96 MB)
MAX_DIGITS = 17                     # longer numbers go to the exact reader
POW10 = 10 ** np.arange(MAX_DIGITS + 2, dtype=np.int64)
DAYS_BEFORE_MONTH = np.array([0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334], np.int64)
DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)
# the first k bytes of a big-endian word
WORD_MASK = np.array([(2**64 - 1) ^ (2 ** (64 - 8 * k) - 1) for k in range(9)], np.uint64)
POINT, OTHER, NOTHING = 10, 11, 12
CHAR_KIND = np.full(256, OTHER, np.uint8)     # what each byte is inside a number
CHAR_KIND[48:58] = np.arange(10)
CHAR_KIND[[ord("."), ord(",")]] = POINT
NEWLINE, QUOTE, CR, SPACE, TAB = 10, 34, 13, 32, 9


class NotSimple(Exception):
    """The files need the exact line-by-line reader (an anomaly, an error, or a form
    this reader does not handle)."""


def load_fast(path: Path, reading: Reading | str) -> Dataset:
    """The Dataset `csv_data.read_csv_data` would build, or `NotSimple`. `reading`: the
    declarations (or just the encoding). The separator is the declared one or the one
    `sniff_delimiter` recognises from each file's header, as for the exact reader; under
    `[data] decimal` a value with the grouping mark, and without it a value the two
    conventions read differently (12.000), goes to the exact reader, as do percentages
    and dates not in ISO form."""
    if isinstance(reading, str):
        reading = Reading(reading)
    bom = _utf8_bom(reading.encoding)
    units_file = path / "units.csv" if path.is_dir() else path
    if not units_file.is_file():
        raise NotSimple
    measures_file = path / "measures.csv"
    measures = None
    if path.is_dir() and measures_file.exists():
        measures = _Measures(measures_file, bom, reading)    # parsed on other threads from now on
    try:
        ids, names, clusters, wide = _read_units(units_file, bom, reading)
        units = _UnitKeys(ids)                  # not simple if an id comes twice
        cells = _Cells(len(ids), reading)
        for col, (indicator, texts) in enumerate(wide):
            cells.add_wide(indicator, col, texts)
        if measures is not None:
            measures.store(units, cells)
    finally:
        if measures is not None:
            measures.close()
    return Dataset(tuple(ids), tuple(names), tuple(clusters), cells.columns(), str(path),
                   _LineOf(ids))


def _utf8_bom(encoding: str) -> bool:
    """Whether a BOM may open the files; not simple unless the encoding is UTF-8."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise NotSimple from None
    if codec not in ("utf-8", "utf-8-sig"):
        raise NotSimple
    return codec == "utf-8-sig"


class _LineOf(Mapping[str, int]):
    """unit_id -> its line in units.csv, built when first asked (for error messages)."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    @functools.cached_property
    def _lines(self) -> dict[str, int]:
        return {unit: line for line, unit in enumerate(self.ids, 2)}

    def __getitem__(self, unit: str) -> int:
        return self._lines[unit]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self.ids)


def _header(text: str, reading: Reading, delimiter: str) -> list[str]:
    header = next(csv.reader([text], delimiter=delimiter), [])
    return [reading.column(h) for h in header]


def _check_header(header: list[str], required: tuple[str, ...]) -> None:
    if any(c not in header for c in required) or len(set(header)) != len(header):
        raise NotSimple


def _read_units(path: Path, bom: bool, reading: Reading) -> tuple[list[str], list[str], list[str],
                                                 list[tuple[str, list[str]]]]:
    """unit ids, names, clusters (stripped, NFC) and the text of each indicator column."""
    raw = path.read_bytes()
    if bom and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if b"\0" in raw or codecs.BOM_UTF8 in raw:     # a BOM inside: the exact reader names it
        raise NotSimple
    try:
        # NFC of the whole text equals NFC of each field: ',', '"' and line ends never
        # compose with their neighbours.
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotSimple from None
    text = unicodedata.normalize("NFC", decoded)
    first = text.split("\n", 1)[0].rstrip("\r")
    if "\r" in first:
        raise NotSimple             # old Mac line ends (CR alone): the exact reader reads them
    delimiter = sniff_delimiter(first, reading, UNIT_COLUMNS)
    plain = (_plain_columns(text, raw if text is decoded else None, delimiter)
             if '"' not in text else None)
    columns, blank_edges = plain or (_quoted_columns(text, delimiter), None)
    header = [reading.column(c[0]) for c in columns]
    _check_header(header, UNIT_COLUMNS)
    iu, iname, ic = (header.index(c) for c in UNIT_COLUMNS)

    def stripped(k: int) -> list[str]:
        if blank_edges is not None and not blank_edges[k]:
            return columns[k][1:]             # no field of it starts or ends blank
        return [field.strip() for field in columns[k][1:]]

    ids, clusters = stripped(iu), stripped(ic)
    if not ids or not all(ids) or not all(clusters):
        raise NotSimple
    if not ("".join(ids).isprintable() and "".join(clusters).isprintable()):
        raise NotSimple             # a control or invisible character: the exact reader says so
    names = stripped(iname)
    wide = [(h, columns[j][1:]) for j, h in enumerate(header) if h not in UNIT_COLUMNS]
    return ids, names, clusters, wide


def _plain_columns(text: str, encoded: bytes | None = None, delimiter: str = ","
                   ) -> tuple[list[list[str]], list[bool]] | None:
    """The fields of a file without quotes, column by column (header first), split by
    str methods instead of a Python loop per line, and for each column whether a field of
    it may start or end with white space (`str.strip` would change it); None if the lines
    are not all alike. `encoded`: the text's UTF-8, if the caller has it."""
    body = text.replace("\r\n", "\n").rstrip("\n")     # blank lines at the end are skipped
    if "\r" in body or "\n\n" in body or not body:
        return None
    nfields = body.split("\n", 1)[0].count(delimiter) + 1
    fields = body.replace("\n", delimiter).split(delimiter)
    lines = body.count("\n") + 1
    if len(fields) != lines * nfields:
        return None
    if encoded is None or b"\r" in encoded:
        encoded = body.encode("utf-8")
    raw = np.frombuffer(encoded.rstrip(b"\n") + b"\n", np.uint8)
    separators = np.flatnonzero((raw == NEWLINE) | (raw == ord(delimiter)))
    if len(separators) != lines * nfields or (raw[separators[nfields - 1::nfields]] != NEWLINE).any():
        return None                           # a line with more or fewer separators
    ends = separators.reshape(lines, nfields)
    starts = np.r_[0, separators[:-1] + 1].reshape(lines, nfields)
    nonempty = ends > starts
    blank = (nonempty & (BLANK_FIRST[raw[np.minimum(starts, len(raw) - 1)]]
                         | BLANK_LAST[raw[ends - 1]])).any(axis=0)
    return [fields[k::nfields] for k in range(nfields)], blank.tolist()


# Bytes a field's UTF-8 may start or end with when str.strip() would remove something:
# ASCII white space, and the first bytes (last bytes) of the other Unicode spaces
# (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000). Over-inclusive: only speed depends on it.
BLANK_FIRST = np.zeros(256, bool)
BLANK_FIRST[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3]] = True
BLANK_LAST = np.zeros(256, bool)
BLANK_LAST[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
BLANK_LAST[0x80:] = True


def _quoted_columns(text: str, delimiter: str = ",") -> list[list[str]]:
    """The fields, column by column, as the csv module reads them; not simple when a
    record spans lines or the records differ in length."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise NotSimple from None
    physical = text.count("\n") + text.count("\r") - text.count("\r\n")
    if text and text[-1] not in "\r\n":
        physical += 1
    if not records or len(records) != physical:       # a quoted line break: lines shift
        raise NotSimple
    while records and not records[-1]:                # blank lines at the end of the file
        records.pop()
    if any(len(r) != len(records[0]) for r in records):
        raise NotSimple
    return [list(column) for column in zip(*records, strict=True)]


class _Measures:
    """measures.csv, parsed in blocks of whole lines by WORKERS threads from the moment it
    is opened: the first AHEAD blocks while units.csv is still being read, the rest two at
    a time (numpy lets go of the GIL). Once the units and the indicators are known, each
    block's cells are stored by the thread that parsed it; blocks parsed before that are
    stored by `store`, in file order."""

    def __init__(self, path: Path, bom: bool, reading: Reading) -> None:
        from concurrent.futures import ThreadPoolExecutor  # only for files with measures

        self.decimal = reading.conventions.decimal
        self.file = path.open("rb")
        try:
            first = self.file.readline()
            if bom and first.startswith(codecs.BOM_UTF8):
                first = first[len(codecs.BOM_UTF8):]
            try:
                line = first.decode("utf-8").rstrip("\r\n")
                self.delimiter = sniff_delimiter(line, reading, MEASURE_COLUMNS)
                header = _header(line, reading, self.delimiter)
            except UnicodeDecodeError:
                raise NotSimple from None
            _check_header(header, MEASURE_COLUMNS)
        except BaseException:
            self.file.close()
            raise
        self.nfields = len(header)
        self.fields = [header.index(c) for c in MEASURE_COLUMNS]
        self.blocks = _whole_lines(self.file)
        self.pool = ThreadPoolExecutor(WORKERS)
        self.pending: deque[Future[_Block | int]] = deque()    # in file order
        self.target: tuple[_UnitKeys, _Known, _Cells] | None = None
        """where the parsing threads store cells; None while the units are not known, or
        while the cell matrix grows for a new indicator"""
        self.storing = 0                  # threads storing cells now
        self.changing = threading.Condition()
        self.stopping = False
        self.failed: BaseException | None = None
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.feeder.start()

    def _feed(self) -> None:
        """The first AHEAD blocks, read and handed to the parsing threads on a thread of
        their own, so that the caller goes on at once."""
        try:
            for raw in itertools.islice(self.blocks, AHEAD):
                if self.stopping:
                    return
                self.pending.append(self.pool.submit(self._parse, raw))
        except BaseException as e:       # raised again by `store`
            self.failed = e

    def _parse(self, raw: bytes) -> _Block | int:
        """The block's record count once its cells are stored, or the block itself when
        there is nowhere to store it yet or it names an indicator not known yet."""
        block = _parse_block(raw, self.nfields, self.fields, self.decimal, self.delimiter)
        with self.changing:
            target = self.target
            if target is None:
                return block
            self.storing += 1
        try:
            stored = block.store_known(*target)
        finally:
            with self.changing:
                self.storing -= 1
                self.changing.notify_all()
        return block.records if stored else block

    def close(self) -> None:
        self.stopping = True
        self.feeder.join()
        self.pool.shutdown(cancel_futures=True)
        self.file.close()

    def store(self, units: _UnitKeys, cells: _Cells) -> None:
        """Every block's cells, into `cells`. A block that comes back unstored is stored
        here; if it names a new indicator the cell matrix grows, so the parsing threads
        stop storing and the ones storing are waited for first."""
        self.feeder.join()
        if self.failed is not None:
            raise self.failed
        indicators: dict[bytes, int] = {}
        known = _Known(indicators, cells)
        row0 = 0
        while True:
            while len(self.pending) <= WORKERS and (raw := next(self.blocks, None)) is not None:
                self.pending.append(self.pool.submit(self._parse, raw))
            if not self.pending:
                return
            done = self.pending.popleft().result()
            if isinstance(done, _Block):
                if not done.store_known(units, known, cells):
                    with self.changing:
                        self.target = None
                        self.changing.wait_for(lambda: self.storing == 0)
                    done.store(units, indicators, cells, row0)
                    known = _Known(indicators, cells)
                if known.complete:
                    with self.changing:
                        self.target = (units, known, cells)
                done = done.records
            row0 += done


def _whole_lines(f: BinaryIO) -> Iterator[bytes]:
    rest = b""
    while chunk := f.read(BLOCK):
        block = rest + chunk
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            yield block[:cut]
    if rest:
        yield rest + b"\n"


@frozen
class _Block:
    """One block of measures.csv, parsed: the unit key, indicator key and value of each
    record that has a value, and how many records the block held."""

    records: int
    unit_keys: IntArray
    indicator_keys: IntArray
    mantissa: IntArray
    decimals: IntArray
    is_date: IntArray
    present_at: IntArray | None
    """the record number of each value in the block; None when every record has one"""

    def store_known(self, units: _UnitKeys, known: _Known, cells: _Cells) -> bool:
        """Store the cells if every indicator in the block is in `known` (the matrix cannot
        grow then, so other threads may store at the same time); False if not."""
        codes = known.codes(self.indicator_keys)
        if codes is None:
            return False
        cells.scatter(codes, units.rows(self.unit_keys), self.mantissa, self.decimals,
                      self.is_date)
        return True

    def store(self, units: _UnitKeys, known: dict[bytes, int], cells: _Cells, row0: int) -> None:
        """Store the cells, naming new indicators (no other thread may store meanwhile)."""
        codes = _indicator_codes(self.indicator_keys, known, cells)
        at = np.arange(len(codes)) if self.present_at is None else self.present_at
        cells.first_seen(codes, row0 + at)
        cells.put(codes, units.rows(self.unit_keys), self.mantissa, self.decimals, self.is_date)


def _parse_block(raw: bytes, nfields: int, fields: list[int], decimal: str | None = None,
                 delimiter: str = ",") -> _Block:
    if raw.find(b"\0") >= 0 or raw.find(codecs.BOM_UTF8) >= 0:
        raise NotSimple
    buf = np.frombuffer(raw, np.uint8)
    if raw.find(b"\r") >= 0:
        cr = np.flatnonzero(buf == CR)
        if (buf[cr + 1] != NEWLINE).any():           # a lone CR ends a line for csv
            raise NotSimple
        buf = buf[buf != CR]
    quoted = raw.find(b'"') >= 0
    try:
        sep, quotes = _separators(buf, nfields, quoted, delimiter)
    except NotSimple:                                 # blank lines are skipped
        newline = buf == NEWLINE
        buf = buf[~(newline & np.r_[True, newline[:-1]])]
        if not len(buf):
            none = np.zeros(0, np.int64)
            return _Block(0, none, none, none, none.astype(np.int8), none.astype(bool), None)
        sep, quotes = _separators(buf, nfields, quoted, delimiter)
    line_start = np.r_[0, sep[:-1, -1] + 1]
    starts = [line_start, *(sep[:, k] + 1 for k in range(nfields - 1))]
    ends = [sep[:, k] for k in range(nfields)]
    if quotes is not None:
        starts, ends = _unquote(buf, quotes, starts, ends)
    (su, si, sv), (eu, ei, ev) = ([x[k] for k in fields] for x in (starts, ends))
    words = _words(buf)
    plain = not any(raw.find(c) >= 0 for c in (b" ", b"\t", b"-", b"+"))
    mantissa, decimals, is_date, present = _values(buf, sv, ev, words, plain, decimal)
    unit_keys = _keys(buf, su, eu, max(int((eu - su).max()), 1), words)
    indicator_keys = _keys(buf, si, ei, max(int((ei - si).max()), 1), words)
    present_at = None
    if not present.all():
        present_at = np.flatnonzero(present)
        unit_keys, indicator_keys, mantissa, decimals, is_date = (
            x[present_at] for x in (unit_keys, indicator_keys, mantissa, decimals, is_date))
    return _Block(len(line_start), unit_keys, indicator_keys, mantissa,
                  decimals.astype(np.int8), is_date, present_at)


def _separators(buf: IntArray, nfields: int, quoted: bool,
                delimiter: str = ",") -> tuple[IntArray, IntArray | None]:
    """The position of every field separator, one row of `nfields` per line (the last
    one its line end), and where the quotes are, if any."""
    newline = buf == NEWLINE
    separator = (buf == ord(delimiter)) | newline
    quotes = None
    if quoted:
        quotes = buf == QUOTE
        inside = (np.cumsum(quotes) & 1).astype(bool)
        if (newline & inside).any():
            raise NotSimple
        separator &= ~inside
    at = np.flatnonzero(separator)
    if len(at) % nfields or not len(at):
        raise NotSimple
    sep: IntArray = at.reshape(-1, nfields)
    # every line's last separator a line end, and no other line end: the rest separate fields
    if np.count_nonzero(newline) != len(sep) or (buf[sep[:, -1]] != NEWLINE).any():
        raise NotSimple
    return sep, quotes


def _unquote(buf: IntArray, quotes: IntArray, starts: list[IntArray],
             ends: list[IntArray]) -> tuple[list[IntArray], list[IntArray]]:
    """Fields wholly in quotes lose them; a quote anywhere else is not simple."""
    count = np.r_[0, np.cumsum(quotes)]
    total = 0
    out_s, out_e = [], []
    for s, e in zip(starts, ends, strict=True):
        n = count[e] - count[s]
        wrapped = (e - s >= 2) & (buf[s] == QUOTE) & (buf[np.maximum(e - 1, 0)] == QUOTE) & (n == 2)
        total += 2 * int(wrapped.sum())
        out_s.append(s + wrapped)
        out_e.append(e - wrapped)
    if total != count[-1]:
        raise NotSimple
    return out_s, out_e


def _words(buf: IntArray) -> IntArray:
    """Every 8 bytes of buf, at every offset, as big-endian uint64 words over buf padded
    with 8 zero bytes at each end: word i is buf[i - 8:i] (the 8 bytes ending at i),
    word i + 8 is buf[i:i + 8] (those starting at i)."""
    padded = np.concatenate([np.zeros(8, np.uint8), buf, np.zeros(8, np.uint8)])
    return np.ndarray((len(buf) + 9,), ">u8", padded, strides=(1,))


def _keys(buf: IntArray, s: IntArray, e: IntArray, width: int,
          words: IntArray | None = None) -> IntArray:
    """Each field's bytes as one comparable key: uint64 up to 8 bytes, else bytes."""
    if ((e - s) > width).any():
        raise NotSimple
    if width <= 8:
        # the 8 bytes starting at the field, masked to its length
        words = _words(buf) if words is None else words
        keys: IntArray = words[s + 8] & WORD_MASK[e - s]
        return keys
    at = s[:, None] + np.arange(width)
    chars = np.where(at < e[:, None], buf[np.minimum(at, len(buf) - 1)], 0).astype(np.uint8)
    return np.ascontiguousarray(chars).view(f"S{width}").ravel()


def _key_array(texts: list[bytes], width: int) -> IntArray:
    if width <= 8:
        return np.array(texts, dtype="S8").view(">u8")
    return np.array(texts, dtype=f"S{width}")


class _UnitKeys:
    """units.csv ids as sorted byte keys, to find each measure's unit row."""

    def __init__(self, ids: list[str]) -> None:
        matrix = utf8_matrix(ids)        # None if an id holds a line break
        if matrix is None:
            encoded = [u.encode("utf-8") for u in ids]
            self.width = max(map(len, encoded))
            keys = _key_array(encoded, self.width)
        else:
            self.width = matrix.shape[1]
            keys = byte_keys(matrix)
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]
        if (self.sorted[1:] == self.sorted[:-1]).any():
            raise NotSimple                 # a unit id twice: the exact reader names both lines

    def rows(self, keys: IntArray) -> IntArray:
        """The unit row of each key (a unit_id field's bytes, from `_keys`); a field that
        is not an id exactly is not simple. Measures usually come unit by unit, so only
        the first of each run is looked up."""
        if keys.dtype.kind == "u" and self.width > 8:
            keys = keys.astype(">u8").view("S8").astype(f"S{self.width}")
        elif keys.dtype.kind == "S":
            if keys.dtype.itemsize > self.width:       # longer than every id
                raise NotSimple
            keys = keys.astype(f"S{self.width}")
        if not len(keys):
            return np.zeros(0, np.int64)
        heads = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        found = np.minimum(np.searchsorted(self.sorted, keys[heads]), len(self.sorted) - 1)
        if (self.sorted[found] != keys[heads]).any():
            raise NotSimple
        rows: IntArray = np.repeat(self.order[found], np.diff(np.r_[heads, len(keys)]))
        return rows


class _Known:
    """A snapshot of the indicators named so far, for the parsing threads."""

    def __init__(self, known: dict[bytes, int], cells: _Cells) -> None:
        self.table = _Table(dict(known))
        self.complete = bool(known) and all(code in cells.first for code in known.values())

    def codes(self, keys: IntArray) -> IntArray | None:
        """The codes of the keys; None if one is new, or has never had a value yet."""
        if not self.complete:
            return None
        codes, hit = self.table.find(keys)
        return codes if hit.all() else None


class _Table:
    """Indicator keys -> codes: for keys of up to 8 bytes (the usual names) a hash table
    without collisions (a multiply and a shift find the slot), else binary search."""

    def __init__(self, known: dict[bytes, int]) -> None:
        self.known = known
        self.width = max(8, *map(len, known)) if known else 8
        self.sorted: dict[tuple[str, int], tuple[IntArray, IntArray]] = {}
        self.hashed: tuple[np.uint64, np.uint64, IntArray, IntArray, bool] | None = None
        if known and self.width == 8:
            self.hashed = _perfect_hash(_key_array(list(known), 8).astype(np.uint64),
                                        np.array(list(known.values()), np.int64))

    def find(self, keys: IntArray) -> tuple[IntArray, IntArray]:
        """The code of each key (where found) and whether it was found."""
        if not self.known:
            return np.zeros(len(keys), np.int64), np.zeros(len(keys), bool)
        if keys.dtype.kind == "u" and self.hashed is not None:
            multiplier, shift, slot_key, slot_code, folded = self.hashed
            hashed = keys.astype(np.uint64, copy=False)
            slot = ((_fold(hashed) if folded else hashed) * multiplier) >> shift
            return slot_code[slot], slot_key[slot] == keys
        if keys.dtype.kind == "u" and self.width > 8:
            keys = keys.astype(">u8").view("S8")
        kind = (keys.dtype.kind, keys.dtype.itemsize)
        if kind not in self.sorted:
            table = _key_array(list(self.known), self.width if keys.dtype.kind == "u" else
                               max(self.width, keys.dtype.itemsize))
            order = np.argsort(table)
            self.sorted[kind] = table[order], np.array(list(self.known.values()), np.int64)[order]
        table, codes = self.sorted[kind]
        at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        return codes[at], table[at] == keys


def _fold(keys: IntArray) -> IntArray:
    """The key's high half mixed into its low half (short names leave the low bytes zero,
    which some sets of names make collide under every multiplier)."""
    folded: IntArray = keys ^ (keys >> np.uint64(29))
    return folded


def _perfect_hash(keys: IntArray, codes: IntArray
                  ) -> tuple[np.uint64, np.uint64, IntArray, IntArray, bool] | None:
    """A multiplier and shift that send each (non-zero) key to a slot of its own, with the
    slots' keys and codes, and whether the keys are folded first; None if none was found.
    With n² slots (up to 65,536) a random multiplier is collision-free with odds of about 1
    in 2, so one of 32 tries is (for up to a few hundred indicators); keys that collide
    under all of them are folded first (a shift and an xor more per lookup). An empty slot
    holds key 0, which no name's key equals."""
    bits = min(max(4, (len(keys) ** 2).bit_length()), 16)
    shift = np.uint64(64 - bits)
    for folded in (False, True):
        hashed = _fold(keys) if folded else keys
        for k in range(1, 64, 2):           # odd multiples of the 64-bit golden ratio
            multiplier = np.uint64(0x9E3779B97F4A7C15 * k % 2**64)
            slot = (hashed * multiplier) >> shift
            taken = np.sort(slot)
            if (taken[1:] != taken[:-1]).all():
                slot_key = np.zeros(1 << bits, np.uint64)
                slot_code = np.zeros(1 << bits, np.int64)
                slot_key[slot], slot_code[slot] = keys, codes
                return multiplier, shift, slot_key, slot_code, folded
    return None


def _indicator_codes(keys: IntArray, known: dict[bytes, int], cells: _Cells) -> IntArray:
    """Each key's indicator as a code in `cells`; names are decoded once per new name."""
    while True:
        codes, hit = _Table(known).find(keys)
        if hit.all():
            return codes
        for key in sorted(set(keys[~hit].tolist())):
            raw = key.to_bytes(8, "big").rstrip(b"\0") if isinstance(key, int) else key
            try:
                name = cells.reading.column(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise NotSimple from None
            if not name:
                raise NotSimple
            known[raw] = cells.code(name)


def _distinct(small: IntArray) -> list[int]:
    """The distinct values of an array of small non-negative integers, ascending
    (`np.unique` would import numpy.ma, 40 ms of start-up)."""
    return np.flatnonzero(np.bincount(small)).tolist() if len(small) else []


def _trim(buf: IntArray, s: IntArray, e: IntArray) -> tuple[IntArray, IntArray]:
    """Without leading and trailing spaces and tabs (other white space is not simple)."""
    last = len(buf) - 1
    while True:
        lead, trail = buf[np.minimum(s, last)], buf[np.maximum(e - 1, 0)]
        lead = (s < e) & ((lead == SPACE) | (lead == TAB))
        trail = (s < e) & ((trail == SPACE) | (trail == TAB))
        if not (lead.any() or trail.any()):
            return s, e
        s, e = s + lead, e - trail


def _values(buf: IntArray, s: IntArray, e: IntArray, words: IntArray | None = None,
            plain: bool = False, decimal: str | None = None
            ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Mantissa, decimals, is-date and present for each value field, as
    `exact.parse_decimal` (then an ISO date) reads it; anything else is not simple, and
    so is a number that `decimal` (the declared decimal mark) does not settle the way
    `parse_decimal` reads it (`_unsettled`).
    `plain`: buf holds no space, tab, '+' or '-' (nothing to trim, no signs, no dates)."""
    signed = negative = np.zeros(len(s), bool)
    if not plain:
        s, e = _trim(buf, s, e)
        first = buf[np.minimum(s, len(buf) - 1)]
        signed = (e > s) & ((first == 45) | (first == 43))
        negative = signed & (first == 45)
        s = s + signed
    present = e > s
    if ((e - s) <= 8).all():
        mantissa, decimals, number = _short_numbers(buf, s, e, words)
    else:
        mantissa, decimals, number = _numbers(buf, s, e)
    if _unsettled(buf, s, e, number & present, decimals, decimal):
        raise NotSimple
    if negative.any():
        mantissa = np.where(negative, -mantissa, mantissa)
    if not number.all():
        mantissa, decimals = np.where(number, mantissa, 0), np.where(number, decimals, 0)
    is_date = present & ~number
    if is_date.any():
        mantissa[is_date] = _dates(buf, s[is_date] - signed[is_date], e[is_date])
    return mantissa, decimals, is_date, present


def _unsettled(buf: IntArray, s: IntArray, e: IntArray, number: IntArray, decimals: IntArray,
               decimal: str | None) -> bool:
    """Whether a number field (unsigned, trimmed) may mean something else than the one
    decimal mark `parse_decimal` reads: with `decimal` declared, a field holding the other
    mark (a thousands grouping); without, a mark between 1-3 digits (no leading zero) and
    exactly 3 (12.000: twelve or twelve thousand). The exact reader reads or refuses it."""
    if not number.any():
        return False
    if decimal is None:
        length = e - s
        first = buf[np.minimum(s, len(buf) - 1)]
        return bool((number & (decimals == 3) & (length >= 5) & (length <= 7)
                     & (first != ord("0"))).any())
    group = ord("." if decimal == "," else ",")
    count = np.r_[0, np.cumsum(buf == group)]
    return bool((number & (count[e] > count[s])).any())


def _numbers(buf: IntArray, s: IntArray, e: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Unsigned decimals of any width up to MAX_DIGITS digits, one character column at a
    time: mantissa, decimals, and whether the field is such a number."""
    n = len(s)
    width = int((e - s).max(initial=0))
    if width > MAX_DIGITS + 1:
        raise NotSimple
    joined = np.zeros(n, np.int64)      # every digit, the point read as a 0 digit
    digits = np.zeros(n, np.uint8)
    points = np.zeros(n, np.uint8)
    decimals = np.zeros(n, np.int64)
    after_point = np.zeros(n, bool)
    other = np.zeros(n, bool)
    for j in range(width, 0, -1):
        at = e - j
        kind = CHAR_KIND[buf[np.maximum(at, 0)]]
        kind[at < s] = NOTHING
        is_digit = kind < 10
        is_point = kind == POINT
        joined *= 10
        joined += kind * is_digit
        digits += is_digit
        points += is_point
        other |= kind == OTHER
        after_point |= is_point
        decimals += after_point & is_digit
    number = ~other & (points <= 1) & (digits >= 1) & (digits <= MAX_DIGITS)
    low = POW10[np.minimum(decimals, MAX_DIGITS)]
    mantissa = np.where(points == 1, joined // (10 * low) * low + joined % low, joined)
    return mantissa, decimals, number


BYTES = np.uint64(0x0101010101010101)       # one in every byte of a 64-bit word
ZEROS = np.uint64(0x30) * BYTES              # '0' in every byte


def _short_numbers(buf: IntArray, s: IntArray, e: IntArray,
                   words: IntArray | None = None) -> tuple[IntArray, IntArray, IntArray]:
    """`_numbers` for fields of at most 8 bytes, eight characters at a time: each field is
    one 64-bit word (big-endian, so its last character is the lowest byte), left-padded
    with '0', the point taken out, then the 8 digits combined pairwise (SWAR)."""
    word = (_words(buf) if words is None else words)[e].astype(np.uint64)
    same = _same_decimals(buf, s, e, word)
    if same is not None:
        return same
    length = (e - s).astype(np.uint64)
    field = np.where(length == 8, ~np.uint64(0), (np.uint64(1) << (np.uint64(8) * length)) - 1)
    word = (word & field) | (ZEROS & ~field)
    # where the point or comma is: a byte equal to it is the byte that becomes zero
    point_bits = _zero_bytes(word ^ (np.uint64(ord(".")) * BYTES)) | _zero_bytes(
        word ^ (np.uint64(ord(",")) * BYTES))
    points = np.bitwise_count(point_bits)
    decimals = np.where(points == 1, (np.bitwise_count(point_bits - np.uint64(1))
                                      .astype(np.int64) - 7) // 8, 0)
    below = (np.uint64(8) * decimals.astype(np.uint64))
    low_part = word & ((np.uint64(1) << below) - np.uint64(1))
    high_part = (word >> (below + np.uint64(8))) << below
    word = np.where(points == 1, high_part | low_part | (np.uint64(0x30) << np.uint64(56)), word)
    digits_only, mantissa = _digits(word)
    number = digits_only & (points <= 1) & (length > points)
    return mantissa, decimals, number


def _same_decimals(buf: IntArray, s: IntArray, e: IntArray,
                   word: IntArray) -> tuple[IntArray, IntArray, IntArray] | None:
    """`_short_numbers` when every field has a point with the same number of digits after
    it, as exports usually do (80.00, 1571.24): the point is at one place in every word,
    so it is taken out with two shifts. None for any other block."""
    length = e - s
    first = bytes(buf[s[0]:e[0]]) if len(s) else b""
    point = first.rfind(b".")
    decimals = len(first) - 1 - point
    if point < 0 or decimals < 1 or (length < decimals + 1).any() \
            or (buf[e - decimals - 1] != ord(".")).any():
        return None
    below = np.uint64(8 * decimals)
    word = ((word >> (below + np.uint64(8))) << below) | (word & ((np.uint64(1) << below) - 1))
    field = (np.uint64(1) << (np.uint64(8) * (length - 1).astype(np.uint64))) - np.uint64(1)
    digits_only, mantissa = _digits(word & field | ZEROS & ~field)
    return mantissa, np.full(len(s), decimals, np.int64), digits_only


def _digits(word: IntArray) -> tuple[IntArray, IntArray]:
    """Whether each word is 8 ASCII digits, and their value (SWAR: pairs, fours, eight)."""
    digit = word - ZEROS
    digits_only = (((word & (np.uint64(0xF0) * BYTES)) == ZEROS)
                   & (((digit + np.uint64(6) * BYTES) & (np.uint64(0xF0) * BYTES)) == 0))
    pairs = ((digit >> np.uint64(8)) & np.uint64(0x00FF00FF00FF00FF)) * np.uint64(10) + (
        digit & np.uint64(0x00FF00FF00FF00FF))
    quads = ((pairs >> np.uint64(16)) & np.uint64(0x0000FFFF0000FFFF)) * np.uint64(100) + (
        pairs & np.uint64(0x0000FFFF0000FFFF))
    value = (quads >> np.uint64(32)) * np.uint64(10000) + (quads & np.uint64(0xFFFFFFFF))
    return digits_only, value.astype(np.int64)


def _zero_bytes(x: IntArray) -> IntArray:
    """The high bit of every byte of x that is zero (exact for words of ASCII text)."""
    high = np.uint64(0x80) * BYTES
    found: IntArray = ~(((x & ~high) + ~high) | x) & high
    return found


def _dates(buf: IntArray, s: IntArray, e: IntArray) -> IntArray:
    """'YYYY-MM-DD' -> proleptic Gregorian ordinal (date.toordinal), or not simple."""
    if ((e - s) != 10).any():
        raise NotSimple
    at = s[:, None] + np.arange(10)
    chars = buf[at].astype(np.int64)
    dash = np.array([4, 7])
    digit_cols = np.array([0, 1, 2, 3, 5, 6, 8, 9])
    d = chars[:, digit_cols] - 48
    if (chars[:, dash] != 45).any() or ((d < 0) | (d > 9)).any():
        raise NotSimple
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month, day = d[:, 4] * 10 + d[:, 5], d[:, 6] * 10 + d[:, 7]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    if ((year < 1) | (month < 1) | (month > 12)).any():
        raise NotSimple
    month_days = DAYS_IN_MONTH[month] + ((month == 2) & leap)
    if ((day < 1) | (day > month_days)).any():
        raise NotSimple
    y = year - 1
    ordinal: IntArray = (y * 365 + y // 4 - y // 100 + y // 400 + DAYS_BEFORE_MONTH[month]
                         + ((month > 2) & leap) + day)
    return ordinal


def _ungrouped_or_not_simple(text: str, decimal: Literal[",", "."]) -> str:
    group = "." if decimal == "," else ","
    if group not in text:
        return text
    plain = ungrouped(text, decimal)
    if plain is None:
        raise NotSimple
    return plain


class _Cells:
    """Every (indicator, unit) cell as mantissa and decimals, one row per indicator."""

    def __init__(self, units: int, reading: Reading | None = None) -> None:
        self.units = units
        self.reading = reading or Reading()
        self.names: list[str] = []
        self.code_of: dict[str, int] = {}
        self.first: dict[int, tuple[int, int, int]] = {}
        """code -> where its first value was (0, row, column) in units.csv, (1, row, 0) after."""
        self.mantissa = np.zeros((0, units), np.int64)
        self.decimals = np.zeros((0, units), np.int8)
        """decimals + 1 of each value; 0 = no value"""
        self.date: dict[int, IntArray] = {}
        """code -> which units have a date (only for indicators with dates)"""
        self.written = 0
        self.lock = threading.Lock()

    def code(self, name: str) -> int:
        if name not in self.code_of:
            self.code_of[name] = len(self.names)
            self.names.append(name)
        return self.code_of[name]

    def _grow(self) -> None:
        have, need = len(self.mantissa), len(self.names)
        if need > have:
            extra = max(need, 2 * have) - have
            self.mantissa, self.decimals = (
                np.concatenate([a, np.zeros((extra, self.units), a.dtype)])
                for a in (self.mantissa, self.decimals))

    def add_wide(self, indicator: str, column: int, texts: list[str]) -> None:
        """One indicator column of units.csv (the unit rows in file order)."""
        joined = "\n".join(texts)
        decimal = self.reading.conventions.decimal
        if decimal is not None and ("." if decimal == "," else ",") in joined:
            # numbers grouped by thousands (13.000,5), as a Vietnamese Excel exports them:
            # their marks taken out where the grouping is right, else the exact reader
            texts = [_ungrouped_or_not_simple(t, decimal) for t in texts]
            joined = "\n".join(texts)
        raw = (joined + "\n").encode("utf-8")
        if raw.count(b"\n") != len(texts):
            raise NotSimple
        buf = np.frombuffer(raw, np.uint8)
        ends = np.flatnonzero(buf == NEWLINE)
        starts = np.r_[0, ends[:-1] + 1]
        mantissa, decimals, is_date, present = _values(
            buf, starts, ends, decimal=self.reading.conventions.decimal)
        rows = np.flatnonzero(present)
        code = self.code(indicator)
        self._grow()
        # a column is present from its header on, even if every cell of it is blank
        self.first.setdefault(code, (0, 0, column))
        if not len(rows):
            return
        self.put(np.full(len(rows), code), rows, mantissa[rows], decimals[rows], is_date[rows])

    def first_seen(self, codes: IntArray, rows: IntArray) -> None:
        """Remember where each indicator first had a value in measures.csv."""
        if len(self.first) == len(self.names):
            return
        fresh = np.array([c not in self.first for c in range(len(self.names))])
        mask = fresh[codes]
        if mask.any():
            new, at = np.unique(codes[mask], return_index=True)
            for code, row in zip(new.tolist(), rows[mask][at].tolist(), strict=True):
                self.first[code] = (1, row, 0)

    def put(self, codes: IntArray, rows: IntArray, mantissa: IntArray, decimals: IntArray,
            is_date: IntArray) -> None:
        self._grow()
        self.scatter(codes, rows, mantissa, decimals, is_date)

    def scatter(self, codes: IntArray, rows: IntArray, mantissa: IntArray, decimals: IntArray,
                is_date: IntArray) -> None:
        """Write cells of indicators the matrix already has (safe from several threads:
        a cell written twice is caught by the count in `columns`)."""
        cell = codes * self.units + rows
        self.mantissa.ravel()[cell] = mantissa
        self.decimals.ravel()[cell] = decimals + 1
        if is_date.any():
            for code in _distinct(codes[is_date]):
                with self.lock:
                    dates = self.date.setdefault(code, np.zeros(self.units, bool))
                dates[rows[is_date & (codes == code)]] = True
        with self.lock:
            self.written += len(codes)

    def columns(self) -> dict[str, Column]:
        """In the order the exact reader meets them; a second value for a cell is not simple."""
        if self.written != int(np.count_nonzero(self.decimals)):
            raise NotSimple
        out = {}
        for code in sorted(self.first, key=self.first.__getitem__):
            out[self.names[code]] = self._column(code)
        return out

    def _column(self, code: int) -> Column:
        values, decimals = self.mantissa[code], self.decimals[code] - np.int8(1)
        seen = decimals >= 0
        dates = self.date.get(code, np.zeros(0, bool))
        kind: Literal["number", "date"] = "number"
        if dates.any():
            if (seen & ~dates).any():              # mixed kinds: the exact reader says where
                raise NotSimple
            kind = "date"
        scale = int(decimals[seen].max(initial=0))
        for d in _distinct(decimals[seen]):
            if d < scale:
                at = seen & (decimals == d)
                factor = 10 ** (scale - d)
                if max_abs(values[at]) * factor >= INT64_ROOM:
                    raise NotSimple
                values[at] *= factor
        return Column(values, scale, ~seen, kind)
