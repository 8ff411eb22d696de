"""TOML tables <-> frozen attrs values, in one place, with every problem reported.

The ruleset's own sections and every scorer's parameters are attrs classes; this
module turns a parsed TOML table into one (checking each key's type, rejecting
unknown keys with a "did you mean") and back into a table for tomli-w. Field types
understood: str, int, bool, Decimal, date, Literal[...], Indicator, a nested attrs
class, tuple[X, ...] of any of those, X | None, and Decimal | Literal[...] (text picks
the Literal). A field's TOML key defaults to
its name; `metadata={"key": "from"}` overrides it.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, NewType, TypeVar, Union, get_args, get_origin

import attrs

from emuscore.problems import Problem, did_you_mean

Indicator = NewType("Indicator", str)
"""A parameter naming an indicator in the data (a column the scorer reads)."""

T = TypeVar("T")
Locate = Callable[[tuple[str | int, ...]], int | None]


def toml_key(field: attrs.Attribute[Any]) -> str:
    return str(field.metadata.get("key", field.name))


_HINTS: dict[type, dict[str, Any]] = {}


def type_hints(cls: type) -> dict[str, Any]:
    """`typing.get_type_hints`, once per class (it evaluates every annotation each call)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def indicator_fields(cls: type) -> list[str]:
    """Names of the fields of `cls` that name indicators (type Indicator or Indicator | None)."""
    hints = type_hints(cls)
    return [f.name for f in attrs.fields(cls) if Indicator in (hints[f.name], *get_args(hints[f.name]))]


class Structurer:
    """Collects problems while converting; `file` and `locate` place them in the source."""

    def __init__(self, file: str, locate: Locate, describe: Callable[[tuple[str | int, ...]], str]):
        self.file = file
        self.locate = locate
        self.describe = describe
        self.problems: list[Problem] = []

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(Problem(message, self.file, self.locate(path), self.describe(path)))

    def table(
        self, cls: type[T], table: Any, path: tuple[str | int, ...], ignore: tuple[str, ...] = (),
        also: tuple[str, ...] = (),
    ) -> T | None:
        """`table` as a `cls`, or None after recording why not. `also`: keys of the same
        TOML table that another class reads (a criterion's common keys beside its scorer's),
        named in the message for an unknown key."""
        if not isinstance(table, Mapping):
            self.problem(path, f"must be a table, got {_shown(table)}")
            return None
        fields = attrs.fields(cls)  # type: ignore[arg-type]
        keys = {toml_key(f): f for f in fields}
        allowed = sorted({*keys, *also})
        for key in table:
            if key not in keys and key not in ignore:
                self.problem((*path, key), f"unknown key '{key}'{did_you_mean(key, allowed)}"
                             f" (allowed: {', '.join(allowed)})")
        hints = type_hints(cls)
        values: dict[str, Any] = {}
        ok = True
        for key, f in keys.items():
            if key not in table:
                if f.default is attrs.NOTHING:
                    self.problem(path, f"missing required key '{key}'")
                    ok = False
                continue
            good, value = self.value(hints[f.name], table[key], (*path, key))
            ok = ok and good
            values[f.name] = value
        if not ok:
            return None
        try:
            return cls(**values)
        except (ValueError, TypeError) as e:
            self.problem(path, str(e))
            return None

    def value(self, typ: Any, raw: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
        origin, args = get_origin(typ), get_args(typ)
        if origin in (Union, types.UnionType):
            if raw is None:
                return True, None
            arms = [a for a in args if a is not type(None)]
            if len(arms) > 1:
                return self.value(_arm_for(arms, raw), raw, path)
            return self.value(arms[0], raw, path)
        if origin is tuple:
            if not isinstance(raw, list):
                self.problem(path, f"must be a list, got {_shown(raw)}")
                return False, None
            items = [self.value(args[0], item, (*path, i)) for i, item in enumerate(raw)]
            return all(g for g, _ in items), tuple(v for _, v in items)
        if origin is Literal:
            if raw not in args:
                self.problem(path, f"must be one of {', '.join(map(repr, args))}, got {_shown(raw)}"
                             + (did_you_mean(raw, args) if isinstance(raw, str) else ""))
                return False, None
            return True, raw
        if attrs.has(typ):
            value = self.table(typ, raw, path)
            return value is not None, value
        return self.scalar(typ, raw, path)

    def scalar(self, typ: Any, raw: Any, path: tuple[str | int, ...]) -> tuple[bool, Any]:
        if typ is Decimal:
            if isinstance(raw, Decimal) and raw.is_finite():
                return True, raw
            if isinstance(raw, int) and not isinstance(raw, bool):
                return True, Decimal(raw)
            self.problem(path, f"must be a number, got {_shown(raw)}")
        elif typ is int:
            if isinstance(raw, int) and not isinstance(raw, bool):
                return True, raw
            self.problem(path, f"must be a whole number, got {_shown(raw)}")
        elif typ is bool:
            if isinstance(raw, bool):
                return True, raw
            self.problem(path, f"must be true or false, got {_shown(raw)}")
        elif typ in (str, Indicator):
            if isinstance(raw, str) and raw.strip():
                return True, raw
            self.problem(path, f"must be a non-empty text, got {_shown(raw)}")
        elif typ is datetime.date:
            if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
                return True, raw
            self.problem(path, f"must be a date like 2024-12-31, got {_shown(raw)}")
        else:
            raise TypeError(f"structure: unsupported field type {typ!r} at {path}")
        return False, None


def unstructure(value: Any) -> Any:
    """An attrs value as plain TOML-ready data: None fields dropped, whole Decimals as ints."""
    if attrs.has(type(value)):
        out = {}
        for f in attrs.fields(type(value)):
            v = getattr(value, f.name)
            if v is not None and f.metadata.get("dump", True):
                out[toml_key(f)] = unstructure(v)
        return out
    if isinstance(value, tuple | list):
        return [unstructure(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    return value


def _arm_for(arms: list[Any], raw: Any) -> Any:
    """Of a union like `Decimal | Literal["error", "pass"]`, the arm a TOML value is
    meant for: text for the Literal (or str) arm, anything else for the other."""
    textual = [a for a in arms if get_origin(a) is Literal or a in (str, Indicator)]
    other = [a for a in arms if a not in textual]
    if isinstance(raw, str) and textual:
        return textual[0]
    return other[0] if other else textual[0]


def _shown(raw: Any) -> str:
    if isinstance(raw, Mapping):
        return "a table"
    if isinstance(raw, list):
        return "a list"
    return repr(raw)
