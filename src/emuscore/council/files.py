"""The council's CSV files (UTF-8, with or without BOM; a header row; blank lines
skipped; text in NFC) and the same rows as a final record keeps them.

- adjustments: `unit_id,indicator,value,reason,stage,by,date`
- rulings: `award,decision,unit_id,over,reason,by,date` (decision `settle` with `over` the
  units it wins over, `;`-separated, or `withhold` with `over` empty; award `*` withholds
  from every award)
- ballots: `award,unit_id,yes,no,members` (whole numbers)

Every problem is one line naming the file, the line and the column."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from emuscore.council.decisions import STAGES, Adjustment, Ballot, Ruling
from emuscore.i18n import _
from emuscore.problems import DataError, Problem

ADJUSTMENTS = ("unit_id", "indicator", "value", "reason", "stage", "by", "date")
RULINGS = ("award", "decision", "unit_id", "over", "reason", "by", "date")
BALLOTS = ("award", "unit_id", "yes", "no", "members")


def read_text(path: Path) -> str:
    if path.exists() and not path.is_file():     # a folder, or a device like /dev/zero
        raise DataError(Problem(_("not a regular file (a folder, a device or a pipe); give "
                                  "the CSV file"), str(path)))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError(Problem(_("no such file"), str(path))) from None
    except UnicodeDecodeError as e:
        raise DataError(Problem(_("not UTF-8 text (byte {at}); save it as CSV UTF-8").format(
            at=e.start), str(path))) from None
    except OSError as e:
        raise DataError(Problem(_("cannot read it: {why}").format(why=e.strerror), str(path))) from None


def _rows(text: str, file: str, columns: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [unicodedata.normalize("NFC", h).strip() for h in next(reader, [])]
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataError(Problem(_("missing column(s) {missing}; the header must be {header}").format(
                missing=", ".join(missing), header=",".join(columns)), file, 1))
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise DataError(Problem(_("{n} fields where the header has {m}").format(
                    n=len(row), m=len(header)), file, reader.line_num))
            yield reader.line_num, {h: unicodedata.normalize("NFC", c).strip()
                                    for h, c in zip(header, row, strict=True)}
    except csv.Error as e:
        raise DataError(Problem(_("malformed CSV: {why}").format(why=e), file)) from None


def _need(row: Mapping[str, str], key: str, file: str, line: int, what: str) -> str:
    value = row[key]
    if not value:
        raise DataError(Problem(_("empty; give {what}").format(what=what), file, line, key))
    return value


def _date(row: Mapping[str, str], file: str, line: int) -> str:
    text = _need(row, "date", file, line, _("the date of the decision, e.g. 2025-01-20"))
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise DataError(Problem(_("'{text}' is not a date; write it as 2025-01-20").format(
            text=text), file, line, "date")) from None


def parse_adjustments(text: str, file: str) -> tuple[Adjustment, ...]:
    out = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in _rows(text, file, ADJUSTMENTS):
        unit = _need(row, "unit_id", file, line, _("the unit's id"))
        indicator = _need(row, "indicator", file, line, _("the indicator adjusted"))
        value = _need(row, "value", file, line, _("the new value"))
        reason = _need(row, "reason", file, line, _("the reason for the change"))
        stage = _need(row, "stage", file, line, _("the stage ({stages})").format(stages=", ".join(STAGES)))
        if stage not in STAGES:
            raise DataError(Problem(_("'{stage}' is not a stage; write one of {stages}").format(
                stage=stage, stages=", ".join(STAGES)), file, line, "stage"))
        by = _need(row, "by", file, line, _("who made the change"))
        key = (unit, indicator, stage)
        if key in seen:
            raise DataError(Problem(_("a second adjustment of unit {unit}, indicator {indicator} at "
                                      "stage {stage} (the first is line {first}); one stage changes "
                                      "a value once").format(unit=unit, indicator=indicator,
                                                            stage=stage, first=seen[key]),
                                    file, line, "stage"))
        seen[key] = line
        out.append(Adjustment(unit, indicator, value, reason, stage, by, _date(row, file, line),
                              file, line))
    return tuple(out)


def parse_rulings(text: str, file: str) -> tuple[Ruling, ...]:
    out = []
    for line, row in _rows(text, file, RULINGS):
        award = _need(row, "award", file, line, _("the award's id"))
        decision = _need(row, "decision", file, line, _("settle or withhold"))
        unit = _need(row, "unit_id", file, line, _("the unit's id"))
        over = tuple(u.strip() for u in row["over"].split(";") if u.strip())
        if decision == "settle" and not over:
            raise DataError(Problem(_("a settling ruling names the tied unit(s) {unit} wins over, "
                                      "separated by ';'").format(unit=unit), file, line, "over"))
        if decision == "withhold" and over:
            raise DataError(Problem(_("a withholding ruling has 'over' empty"), file, line, "over"))
        if decision not in ("settle", "withhold"):
            raise DataError(Problem(_("'{decision}' is not a decision; write settle (a tie) or "
                                      "withhold (a proposal)").format(decision=decision),
                                    file, line, "decision"))
        if unit in over:
            raise DataError(Problem(_("{unit} cannot win over itself").format(unit=unit),
                                    file, line, "over"))
        reason = _need(row, "reason", file, line, _("the reason (e.g. minutes no. 12)"))
        by = _need(row, "by", file, line, _("who decided (e.g. the council)"))
        out.append(Ruling(award, "settle" if decision == "settle" else "withhold", unit, over,
                          reason, by, _date(row, file, line), file, line))
    return tuple(out)


def parse_ballots(text: str, file: str) -> tuple[Ballot, ...]:
    out = []
    for line, row in _rows(text, file, BALLOTS):
        award = _need(row, "award", file, line, _("the award's id"))
        unit = _need(row, "unit_id", file, line, _("the unit's id"))
        counts = []
        for key in ("yes", "no", "members"):
            value = _need(row, key, file, line, _("a whole number"))
            if not value.isascii() or not value.isdigit():
                raise DataError(Problem(_("'{value}' is not a whole number of votes").format(
                    value=value), file, line, key))
            counts.append(int(value))
        yes, no, members = counts
        if members < 1:
            raise DataError(Problem(_("the council has at least one member"), file, line, "members"))
        if yes + no > members:
            raise DataError(Problem(_("{yes} yes and {no} no are more votes than {members} "
                                      "members").format(yes=yes, no=no, members=members),
                                    file, line, "yes"))
        out.append(Ballot(award, unit, yes, no, members, file, line))
    return tuple(out)


def adjustments_rows(items: Sequence[Adjustment]) -> list[dict[str, Any]]:
    return [{"unit_id": a.unit, "indicator": a.indicator, "value": a.value, "reason": a.reason,
             "stage": a.stage, "by": a.by, "date": a.date, "line": a.line} for a in items]


def rulings_rows(items: Sequence[Ruling]) -> list[dict[str, Any]]:
    return [{"award": r.award, "decision": r.decision, "unit_id": r.unit, "over": list(r.over),
             "reason": r.reason, "by": r.by, "date": r.date, "line": r.line} for r in items]


def ballots_rows(items: Sequence[Ballot]) -> list[dict[str, Any]]:
    return [{"award": b.award, "unit_id": b.unit, "yes": b.yes, "no": b.no,
             "members": b.members, "line": b.line} for b in items]


def from_record(part: Mapping[str, Any]) -> tuple[tuple[Adjustment, ...], tuple[Ruling, ...],
                                                  tuple[Ballot, ...] | None]:
    """The decisions a final record's council part holds, for replay; a malformed part
    is a DataError naming the row."""
    where = "<record council>"

    def one_of(value: Any, allowed: Sequence[str]) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    try:
        adjustments = tuple(Adjustment(str(a["unit_id"]), str(a["indicator"]), str(a["value"]),
                                       str(a["reason"]), one_of(a["stage"], STAGES), str(a["by"]),
                                       str(a["date"]), where, int(a["line"]))
                            for a in part["adjustments"])
        rulings = tuple(Ruling(str(r["award"]),
                               "settle" if one_of(r["decision"], ("settle", "withhold")) == "settle"
                               else "withhold",
                               str(r["unit_id"]), tuple(map(str, r["over"])), str(r["reason"]),
                               str(r["by"]), str(r["date"]), where, int(r["line"]))
                        for r in part["rulings"])
        ballots = None if part["ballots"] is None else tuple(
            Ballot(str(b["award"]), str(b["unit_id"]), _count(b["yes"]), _count(b["no"]),
                   _count(b["members"]), where, int(b["line"])) for b in part["ballots"])
    except (KeyError, TypeError, ValueError) as e:
        raise DataError(Problem(_("the record's council part is malformed ({why})").format(
            why=f"{type(e).__name__}: {e}"), where)) from None
    return adjustments, rulings, ballots


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{value!r} is not a count of votes")
    return value
