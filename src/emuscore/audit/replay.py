"""Replay: score a record's embedded data with its embedded ruleset on the plugins installed
now, and say whether the results are bit for bit the recorded ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from emuscore.audit import diff, record_v1
from emuscore.audit.record import FORMAT, UnusableRecord, digests, record_content, run_record
from emuscore.i18n import _
from emuscore.manager import Registry
from emuscore.problems import EmuscoreError, Problem
from emuscore.result import Result


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
            # "identical DIGEST" is what scripts read (replay --help says so): never translated
            return [f"identical {self.recorded['digests']['record']}"] + [
                _("note: {line}").format(line=line)
                for line in diff.software_lines(d["software"], "recorded", "now")]
        return [_("different: {units} unit(s) scored differently, {awards} award change(s), "
                  "{skips} reason(s) for passing units over changed (record {digest})").format(
                    units=len(d["units"]), awards=len(d["awards"]["gained"]) + len(d["awards"]["lost"]),
                    skips=len(d["skips"]["only_in_a"]) + len(d["skips"]["only_in_b"]),
                    digest=self.recorded["digests"]["record"]),
                *diff.render(d, "recorded", "replayed")]


def replay(record: Mapping[str, Any], registry: Registry) -> Replay:
    """Re-run a checked record (see `record.load_record`); raises UnusableRecord when the
    installed plugins cannot score it at all (a scorer missing, its parameters changed)."""
    try:
        result = run_record(record, registry)
        # the data it was scored from is the recorded data (a final record's included: the
        # year's data as read, the adjustments over it), not built again from the dataset
        replayed = record_content(result, registry, data=record["data"])
    except UnusableRecord:
        raise
    except EmuscoreError as e:
        software = record["software"]
        used = sorted(f"{name} ({s['plugin']} {s['version']})"
                      for kind in ("scorers", "gates") for name, s in software.get(kind, {}).items()
                      if s.get("used_by"))
        raise UnusableRecord([Problem(_("cannot replay: {problem}").format(problem=p))
                              for p in e.problems] + [Problem(
            _("the record was scored with {plugins}; install those plugins").format(
                plugins=", ".join(used)))]) from None
    replayed = as_recorded(record, result, replayed)
    return Replay(record, replayed, diff.compare(record, replayed))


def as_recorded(record: Mapping[str, Any], result: Result, replayed: dict[str, Any]
                ) -> dict[str, Any]:
    """The content of a re-run (`record_content` of `result` over the record's data) made
    comparable with the record: its council part, the results keys an older record lacks
    left out, and the digests, the results' in the format the record was written in."""
    if "council" in record:
        replayed["council"] = record["council"]
    for key in record_v1.NEWER_RESULTS:
        if key not in record["results"]:    # written before emuscore recorded it
            del replayed["results"][key]
    replayed["digests"] = digests(replayed, known={"data": record["digests"]["data"]}
                                  if record["format"] == FORMAT else {})
    if record["format"] == record_v1.FORMAT:        # compared in the format it was written in
        replayed["digests"]["results"] = record_v1.results_digest(result, record["results"])
    return replayed
