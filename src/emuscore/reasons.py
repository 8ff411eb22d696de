"""The stored reasons that readers pick out by their id: the parts of a proposal's reason
(a report leaves out the total or the class its publication does not show) and the skip
of a unit whose tie is left to the council (public, since it follows from public totals).
The engine builds them here, and `report.view` with the page's own forms of the values."""

from __future__ import annotations

from emuscore.i18n import N_
from emuscore.message import Message

RANK = N_("rank {rank} in cluster {cluster}")
TOTAL = N_("total {total}")
CLASS = N_("class {label}")
AMONG = N_("among the best {share} of {award} holders")
PASSES = N_("passes {gates}")
BALLOT = N_("ballot: {tally}")
TIED = N_("tied at place {place} ({scope}) with {units} for {remaining} remaining slot(s); the "
          "ranking order does not separate them, so the council decides")
"""A skip's reason when a tie for the last places is left to the council."""


def proposed(rank: int | str, cluster: str, total: str, label: str, share: str | None,
             source: str | None, gates: str) -> list[Message]:
    """Why a unit is proposed, part by part: its rank in its cluster, its total, its class
    (when it has one), its place among the holders of the award it is drawn from (`share`
    of `source`'s holders), the gates it passes (when the award has any); an empty value
    leaves its part out."""
    parts = [Message.of(RANK, rank=rank, cluster=cluster)]
    if total:
        parts.append(Message.of(TOTAL, total=total))
    if label:
        parts.append(Message.of(CLASS, label=label))
    if share is not None and source is not None:
        parts.append(Message.of(AMONG, share=share, award=source))
    if gates:
        parts.append(Message.of(PASSES, gates=gates))
    return parts


def tied(place: int, scope: Message, units: str, remaining: int) -> Message:
    """Why units tied for the last slots all go to the council."""
    return Message.of(TIED, place=place, scope=scope, units=units, remaining=remaining)
