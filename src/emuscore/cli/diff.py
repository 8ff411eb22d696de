"""`emuscore diff A B`: what changed between two run records."""

from __future__ import annotations

import json
import sys

import click

from emuscore.audit.diff import compare, render, software_lines
from emuscore.audit.record import load_record
from emuscore.problems import EmuscoreError


@click.command()
@click.argument("a", type=click.Path(dir_okay=False, path_type=str))
@click.argument("b", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def diff(a: str, b: str, as_json: bool) -> None:
    """Changed inputs and per-unit score, rank and award changes from record A to record B.

    Exit 0 when inputs and results are the same, 1 when they differ, 2 when a record is
    unusable (unreadable, not a record, or edited after it was written)."""
    try:
        differences = compare(load_record(a), load_record(b))
    except EmuscoreError as e:
        for problem in e.problems:
            click.echo(f"unusable: {problem}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(differences, sort_keys=True, ensure_ascii=False, indent=1))
    elif differences["same"]:
        click.echo(f"same inputs and results ({a}, {b})")
        for line in software_lines(differences["software"], a, b):
            click.echo(f"note: {line}")
    else:
        click.echo("\n".join(render(differences, a, b)))
    sys.exit(0 if differences["same"] else 1)
