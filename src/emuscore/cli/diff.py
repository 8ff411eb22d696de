"""`emuscore diff A B`: what changed between two run records."""

from __future__ import annotations

import json
import sys

import click

from emuscore.audit.diff import compare, render, software_lines
from emuscore.audit.record import load_record
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.problems import EmuscoreError


@click.command(cls=Command, help=N_(
    """Changed inputs and per-unit score, rank and award changes from record A to record B.

    Exit 0 when inputs and results are the same, 1 when they differ, 2 when a record is
    unusable (unreadable, not a record, or edited after it was written)."""))
@click.argument("a", type=click.Path(dir_okay=False, path_type=str))
@click.argument("b", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the differences as JSON."))
def diff(a: str, b: str, as_json: bool) -> None:
    try:
        differences = compare(load_record(a), load_record(b))
    except EmuscoreError as e:
        for problem in e.problems:
            click.echo(_("unusable: {problem}").format(problem=problem), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(differences, sort_keys=True, ensure_ascii=False, indent=1))
    elif differences["same"]:
        click.echo(_("same inputs and results ({a}, {b})").format(a=a, b=b))
        for line in software_lines(differences["software"], a, b):
            click.echo(_("note: {line}").format(line=line))
    else:
        click.echo("\n".join(render(differences, a, b)))
    sys.exit(0 if differences["same"] else 1)
