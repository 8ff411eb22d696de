"""`FormulaError` and the limits that keep hostile formulas from hanging or blowing up."""

from __future__ import annotations

from collections.abc import Sequence

from emuscore.i18n import _
from emuscore.problems import EmuscoreError, Problem

MAX_LENGTH = 10_000
"""Longest formula text accepted, in characters."""
MAX_NESTING = 64
"""Deepest nesting of parentheses, function calls, `if`, `not` and unary minus."""
MAX_DEPTH = 200
"""Deepest tree of operations (a chain `a + b + c ...` counts one level per operator)."""
MAX_DIGITS = 30
"""Most digits in one number literal."""
MAX_MAGNITUDE = 10**120
"""Largest numerator or denominator any intermediate value may have."""
MAX_ROUND_DIGITS = 12
"""Largest n in round(x, n)."""

KINDS = ("syntax", "name", "type", "limit", "missing", "division", "too-large", "bounds", "data")
"""What `FormulaError.kind` can be: the first four are found before any data is seen."""


class FormulaError(EmuscoreError):
    """A formula cannot be parsed, checked or evaluated.

    `message` is one line; `column` is 1-based into `text` (None when the error is about
    the whole formula); `kind` is one of `KINDS`; `unit` is the unit id for errors met
    while evaluating. When several errors are found at once (check reports every unknown
    name and type error together) `errors` lists them all and this one is the first."""

    def __init__(self, message: str, column: int | None = None, *, text: str = "",
                 kind: str = "syntax", unit: str | None = None,
                 errors: Sequence[FormulaError] = ()) -> None:
        self.message = message
        self.column = column
        self.text = text
        self.kind = kind
        self.unit = unit
        self.errors: tuple[FormulaError, ...] = tuple(errors) or (self,)
        super().__init__([e._problem() for e in self.errors])

    def _problem(self) -> Problem:
        # Evaluation messages name the unit and the column themselves.
        where = (_("column {column}").format(column=self.column)
                 if self.column is not None and self.unit is None else "")
        return Problem(self.message, where=where)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Picklable with every field (results may cross process boundaries).
        others = self.errors if len(self.errors) > 1 else ()
        return (_rebuild, (self.message, self.column, self.text, self.kind, self.unit, others))

    @classmethod
    def many(cls, errors: Sequence[FormulaError]) -> FormulaError:
        """One exception carrying every error in `errors` (the first gives its fields)."""
        if len(errors) == 1:
            return errors[0]
        first = errors[0]
        return cls(first.message, first.column, text=first.text, kind=first.kind,
                   unit=first.unit, errors=errors)

    def caret_lines(self) -> list[str]:
        """The formula's line holding `column`, and a caret under the column (two lines),
        or [] when there is no column. Long lines are cut to a window around the caret."""
        if self.column is None or not self.text:
            return []
        offset = min(max(self.column - 1, 0), len(self.text))
        start = self.text.rfind("\n", 0, offset) + 1
        end = self.text.find("\n", offset)
        line = self.text[start:end if end >= 0 else len(self.text)]
        at = offset - start
        width = 100
        if len(line) > width:
            lo = max(0, min(at - width // 2, len(line) - width))
            cut = line[lo:lo + width]
            prefix = "…" if lo > 0 else ""
            suffix = "…" if lo + width < len(line) else ""
            line, at = prefix + cut + suffix, at - lo + len(prefix)
        pad = "".join("\t" if c == "\t" else " " for c in line[:at])
        return [line, pad + "^"]

    def render(self) -> str:
        """Every error as its line (`str` of it), followed by the formula line and a caret
        under the column."""
        out: list[str] = []
        for e in self.errors:
            out.append(str(e._problem()))
            out.extend(e.caret_lines())
        return "\n".join(out)


def _rebuild(message: str, column: int | None, text: str, kind: str, unit: str | None,
             errors: Sequence[FormulaError]) -> FormulaError:
    return FormulaError(message, column, text=text, kind=kind, unit=unit, errors=errors)
