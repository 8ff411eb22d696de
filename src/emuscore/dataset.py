"""The year's data as frozen values: units, their clusters, and one exact column per indicator."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import numpy as np
from attrs import field, frozen

from emuscore.exact import Column, IntArray


def natural_key(text: str) -> tuple[int, int, str]:
    """Ids sort as numbers when they are numbers ("9" before "10"), else as text."""
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


@frozen(eq=False)
class Dataset:
    unit_ids: tuple[str, ...]
    names: tuple[str, ...]
    clusters: tuple[str, ...]
    indicators: Mapping[str, Column]
    source: str = ""
    lines: Mapping[str, int] = field(factory=dict)
    """unit_id -> the line of the file that declared it, for error messages."""

    @property
    def size(self) -> int:
        return len(self.unit_ids)

    @cached_property
    def cluster_ids(self) -> tuple[str, ...]:
        """Every cluster once, in natural order."""
        return tuple(sorted(set(self.clusters), key=natural_key))

    @cached_property
    def cluster_codes(self) -> IntArray:
        """Each unit's cluster as an index into `cluster_ids`."""
        code = {c: i for i, c in enumerate(self.cluster_ids)}
        return np.array(list(map(code.__getitem__, self.clusters)), np.int64)

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


def _natural_order(ids: tuple[str, ...]) -> IntArray:
    """Indices that sort ids by `natural_key` (stably), as one numpy sort when every id
    is a number that fits int64 (the usual case at a million units)."""
    if all(map(str.isdigit, ids)):
        try:
            return np.argsort(np.array(list(map(int, ids)), np.int64), kind="stable")
        except OverflowError:
            pass
    return np.array(sorted(range(len(ids)), key=lambda i: natural_key(ids[i])), np.int64)
