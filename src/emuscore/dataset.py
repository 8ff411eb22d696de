"""The year's data as frozen values: units, their clusters, and one exact column per indicator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import numpy as np
from attrs import field, frozen

from emuscore.exact import Column, IntArray


def natural_key(text: str) -> tuple[int, int, str]:
    """Ids sort as numbers when they are numbers ("9" before "10"), else as text."""
    return (0, int(text), "") if text.isascii() and text.isdigit() else (1, 0, text)


@frozen(eq=False)
class Dataset:
    unit_ids: tuple[str, ...]
    names: tuple[str, ...]
    clusters: tuple[str, ...]
    indicators: Mapping[str, Column]
    source: str = ""
    lines: Mapping[str, int] = field(factory=dict)
    """unit_id -> the line of the file that declared it, for error messages."""
    how_to_add: str = ""
    """How an indicator the ruleset needs is added to data of this format, in a user's
    words (the loader knows its format; the engine speaks only of indicators)."""

    @property
    def size(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def _cluster_index(self) -> tuple[tuple[str, ...], IntArray]:
        distinct, codes = _distinct(self.clusters)
        order = _natural_order(distinct)
        position = np.empty(len(distinct), np.int64)
        position[order] = np.arange(len(distinct))
        return tuple(distinct[i] for i in order.tolist()), position[codes]

    @property
    def cluster_ids(self) -> tuple[str, ...]:
        """Every cluster once, in natural order."""
        return self._cluster_index[0]

    @property
    def cluster_codes(self) -> IntArray:
        """Each unit's cluster as an index into `cluster_ids`."""
        return self._cluster_index[1]

    @cached_property
    def unit_order(self) -> IntArray:
        """Each unit's position when unit ids are sorted naturally (the `unit_id` sort key)."""
        order = _natural_order(self.unit_ids)
        position = np.empty(self.size, np.int64)
        position[order] = np.arange(self.size)
        return position

    def where(self, unit_id: str) -> str:
        line = self.lines.get(unit_id)
        return f"{self.source}:{line}" if line else self.source

    def index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.unit_ids)}


def utf8_matrix(texts: Sequence[str], joined: str | None = None) -> IntArray | None:
    """The UTF-8 bytes of each text as a row of a byte matrix, padded with zero bytes;
    None if a text holds a line break or a zero byte (or there are none). `joined`:
    "\\n".join(texts), if the caller has it already."""
    joined = "\n".join(texts) if joined is None else joined
    if not texts or joined.count("\n") != len(texts) - 1 or "\0" in joined:
        return None
    raw = np.frombuffer((joined + "\n").encode("utf-8", "surrogatepass"), np.uint8)
    ends = np.flatnonzero(raw == 10)
    starts = np.r_[0, ends[:-1] + 1]
    width = int((ends - starts).max())
    # the `width` bytes from each text's start, then zeros past its end
    windows = np.lib.stride_tricks.sliding_window_view(np.r_[raw, np.zeros(width, np.uint8)],
                                                       width)
    matrix: IntArray = windows[starts]
    matrix[np.arange(width)[None, :] >= (ends - starts)[:, None]] = 0
    return matrix


def byte_keys(matrix: IntArray) -> IntArray:
    """One comparable key per row of a `utf8_matrix`: a big-endian uint64 of the bytes
    zero-padded to 8 when rows are that short (the usual ids), else the bytes themselves."""
    width = matrix.shape[1]
    if width <= 8:
        keys: IntArray = np.pad(matrix, ((0, 0), (0, 8 - width))).view(">u8").ravel()
        return keys
    return np.ascontiguousarray(matrix).view(f"S{width}").ravel()


def _distinct(texts: tuple[str, ...]) -> tuple[tuple[str, ...], IntArray]:
    """Each distinct text once and each text's index into them. Texts are grouped by
    their UTF-8 bytes with numpy (a dict lookup per text is slow at a million: the table
    no longer fits a cache)."""
    matrix = utf8_matrix(texts)
    if matrix is None:
        distinct = tuple(dict.fromkeys(texts))
        code = {t: k for k, t in enumerate(distinct)}
        return distinct, np.fromiter(map(code.__getitem__, texts), np.int64, len(texts))
    _, first, codes = np.unique(byte_keys(matrix), return_index=True, return_inverse=True)
    return tuple(texts[i] for i in first.tolist()), codes.astype(np.int64).ravel()


def _natural_order(ids: tuple[str, ...]) -> IntArray:
    """Indices that sort ids by `natural_key` (stably), as one numpy sort when every id
    is a number of ASCII digits that fits int64 (the usual case at a million units)."""
    matrix = utf8_matrix(ids)
    if matrix is not None and 0 < matrix.shape[1] <= 18:
        digits = matrix.astype(np.int64) - 48
        inside = matrix != 0
        if inside[:, 0].all() and ((digits >= 0) & (digits <= 9) | ~inside).all():
            value = np.zeros(len(ids), np.int64)
            for j in range(matrix.shape[1]):
                value = np.where(inside[:, j], value * 10 + digits[:, j], value)
            return np.argsort(value, kind="stable")
    return np.array(sorted(range(len(ids)), key=lambda i: natural_key(ids[i])), np.int64)
