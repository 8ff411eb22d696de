"""The decisions a record keeps beside the unit columns: award proposals, skips and notes
with their reasons, and the council's adjustments; the same lists in every record format,
each reason written as that format writes one (`reason`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emuscore.message import Message
from emuscore.result import Result


def decisions(result: Result, reason: Callable[[Message], Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "proposals": [{"award": p.award, "unit": p.unit, "reason": reason(p.reason)}
                      for p in result.proposals],
        "skips": [{"award": s.award, "unit": s.unit, "reason": reason(s.reason)}
                  for s in result.skips],
        "notes": [{"award": n.award, "scope": n.scope, "kind": n.kind, "reason": reason(n.reason)}
                  for n in result.notes],
        "adjustments": [{"unit": a.unit, "indicator": a.indicator, "stage": a.stage, "old": a.old,
                         "new": a.new, "reason": a.reason, "by": a.by, "date": a.date,
                         "superseded": a.superseded} for a in result.adjustments],
    }
