"""Versions of a ruleset by date: a folder holds one TOML file per version, each with its
`[ruleset] effective = { from, to }`, and the version in force on a date is the one to
score with. A sheet changes from year to year (and in 2025 in mid-year, when the communes
replaced the districts), so the secretariat keeps the old versions beside the new one and
a re-run of last year's ranking picks last year's sheet by its date.

Only the `[ruleset]` table of each file is read to choose; the chosen file is then loaded
and checked in full like any ruleset."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path

from attrs import frozen

from emuscore.i18n import _
from emuscore.problems import Problem, RulesetError


@frozen
class Version:
    path: Path
    id: str
    version: str
    start: datetime.date
    end: datetime.date

    def __str__(self) -> str:
        return _("{file} (version {version}, {start} to {end})").format(
            file=self.path.name, version=self.version, start=self.start, end=self.end)


def _line_of_effective(text: str) -> int | None:
    """The line of `effective = ...` (or of the [ruleset] header when it is missing)."""
    lines = text.splitlines()
    for pattern in (r"\s*effective\s*=", r"\s*\[ruleset\]"):
        found = next((i for i, line in enumerate(lines, 1) if re.match(pattern, line)), None)
        if found:
            return found
    return None


def _header(path: Path) -> Version | Problem:
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        return Problem(_("cannot read the version: {reason}").format(reason=e), str(path))
    meta = raw.get("ruleset")
    effective = meta.get("effective") if isinstance(meta, dict) else None
    start = effective.get("from") if isinstance(effective, dict) else None
    end = effective.get("to") if isinstance(effective, dict) else None
    if not (isinstance(start, datetime.date) and isinstance(end, datetime.date)):
        return Problem(_("a version in a folder of versions needs [ruleset] effective = "
                         "{{ from = 2025-01-01, to = 2025-12-31 }}, the dates it is in force").format(),
                       str(path), _line_of_effective(text), "ruleset.effective")
    assert isinstance(meta, dict)
    if end < start:
        return Problem(_("'to' ({end}) is before 'from' ({start}): swap them").format(
            end=end, start=start), str(path), _line_of_effective(text), "ruleset.effective")
    return Version(path, str(meta.get("id", "")), str(meta.get("version", "")), start, end)


def versions(folder: Path) -> list[Version]:
    """The versions in `folder`, earliest first; RulesetError for a file without its dates
    and for two versions in force on the same day."""
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise RulesetError(Problem(_("no ruleset (*.toml) in this folder of versions"), str(folder)))
    headers = [_header(p) for p in files]
    problems = [h for h in headers if isinstance(h, Problem)]
    if problems:
        raise RulesetError(problems)
    found = sorted((h for h in headers if isinstance(h, Version)), key=lambda v: (v.start, v.end))
    overlaps, reaching = [], found[0]      # reaching: the version seen so far that ends last
    for later in found[1:]:
        if later.start <= reaching.end:
            overlaps.append(Problem(
                _("versions overlap from {day}: {a} and {b}; one version is in force on a day, "
                  "so end the earlier one the day before the later starts").format(
                    day=later.start, a=reaching, b=later), str(folder)))
        reaching = max(reaching, later, key=lambda v: v.end)
    if overlaps:
        raise RulesetError(overlaps)
    return found


def in_force(folder: Path, as_of: datetime.date) -> Version:
    """The version of `folder` in force on `as_of`; RulesetError naming the versions there are."""
    found = versions(folder)
    for v in found:
        if v.start <= as_of <= v.end:
            return v
    raise RulesetError(Problem(_("no version is in force on {date}; the versions are: {versions}")
                               .format(date=as_of, versions="; ".join(map(str, found))), str(folder)))


def resolve(ruleset: Path, as_of: datetime.date | None) -> Path:
    """The ruleset file to use: `ruleset` itself, or for a folder of versions the one in
    force on `as_of` (which a folder requires). A single file given with `as_of` must be
    in force on that date when it declares its dates."""
    if ruleset.is_dir():
        if as_of is None:
            raise RulesetError(Problem(
                _("this is a folder of ruleset versions: say which day's is wanted with "
                  "--as-of, e.g. --as-of 2025-12-31"), str(ruleset)))
        return in_force(ruleset, as_of).path
    if as_of is not None and ruleset.is_file():
        header = _header(ruleset)
        if isinstance(header, Version) and not header.start <= as_of <= header.end:
            raise RulesetError(Problem(_("not in force on {date}: it is in force from {start} to "
                                         "{end}").format(date=as_of, start=header.start,
                                                         end=header.end), str(ruleset)))
    return ruleset


__all__ = ["Version", "in_force", "resolve", "versions"]
