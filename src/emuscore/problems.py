"""Errors a user can act on: each names the file, the line or unit, the key, and what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from attrs import frozen


@frozen
class Problem:
    """One thing wrong with the user's input, printed as one line."""

    message: str
    file: str = ""
    line: int | None = None
    where: str = ""
    column: int | None = None
    """The column in the line (1-based), where one is known (a formula's error)."""

    def __str__(self) -> str:
        place = self.file
        if self.file and self.line is not None:
            place = f"{self.file}:{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        parts = [p for p in (place, self.where) if p]
        return ": ".join([*parts, self.message])


class EmuscoreError(Exception):
    """Base of every error emuscore reports to a user (the CLI prints them, one a line)."""

    def __init__(self, problems: Sequence[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RulesetError(EmuscoreError):
    """The ruleset cannot be used; `problems` lists every reason at once."""


class DataError(EmuscoreError):
    """The data cannot be scored with this ruleset."""


class PluginError(EmuscoreError):
    """A plugin failed or broke its contract; the message names the plugin."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'bonus'?" for a near miss, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
