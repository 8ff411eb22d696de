"""A text the engine stores (why a unit is proposed or passed over, why a cluster has no
recipient) as its English template and its arguments, translated only where it is shown
(docs/translating.md).

A `Message` is a msgid marked with `N_()` (so Babel puts it in the catalogue) and named
arguments: exact text (numbers already written by `format_units`, never floats), another
message, or a list of messages (shown joined with "; "). `str(m)` is the English; the
record keeps id, arguments and that English (`to_json`), so it does not depend on the
interface language, and `m.shown()` says it in the interface language.

A record written before reasons were messages holds a plain text; `from_json` reads it
as a `plain` message, shown as stored.
"""

from __future__ import annotations

import functools
import numbers
import string
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np
from attrs import field, frozen

from emuscore.i18n import translator

Arg = Union[str, "Message", tuple["Message", ...]]
"""An argument: exact text, a message, or messages joined with "; " when shown."""

PLAIN = "{text}"
"""The id of a text stored as it is: an older record's reason, and nothing to translate."""
LIST = "{items}"
"""The id of messages joined with "; " (reasons given together)."""
SEPARATOR = "; "
MAX_DEPTH = 16
"""How deeply a record's message may nest (the engine nests three levels at most)."""


def _sorted_args(args: Iterable[tuple[str, Any]] | dict[str, Any]) -> tuple[tuple[str, Arg], ...]:
    pairs = args.items() if isinstance(args, dict) else args
    return tuple(sorted([(name, _arg(value)) for name, value in pairs], key=_name))


def _name(pair: tuple[str, Arg]) -> str:
    return pair[0]


def _arg(value: Any) -> Arg:
    kind = type(value)
    if kind is str:
        return value        # type: ignore[no-any-return]
    if kind is int:         # a count or a rank; never a float
        return str(value)
    if isinstance(value, Message):
        return value.args[0][1] if value.id == PLAIN else value   # a stored text is text
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return str(int(value))      # numpy's integers too
    if isinstance(value, (tuple, list)) and all(isinstance(v, Message) for v in value):
        return tuple(value)
    raise TypeError(f"a message argument is text, a message or messages, not {value!r}")


@frozen
class Message:
    """An English msgid and its arguments (kept sorted by name, so equal messages are equal
    whatever order they were given in)."""

    id: str
    args: tuple[tuple[str, Arg], ...] = field(default=(), converter=_sorted_args)

    def __attrs_post_init__(self) -> None:
        if (self.id == PLAIN and not (len(self.args) == 1 and isinstance(self.arg("text"), str))) \
                or (self.id == LIST and not (len(self.args) == 1
                                             and isinstance(self.arg("items"), tuple))):
            raise ValueError(f"the message {self.id!r} holds {self.args!r}")

    @classmethod
    def of(cls, msgid: str, **args: str | int | Message | tuple[Message, ...]) -> Message:
        """`Message.of(N_("rank {rank} in cluster {cluster}"), rank=3, cluster="K01")`."""
        return cls(msgid, args)

    def __str__(self) -> str:
        return self.english()

    def english(self) -> str:
        return self._render(_same)

    def shown(self, lang: str | None = None) -> str:
        """The message in `lang` ("vi", "en"), by default the interface language."""
        return self._render(translator(lang))

    @property
    def plain(self) -> bool:
        """A text stored as it is (an older record's reason)."""
        return self.id == PLAIN

    def items(self) -> tuple[Message, ...]:
        """The messages of a joined list, or this message alone."""
        if self.id == LIST:
            value = self.args[0][1]
            assert isinstance(value, tuple)
            return value
        return (self,)

    def arg(self, name: str) -> Arg | None:
        """The argument `name`, or None."""
        return next((v for k, v in self.args if k == name), None)

    def _render(self, translate: Callable[[str], str]) -> str:
        if self.id == PLAIN:
            return str(self.args[0][1])
        values = {}
        for name, value in self.args:
            if isinstance(value, str):
                values[name] = value
            elif isinstance(value, Message):
                values[name] = value._render(translate)
            else:
                values[name] = SEPARATOR.join(m._render(translate) for m in value)
        return translate(self.id).format_map(values) if self.id else ""


