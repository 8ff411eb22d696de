"""What a ruleset may hold, beyond its types: bounded resources and ids safe everywhere.

Limits (docs/rulesets.md, "Limits"), each with its own message:

- the file: at most `MAX_BYTES`;
- nesting: tables and arrays at most `MAX_DEPTH` deep;
- arrays: at most `MAX_ITEMS` entries (criteria, groups, awards...);
- numbers: at most `MAX_DIGITS` digits, and no further than 10^MAX_DIGITS from 0 either way;
- texts: at most `MAX_TEXT` characters;
- the max of a group or criterion: at most `MAX_POINTS`;
- `scale`: 0 to 6 (checked with the other cross-references in `emuscore.ruleset`).

Ids (of groups, criteria, gates, awards, ranking keys and the ruleset): letters (any
alphabet), digits, `_` and `-`, starting with a letter, a digit or `_`, at most `MAX_ID`
characters; not a column the results already have (`total`, `unit_id`...), not a name
Windows reserves for a device (`con`, `nul`...). So an id is a safe CSV or XLSX header (no
comma, quote or line break; no leading `=`, `+`, `-` or `@` for a spreadsheet to run), a safe
HTML attribute and a safe file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from emuscore.i18n import _

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 16
MAX_ITEMS = 20_000
MAX_DIGITS = 30
MAX_TEXT = 100_000
MAX_ID = 64
MAX_POINTS = 10**9
"""The largest max of a group or criterion."""

ID = re.compile(r"[^\W][\w-]*")
RESULT_COLUMNS = frozenset({"unit_id", "name", "cluster_id", "total", "classification",
                            "cluster_rank", "tied", "decided_by", "awards", "deductions",
                            "bonus"})
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                          *(f"lpt{i}" for i in range(1, 10))})

Path = tuple[str | int, ...]


def id_problem(value: str) -> str | None:
    """Why `value` cannot be an id, or None."""
    if len(value) > MAX_ID:
        return _("an id has at most {most} characters; this one has {n}").format(
            most=MAX_ID, n=len(value))
    if not ID.fullmatch(value):
        return _("'{id}' is not a usable id: use letters, digits, _ and -, starting with a "
                 "letter, a digit or _ (no spaces, commas, quotes, line breaks, and no =, +, - "
                 "or @ first), e.g. \"tang_truong\"").format(id=_shown(value))
    if value.lower() in RESULT_COLUMNS:
        return _("'{id}' is the name of a results column ({columns}); give another id").format(
            id=value, columns=", ".join(sorted(RESULT_COLUMNS)))
    if value.lower() in DEVICE_NAMES:
        return _("'{id}' is a device name on Windows and cannot be a file name; give another "
                 "id").format(id=value)
    return None


def limit_problems(raw: Any) -> Iterator[tuple[Path, str]]:
    """(path, message) for each limit the parsed TOML exceeds (iteratively: a document nested
    thousands deep is reported, not recursed into)."""
    stack: list[tuple[Path, Any]] = [((), raw)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict | list):
            if len(path) >= MAX_DEPTH:
                yield path, _("nested more than {most} levels deep (tables or arrays inside each "
                              "other); a ruleset needs at most 5").format(most=MAX_DEPTH)
                continue
            if len(value) > MAX_ITEMS:
                yield path, _("{n} entries; at most {most}").format(n=len(value), most=MAX_ITEMS)
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(((*path, k), v) for k, v in reversed(list(items)))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if value.bit_length() > MAX_DIGITS * 10 // 3:
                yield path, _number_message()
        elif isinstance(value, Decimal):
            if value.is_finite():
                digits = len(value.as_tuple().digits)
                if digits > MAX_DIGITS or abs(value.adjusted()) > MAX_DIGITS:
                    yield path, _number_message()
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            yield path, _("a text of {n} characters; at most {most}").format(
                n=len(value), most=MAX_TEXT)


def _number_message() -> str:
    return _("a number of more than {most} digits (or beyond 10^{most}); no score needs it: "
             "write the number in full, e.g. 1000000").format(most=MAX_DIGITS)


def _shown(value: str) -> str:
    """An id as it can be shown on one line."""
    return value.encode("unicode_escape").decode("ascii")[:80]
