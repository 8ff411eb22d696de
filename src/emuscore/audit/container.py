"""The bytes of a run record's file: canonical JSON, one part per line, digests last.

    {"format":"emuscore-record/2",
    "ruleset":{...},
    "data":{...},
    "results":{...},
    "software":{...},
    "council":{...},                 (a final record only)
    "digests":{...}}

The whole file is one JSON document (any JSON reader opens it). Each part's value is its
canonical JSON: sorted keys, separators "," and ":", UTF-8 text (no \\u escapes), no floats.
A JSON text never holds a raw line break, so each line is one part, and the reader takes
a national record (a million units, about a gigabyte) one part at a time: it digests the
part's bytes as they are and checks, piece by piece, that they are the canonical form of
what they parse to. `digests.PART` is the SHA-256 of that part's line between `"PART":`
and the `,`; `digests.record` is the SHA-256 of the canonical JSON of
`{"format": ..., PART: digests.PART, ...}`, so it covers every part and the format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn

from emuscore.i18n import _

FORMAT = "emuscore-record/2"
PARTS = ("ruleset", "data", "results", "software")
"""The parts every record has, in the order of the file."""
OPTIONAL_PARTS = ("council",)
"""Parts only some records have (a final record's council decisions, docs/council.md)."""
FIRST_LINE = b'{"format":"' + FORMAT.encode() + b'",\n'
PIECE = 4096
"""Elements of a long list encoded at once (bounds the memory of encoding a column)."""


def parts_of(record: Mapping[str, Any]) -> tuple[str, ...]:
    return (*PARTS, *(p for p in OPTIONAL_PARTS if p in record))


class NotARecordFile(ValueError):
    """The bytes are not a record file of this format (the message says why)."""


def canonical(value: Any, floats_refused: bool = False) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8, no floats
    (`floats_refused`: the caller knows there are none, e.g. its parser refused them)."""
    if not floats_refused:
        _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    kind = type(value)
    if kind is float:
        raise TypeError(f"a run record holds no floats ({value!r}); use decimal text")
    if kind is dict:
        children = list(value.values())
    elif kind is list or kind is tuple:
        children = list(value)
    else:
        return
    kinds = set(map(type, children))     # one C-level pass over a long list of texts
    if float in kinds:
        raise TypeError("a run record holds no floats; use decimal text")
    if kinds & {dict, list, tuple}:
        for child in children:
            if type(child) in (dict, list, tuple):
                _refuse_floats(child)


def chunks(value: Any, depth: int = 0, floats_refused: bool = False) -> Iterator[bytes]:
    """canonical(value) in pieces: objects member by member (three levels down), long
    lists a few thousand elements at a time, so no piece is a whole national column of
    Python objects encoded at once."""
    if type(value) is dict and depth < 3:
        yield b"{"
        for i, key in enumerate(sorted(value)):
            yield (b"," if i else b"") + canonical(key, True) + b":"
            yield from chunks(value[key], depth + 1, floats_refused)
        yield b"}"
    elif type(value) in (list, tuple) and len(value) > PIECE:
        yield b"["
        for start in range(0, len(value), PIECE):
            piece = list(value[start:start + PIECE])
            yield (b"," if start else b"") + canonical(piece, floats_refused)[1:-1]
        yield b"]"
    else:
        yield canonical(value, floats_refused)


def sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def record_digest(format_: str, parts: Mapping[str, str]) -> str:
    """digests.record from the format and the part digests."""
    return sha256(canonical({"format": format_, **parts}))


def _part_digest(value: Any) -> str:
    h = hashlib.sha256()
    for piece in chunks(value):
        h.update(piece)
    return h.hexdigest()


def digests(record: Mapping[str, Any], known: Mapping[str, str] | None = None) -> dict[str, str]:
    """What `record["digests"]` must be for the record's content (`known`: digests of parts
    taken unchanged from a checked record, not computed again)."""
    known = known or {}
    out = {part: known.get(part) or _part_digest(record[part]) for part in parts_of(record)}
    out["record"] = record_digest(FORMAT, out)
    return out


def file_chunks(record: dict[str, Any]) -> Iterator[bytes]:
    """The bytes of the record's file, made as they are written; when the last is made,
    `record["digests"]` holds the digests (computed, whatever it held before)."""
    yield FIRST_LINE
    found: dict[str, str] = {}
    for part in parts_of(record):
        h = hashlib.sha256()
        yield f'"{part}":'.encode()
        for piece in chunks(record[part]):
            h.update(piece)
            yield piece
        yield b",\n"
        found[part] = h.hexdigest()
    found["record"] = record_digest(FORMAT, found)
    record["digests"] = found
    yield b'"digests":' + canonical(found) + b"}\n"


def record_bytes(record: dict[str, Any]) -> bytes:
    """The whole file (for small records; `file_chunks` writes large ones)."""
    return b"".join(file_chunks(record))


def read_parts(lines: Iterable[bytes], parse: Any) -> dict[str, Any]:
    """The record in the lines of a file that began with FIRST_LINE (already read), each
    part parsed with `parse(bytes)` and checked canonical; digests checked. Raises
    NotARecordFile with the reason."""
    def fail(message: str) -> NoReturn:
        raise NotARecordFile(message)

    record: dict[str, Any] = {"format": FORMAT}
    found: dict[str, str] = {}
    ended = False
    for line in lines:
        if ended:
            fail(_("edited after it was written: something follows the digests line; get the "
                   "published copy"))
        at = line.find(b'":')
        key = line[1:at if at > 0 else 41].decode("utf-8", "replace")
        if not line.endswith(b"\n"):
            fail(_("not a run record: it ends inside its {part} part (the file was cut "
                   "short?); get the published copy").format(part=key[:40]))
        if at < 1 or line[:1] != b'"':
            fail(_("edited after it was written: a line is not one part of the record (its "
                   "bytes are not the record's canonical form); get the published copy"))
        if key == "digests":
            if line[-2:] != b"}\n":
                fail(_("not a run record: it does not end with its digests"))
            ended = True
        else:
            if line[-2:] != b",\n":
                fail(_("edited after it was written: the {part} part does not end its line "
                       "(its bytes are not the record's canonical form); get the published "
                       "copy").format(part=key))
            if key in record or key == "format":
                fail(_("not a run record: the key {key} appears twice in one object; a record "
                       "never repeats a key (it was edited)").format(key=repr(key)))
            if key not in (*PARTS, *OPTIONAL_PARTS):
                fail(_("edited after it was written: it has key(s) {keys} that no record has; "
                       "get the published copy").format(keys=repr(key)))
        body = memoryview(line)[at + 2:-2]      # the part's bytes, not a copy of them
        value = parse(body)
        if not _is_canonical(value, body):
            fail(_("edited after it was written: its bytes are not the record's canonical "
                   "form (keys reordered or repeated, spaces or line breaks added); get the "
                   "published copy"))
        if key == "digests":
            record["digests"] = value
        else:
            record[key] = value
            found[key] = sha256(body)
    if not ended:
        fail(_("not a run record: it does not end with its digests (the file was cut short?); "
               "get the published copy"))
    missing = [p for p in PARTS if p not in record]
    if missing:
        fail(f"not a run record: part(s) {', '.join(missing)} missing")
    order = [k for k in record if k not in ("format", "digests")]
    if order != list(parts_of(record)):
        fail(_("edited after it was written: its bytes are not the record's canonical form "
               "(keys reordered or repeated, spaces or line breaks added); get the published "
               "copy"))
    check_digests(record, found)
    return record


def check_digests(record: Mapping[str, Any], found: Mapping[str, str]) -> None:
    """Raise NotARecordFile unless record["digests"] are the `found` part digests and the
    record digest over them."""
    recorded = record["digests"]
    if not isinstance(recorded, dict):
        raise NotARecordFile("not a run record: its digests are not an object")
    edited = [p for p in parts_of(record) if recorded.get(p) != found[p]]
    if edited:
        raise NotARecordFile("edited after it was written: " + "; ".join(
            f"the {p} part no longer gives its recorded digest (recorded "
            f"{str(recorded.get(p))[:12]}…, now {found[p][:12]}…)" for p in edited)
            + "; get the published copy")
    if set(recorded) != {*parts_of(record), "record"}:
        raise NotARecordFile(_("edited after it was written: digests has keys other than "
                               "{keys}").format(keys=", ".join((*parts_of(record), "record"))))
    if recorded["record"] != record_digest(str(record["format"]), found):
        raise NotARecordFile("edited after it was written: digests.record does not match the "
                             "content; get the published copy")


def _is_canonical(value: Any, body: bytes | memoryview) -> bool:
    """`body` is canonical(value), compared piece by piece (no second copy of a part)."""
    view, at = memoryview(body), 0
    try:
        for piece in chunks(value, floats_refused=True):     # the parser refused floats
            if view[at:at + len(piece)] != piece:
                return False
            at += len(piece)
    except TypeError:           # a float: the parser refused those already
        return False
    return at == len(body)
