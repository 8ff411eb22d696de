"""Stored reasons as messages (emuscore.message): an English msgid and exact arguments,
English by `str`, the interface language by `shown`, and a JSON form that reads back as
the same message; an older record's plain text reads as itself. The Vietnamese expected
here is the catalogue's, written out by hand."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emuscore.message import LIST, Message, from_json, joined, json_problem, plain, to_json

GATE = "gate {gate} ({title}) failed: {values}"
CLASS = "classified '{label}', not '{required}' or better"
TALLY = ("{yes} yes, {no} no, {members} members; {yes}/{base} of the members = {share} "
         "{sign} {threshold} required")


def fell() -> Message:
    tally = Message.of(TALLY, yes=8, no=2, members=10, base=10, share="0.8", sign="<",
                       threshold="0.9")
    return Message.of("fell at the council's ballot: {tally}", tally=tally)


def test_a_message_reads_as_its_english_with_its_arguments_in_place() -> None:
    m = Message.of(CLASS, label="tốt", required="xuất sắc")
    assert str(m) == m.english() == "classified 'tốt', not 'xuất sắc' or better"
    assert str(fell()) == ("fell at the council's ballot: 8 yes, 2 no, 10 members; 8/10 of the "
                           "members = 0.8 < 0.9 required")


def test_shown_says_it_in_the_interface_language_nested_messages_too() -> None:
    m = joined([Message.of(GATE, gate="khong_ky_luat", title="Không kỷ luật", values="ky_luat = 1"),
                Message.of(CLASS, label="tốt", required="xuất sắc")])
    assert m.shown("en") == str(m) == ("gate khong_ky_luat (Không kỷ luật) failed: ky_luat = 1; "
                                       "classified 'tốt', not 'xuất sắc' or better")
    assert m.shown("vi") == ("không đạt điều kiện khong_ky_luat (Không kỷ luật): ky_luat = 1; "
                             "xếp loại 'tốt', chưa đạt 'xuất sắc' trở lên")
    assert fell().shown("vi") == ("không đạt khi Hội đồng bỏ phiếu: 8 đồng ý, 2 không đồng ý, "
                                  "10 thành viên; 8/10 số thành viên = 0.8 < 0.9 theo yêu cầu")


def test_the_record_form_keeps_id_arguments_and_the_english_once() -> None:
    m = Message.of("the place of {unit} is left empty: {reason}", unit="DV200", reason=fell())
    form = to_json(m)
    assert form == {
        "id": "the place of {unit} is left empty: {reason}",
        "args": {"unit": "DV200", "reason": {
            "id": "fell at the council's ballot: {tally}",
            "args": {"tally": {"id": TALLY, "args": {
                "yes": "8", "no": "2", "members": "10", "base": "10", "share": "0.8",
                "sign": "<", "threshold": "0.9"}}}}},
        "text": "the place of DV200 is left empty: " + str(fell())}
    assert from_json(json.loads(json.dumps(form))) == m


def test_reasons_given_together_are_a_list_of_messages() -> None:
    a, b = Message.of("already proposed for {award}", award="flag"), Message.of(CLASS, label="x",
                                                                               required="y")
    together = joined([a, None, plain(""), joined([b])])
    assert together.id == LIST and together.items() == (a, b)
    assert to_json(together)["args"] == {"items": [{"id": "already proposed for {award}",
                                                    "args": {"award": "flag"}},
                                                   {"id": CLASS, "args": {"label": "x",
                                                                          "required": "y"}}]}
    assert joined([a]) == a and joined([]).english() == ""


def test_an_older_records_plain_text_is_shown_as_stored_in_any_language() -> None:
    old = "classified 'tốt', not 'xuất sắc' or better {braces kept}"
    m = from_json(old)
    assert m.plain and m.shown("vi") == m.shown("en") == str(m) == old
    assert to_json(m) == old


def test_arguments_are_exact_text_and_never_floats() -> None:
    assert Message.of("rank {rank}", rank=3).args == (("rank", "3"),)
    with pytest.raises(TypeError):
        Message.of("total {total}", total=95.3)       # type: ignore[arg-type]


def test_argument_order_does_not_make_two_messages() -> None:
    assert Message.of(CLASS, label="a", required="b") == Message.of(CLASS, required="b", label="a")


@pytest.mark.parametrize(("value", "why"), [
    ({"id": CLASS, "args": {"label": "a"}}, "has the arguments"),
    ({"id": "{x!r}", "args": {"x": "a"}}, "placeholder other than"),
    ({"id": "{x:>9}", "args": {"x": "a"}}, "placeholder other than"),
    ({"id": "{x.__class__}", "args": {"x": "a"}}, "placeholder other than"),
    ({"id": "{", "args": {}}, "not a template"),
    ({"id": CLASS, "args": {"label": "a", "required": "b"}, "text": "something else"},
     "is not its English"),
    ({"id": CLASS, "args": {"label": 1, "required": "b"}}, "not text or messages"),
    ({"id": CLASS, "args": {"label": "a", "required": "b"}, "extra": 1}, "a message is"),
    ({"id": "{items}", "args": {"items": "a"}}, "holds"),
    ({"id": "{text}", "args": {"text": {"id": "x", "args": {}}}}, "holds"),
    (3, "a message is"),
])
def test_what_is_not_a_message_is_refused_saying_why(value: Any, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        from_json(value)
    assert json_problem(value) is not None


def test_the_reserved_ids_hold_only_what_they_are_for() -> None:
    with pytest.raises(ValueError, match="holds"):
        Message("{text}", {"text": Message.of("x")})
    with pytest.raises(ValueError, match="holds"):
        Message(LIST, {"items": "a"})


def test_nesting_is_bounded() -> None:
    value: Any = {"id": "x", "args": {}}
    for _ in range(40):
        value = {"id": "{r}", "args": {"r": value}}
    assert "nested more than" in (json_problem(value) or "")


NAMES = st.text(string.ascii_lowercase, min_size=1, max_size=6)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
LITERAL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="{}"),
                  max_size=8)


@st.composite
def messages(draw: st.DrawFn, depth: int = 0) -> Message:
    names = draw(st.lists(NAMES.filter(lambda n: n not in ("text", "items")), unique=True,
                          max_size=3))
    msgid = draw(LITERAL) + "".join(f"{{{n}}}" + draw(LITERAL) for n in names)
    args: dict[str, Any] = {}
    for name in names:
        choices = [TEXT] if depth >= 2 else [
            TEXT, messages(depth + 1), st.lists(messages(depth + 1), max_size=3).map(tuple),
            TEXT.map(plain)]
        args[name] = draw(st.one_of(*choices))
    return Message(msgid, args)


@given(messages())
def test_the_record_form_reads_back_as_the_same_message(m: Message) -> None:
    assert from_json(to_json(m)) == m
    assert from_json(json.loads(json.dumps(to_json(m), ensure_ascii=False))) == m


@given(TEXT)
def test_a_plain_text_reads_back_as_itself(text: str) -> None:
    assert to_json(from_json(text)) == text
    assert str(from_json(text)) == text