def _same(text: str) -> str:
    return text


def plain(text: str) -> Message:
    """A text shown as it is, never translated."""
    return Message(PLAIN, (("text", text),))


def joined(parts: Iterable[Message | None]) -> Message:
    """The messages given (None and empty texts left out) as one, "; " between them when
    shown; a list inside is spread out, one message stays itself."""
    out: list[Message] = []
    for part in parts:
        if part is None or (part.plain and not part.english()):
            continue
        out.extend(part.items())
    if len(out) == 1:
        return out[0]
    return Message(LIST, (("items", tuple(out)),)) if out else plain("")


def to_json(m: Message) -> Any:
    """The record's form: {"id": msgid, "args": {...}, "text": English}; arguments are text,
    a message ({"id", "args"}) or a list of them; a plain message is its text."""
    if m.plain:
        return m.english()
    return {"id": m.id, "args": _args_json(m), "text": m.english()}


def _nested_json(m: Message) -> Any:
    return m.english() if m.plain else {"id": m.id, "args": _args_json(m)}


def _args_json(m: Message) -> dict[str, Any]:
    return {name: value if isinstance(value, str) else _nested_json(value)
            if isinstance(value, Message) else [_nested_json(v) for v in value]
            for name, value in m.args}


def from_json(value: Any) -> Message:
    """The message `to_json` wrote, or an older record's plain text; raises ValueError on
    anything else (a template whose placeholders are not its arguments, a "text" that is
    not the message's English)."""
    return _from_json(value, 0)


def _from_json(value: Any, depth: int) -> Message:
    if isinstance(value, str):
        return plain(value)
    if depth > MAX_DEPTH:
        raise ValueError(f"a message nested more than {MAX_DEPTH} deep")
    if not isinstance(value, dict) or not {"id", "args"} <= set(value) <= {"id", "args", "text"}:
        raise ValueError("a message is a text or {\"id\", \"args\", \"text\"}")
    msgid, args = value["id"], value["args"]
    if not isinstance(msgid, str) or not isinstance(args, dict):
        raise ValueError("a message's id is a text and its args an object")
    if placeholders(msgid) != set(args):
        raise ValueError(f"the message {msgid!r} has the arguments {sorted(args)}")
    parsed: dict[str, Arg] = {}
    for name, arg in args.items():
        if isinstance(arg, list):
            parsed[name] = tuple(_from_json(item, depth + 1) for item in arg)
        elif isinstance(arg, dict):
            parsed[name] = _from_json(arg, depth + 1)
        elif isinstance(arg, str):
            parsed[name] = arg
        else:
            raise ValueError(f"the argument {name} of {msgid!r} is not text or messages")
    m = Message(msgid, parsed)
    if "text" in value and value["text"] != m.english():
        raise ValueError(f"the text of {msgid!r} is not its English")
    return m


def json_problem(value: Any) -> str | None:
    """Why `value` is not a message's JSON (or a plain text), or None."""
    try:
        from_json(value)
    except ValueError as e:
        return str(e)
    return None


@functools.lru_cache(maxsize=4096)     # a record's ids are few; a hostile one's, bounded
def placeholders(msgid: str) -> frozenset[str]:
    """The names of a template's `{placeholders}`; raises ValueError on any other use of
    braces (a conversion, a format spec, an index or attribute)."""
    names = set()
    try:
        fields = list(string.Formatter().parse(msgid))
    except ValueError as e:
        raise ValueError(f"the message {msgid!r} is not a template: {e}") from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"the message {msgid!r} has a placeholder other than {{name}}")
        names.add(name)
    return frozenset(names)


__all__ = ["LIST", "PLAIN", "Arg", "Message", "from_json", "joined", "json_problem", "plain",
           "to_json"]
