"""The final record: the proposal record's ruleset and data, the council's adjustments,
rulings and ballots, and the results they give, linked by digest to the proposal.

Its `council` part (docs/audit.md) holds the decisions as read (each row with its line),
the publication date, the objection deadline and the day of the decision, and the reason
given for deciding before the deadline, if any; `replay` applies them again."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from emuscore.audit.record import (
    build_record,
    dataset_of,
    digests,
    ruleset_of,
    sha256,
)
from emuscore.council.apply import run_with
from emuscore.council.files import (
    adjustments_rows,
    ballots_rows,
    parse_adjustments,
    parse_ballots,
    parse_rulings,
    read_text,
    rulings_rows,
)
from emuscore.i18n import _
from emuscore.manager import Registry
from emuscore.problems import EmuscoreError, Problem
from emuscore.workdays import add_working_days

KIND = "final"


@frozen
class Inputs:
    """What the council brings to `finalize`; paths are None when not given."""

    adjustments: Path | None = None
    rulings: Path | None = None
    ballots: Path | None = None
    published: datetime.date | None = None
    decided: datetime.date | None = None
    """The day of the decision; today when not given."""
    before_deadline: str | None = None


def deadline_of(published: datetime.date, days: int, holidays: tuple[datetime.date, ...]) -> datetime.date:
    """The last day of the objection period."""
    return add_working_days(published, days, holidays)


def build_final(proposal: Mapping[str, Any], proposal_path: Path, inputs: Inputs,
                registry: Registry) -> dict[str, Any]:
    """The final record of a proposal record (`load_record` of `proposal_path`) and the
    council's decisions (not written)."""
    if "council" in proposal:
        raise EmuscoreError(Problem(_("this is already a final record; finalize the proposal "
                                      "record it came from (its digest is {digest})").format(
            digest=proposal["council"].get("proposal", {}).get("record", "?")), str(proposal_path)))
    ruleset = ruleset_of(proposal, registry)
    decided = inputs.decided or datetime.date.today()
    window = _window(ruleset.publication, inputs, decided, str(proposal_path))
    voted = [a.id for a in ruleset.awards if a.vote is not None]
    if voted and inputs.ballots is None:
        raise EmuscoreError(Problem(_("award(s) {awards} are decided by the council's ballot "
                                      "(vote in the ruleset); give --ballots FILE with each "
                                      "proposal's tally").format(awards=", ".join(voted)),
                                    str(proposal_path)))
    files: dict[str, Any] = {}

    def read(path: Path | None, kind: str) -> str:
        if path is None:
            return ""
        text = read_text(path)
        files[kind] = {"name": path.name, "sha256": sha256(path.read_bytes())}
        return text

    adjustments = (() if inputs.adjustments is None else parse_adjustments(
        read(inputs.adjustments, "adjustments"), str(inputs.adjustments)))
    rulings = (() if inputs.rulings is None else parse_rulings(
        read(inputs.rulings, "rulings"), str(inputs.rulings)))
    ballots = (None if inputs.ballots is None
               else parse_ballots(read(inputs.ballots, "ballots"), str(inputs.ballots)))
    result = run_with(ruleset, dataset_of(proposal), registry, adjustments, rulings, ballots)
    ties = [n for n in result.notes if n.kind == "tie"]
    if ties:
        raise EmuscoreError([Problem(_(
            "{award}{scope}: {reason}; add a ruling '{award},settle,WINNER,OTHERS,reason,by,date' "
            "to --rulings").format(award=n.award, scope=f" ({n.scope})" if n.scope else "",
                                   reason=n.reason.shown()), str(inputs.rulings or proposal_path))
            for n in ties])
    record = build_record(result, registry)
    record["data"] = proposal["data"]       # the year's data, unchanged: adjustments go over it
    record["ruleset"] = proposal["ruleset"]     # the same text, and the day it was in force
    record["council"] = {
        "kind": KIND,
        "proposal": {"record": proposal["digests"]["record"],
                     "results": proposal["digests"]["results"]},
        **window,
        "files": files,
        "adjustments": adjustments_rows(adjustments),
        "rulings": rulings_rows(rulings),
        "ballots": None if ballots is None else ballots_rows(ballots),
    }
    record["digests"] = digests(record)
    return record


def _window(publication: Any, inputs: Inputs, decided: datetime.date, source: str) -> dict[str, Any]:
    """The publication window in the record; refuses a decision inside it without a reason."""
    out: dict[str, Any] = {"decided": decided.isoformat(),
                           "published": inputs.published.isoformat() if inputs.published else None,
                           "objection_days": None, "deadline": None,
                           "before_deadline": inputs.before_deadline}
    if publication is None:
        return out
    if inputs.published is None:
        raise EmuscoreError(Problem(_("the ruleset declares an objection period of {days} working "
                                      "day(s) ([publication]); give --published DATE, the day the "
                                      "proposed list was published").format(
            days=publication.objection_days), source))
    deadline = deadline_of(inputs.published, publication.objection_days, publication.holidays)
    out["objection_days"] = publication.objection_days
    out["deadline"] = deadline.isoformat()
    if decided <= deadline and not inputs.before_deadline:
        raise EmuscoreError(Problem(_(
            "the objection period runs until {deadline} ({days} working days after publication on "
            "{published}); the list can be final from {next}, or give --before-deadline REASON "
            "(kept in the record)").format(deadline=deadline.isoformat(),
                                           days=publication.objection_days,
                                           published=inputs.published.isoformat(),
                                           next=(deadline + datetime.timedelta(days=1)).isoformat()),
            source))
    if decided > deadline:
        out["before_deadline"] = None       # a reason is only kept when it was needed
    return out
