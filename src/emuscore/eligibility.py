"""Eligibility gates that plugins provide (the `register_gates` hook).

A ruleset's own `[[gates]]` compare one indicator with a bound; a plugin gate may
read several indicators and apply a sector's rule (e.g. "no officer dismissed and no
collective disciplined this year"). An award lists either kind in `requires.gates`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from emuscore.dataset import Dataset


@frozen
class EligibilityGate:
    """A named eligibility condition.

    `check(data)` returns one entry per unit, in the dataset's unit order: None when
    the unit passes, else the reason it does not, in one short sentence.
    `indicators` are the data it reads; a dataset without them is refused before
    any unit is scored."""

    name: str
    check: Callable[[Dataset], Sequence[str | None]]
    indicators: tuple[str, ...] = ()
    description: str = ""
