"""`emuscore validate RULESET [DATA]`: check a ruleset, and optionally the data against it."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

import emuscore
from emuscore.cli.localized import Command
from emuscore.cli.options import (
    as_of_option,
    delimiter_option,
    encoding_option,
    in_force,
    ruleset_argument,
)
from emuscore.i18n import N_, _
from emuscore.manager import Registry, default_registry
from emuscore.problems import Problem, RulesetError
from emuscore.ruleset import can_tie


@click.command(cls=Command, help=N_("Check RULESET (and DATA, if given) and report every problem at once."))
@ruleset_argument
@click.argument("data", required=False, type=click.Path(path_type=str))
@encoding_option
@as_of_option
@delimiter_option
def validate(ruleset: str, data: str | None, encoding: str, as_of: datetime.datetime | None,
             delimiter: str | None) -> None:
    registry = default_registry()
    if as_of is None and data is None and Path(ruleset).is_dir():
        validate_versions(Path(ruleset), registry)
        return
    ruleset = in_force(ruleset, as_of.date() if as_of else None)
    rs = emuscore.load_ruleset(ruleset, registry)
    click.echo(_("ruleset {id} {version}: {criteria} criteria in {groups} groups, {awards} awards: ok")
               .format(id=rs.meta.id, version=rs.meta.version, criteria=len(rs.criteria),
                       groups=len(rs.groups), awards=len(rs.awards)))
    if can_tie(rs):
        click.echo(_("note: the ranking order can leave two units tied (it does not end with "
                     "\"unit_id asc\"); tied units share a rank, and an award slot they tie for "
                     "is left to the council"))
    if data is not None:
        result = emuscore.run(rs, emuscore.load_data(data, encoding, registry, rs, delimiter),
                              registry)
        click.echo(_("data {data}: {units} units in {clusters} clusters: ok").format(
            data=data, units=result.data.size, clusters=len(result.data.cluster_ids)))


def validate_versions(folder: Path, registry: Registry) -> None:
    """Every version of a folder of versions, each checked in full, and their dates."""
    from emuscore.versions import versions

    problems: list[Problem] = []
    for version in versions(folder):
        try:
            emuscore.load_ruleset(version.path, registry)
        except RulesetError as e:
            problems += e.problems
            continue
        click.echo(_("{version}: ok").format(version=version))
    if problems:
        raise RulesetError(problems)
