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
        return one_line(": ".join([*parts, self.message]))


def one_line(text: str) -> str:
    """`text` with every line break and invisible character escaped (\\n, \\ufeff...): a
    cell or id from the user's file can hold one, and a problem is printed as one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


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


def os_error_message(e: BaseException) -> str | None:
    """What the user can do about a file the system refused (a folder where a file is
    needed, a permission, a full disk), naming the file; None for other exceptions."""
    import errno

    from emuscore.i18n import _

    if not isinstance(e, OSError):
        return None
    name = getattr(e, "filename", None)
    where = f"{name}: " if name else ""
    if isinstance(e, IsADirectoryError):
        return where + _("is a folder, where a file is needed; give a file")
    if isinstance(e, NotADirectoryError):
        return where + _("is a file, where a folder is needed")
    if isinstance(e, FileNotFoundError):
        return where + _("no such file or folder")
    if isinstance(e, PermissionError):
        return where + _("permission denied; check that you may read (or write) it")
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return where + _("the disk is full; free some space and run again")
    if e.errno == errno.ENAMETOOLONG:
        return where + _("the file name is too long for this system; use a shorter one")
    if e.errno == errno.ELOOP:
        return where + _("a symbolic link that points to itself (a loop); fix or remove it")
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"; did you mean 'bonus'?" for a near miss, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    from emuscore.i18n import _

    return _("; did you mean '{name}'?").format(name=close[0]) if close else ""
