"""Replay: score a record's embedded data with its embedded ruleset on the plugins installed
now, and say whether the results are bit for bit the recorded ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from emuscore.audit import diff
from emuscore.audit.record import UnusableRecord, build_record, digests, run_record
from emuscore.manager import Registry
from emuscore.problems import EmuscoreError, Problem


@frozen(eq=False)
class Replay:
    recorded: Mapping[str, Any]
    replayed: Mapping[str, Any]
    differences: Mapping[str, Any]

    @property
    def identical(self) -> bool:
        """The replayed results are byte for byte the recorded ones."""
        return bool(self.recorded["digests"]["results"] == self.replayed["digests"]["results"])

    def lines(self) -> list[str]:
        d = self.differences
        if self.identical:
            return [f"identical {self.recorded['digests']['record']}"] + [
                f"note: {line}" for line in diff.software_lines(d["software"], "recorded", "now")]
        return [f"different: {len(d['units'])} unit(s) scored differently, "
                f"{len(d['awards']['gained']) + len(d['awards']['lost'])} award change(s), "
                f"{len(d['skips']['only_in_a']) + len(d['skips']['only_in_b'])} reason(s) for "
                "passing units over changed "
                f"(record {self.recorded['digests']['record']})",
                *diff.render(d, "recorded", "replayed")]


def replay(record: Mapping[str, Any], registry: Registry) -> Replay:
    """Re-run a checked record (see `record.load_record`); raises UnusableRecord when the
    installed plugins cannot score it at all (a scorer missing, its parameters changed)."""
    try:
        replayed = build_record(run_record(record, registry), registry)
    except UnusableRecord:
        raise
    except EmuscoreError as e:
        software = record["software"]
        used = sorted(f"{name} ({s['plugin']} {s['version']})"
                      for kind in ("scorers", "gates") for name, s in software.get(kind, {}).items()
                      if s.get("used_by"))
        raise UnusableRecord([Problem(f"cannot replay: {p}") for p in e.problems] + [Problem(
            "the record was scored with " + ", ".join(used) + "; install those plugins")]) from None
    if "council" in record:
        # a final record keeps the year's data as read; the adjustments go over it
        replayed["data"], replayed["council"] = record["data"], record["council"]
    for key in NEWER_RESULTS:
        if key not in record["results"]:    # written before emuscore recorded it
            del replayed["results"][key]
    replayed["digests"] = digests(replayed)
    return Replay(record, replayed, diff.compare(record, replayed))


NEWER_RESULTS = ("notes", "adjustments")
"""Keys of the results part that older records lack; replay leaves them out for those."""
