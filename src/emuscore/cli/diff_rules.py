"""`emuscore diff-rules OLD NEW`: what changed between two rulesets, for the council."""

from __future__ import annotations

import sys

import click

import emuscore
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.manager import default_registry
from emuscore.rules_diff import differences


@click.command(cls=Command, help=N_(
    """What changed from ruleset OLD to ruleset NEW, one line each: groups and criteria added,
    removed or re-weighted, criteria scored differently (thresholds, targets, points),
    classes, ranking order, conditions, award quotas and requirements, the objection period.

    Exit 0 when they score alike, 1 when they differ."""))
@click.argument("old", type=click.Path(dir_okay=False, path_type=str))
@click.argument("new", type=click.Path(dir_okay=False, path_type=str))
def diff_rules(old: str, new: str) -> None:
    registry = default_registry()
    was, now = emuscore.load_ruleset(old, registry), emuscore.load_ruleset(new, registry)
    lines = differences(was, now)
    click.echo(_("{old} ({old_id} {old_version}) → {new} ({new_id} {new_version})").format(
        old=old, old_id=was.meta.id, old_version=was.meta.version,
        new=new, new_id=now.meta.id, new_version=now.meta.version))
    if not lines:
        click.echo(_("no change that affects scores, ranks or awards"))
    for line in lines:
        click.echo(f"  {line}")
    sys.exit(1 if lines else 0)
