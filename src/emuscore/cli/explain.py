"""`emuscore explain RECORD UNIT`: why one unit scored, ranked and was proposed as it was."""

from __future__ import annotations

import click

from emuscore.audit.explain import explain as explain_unit
from emuscore.audit.record import load_record
from emuscore.cli.localized import Command
from emuscore.i18n import N_
from emuscore.manager import default_registry


@click.command(cls=Command, help=N_(
    """Explain UNIT of RECORD: inputs, formulas, points, caps, class, rank and tie-break, and
    for each award it did not get, the smallest change that would have got it."""))
@click.argument("record", type=click.Path(dir_okay=False, path_type=str))
@click.argument("unit")
def explain(record: str, unit: str) -> None:
    for line in explain_unit(load_record(record), unit, default_registry()):
        click.echo(line)
