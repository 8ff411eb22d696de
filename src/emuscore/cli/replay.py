"""`emuscore replay RECORD`: re-run a run record and say whether it is identical."""

from __future__ import annotations

import sys

import click

from emuscore.audit.record import load_record
from emuscore.audit.replay import replay as replay_record
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.manager import default_registry
from emuscore.problems import EmuscoreError

IDENTICAL, DIFFERENT, UNUSABLE = 0, 1, 2


@click.command(cls=Command, help=N_(
    """Re-score RECORD from its embedded ruleset and data on the installed plugins.

    Prints "identical DIGEST" (exit 0) or what moved (exit 1); exit 2 when the record is
    unreadable, not a record, edited after it was written, or cannot be scored here."""))
@click.argument("record", type=click.Path(dir_okay=False, path_type=str))
def replay(record: str) -> None:
    try:
        outcome = replay_record(load_record(record), default_registry())
    except EmuscoreError as e:
        for problem in e.problems:
            click.echo(_("unusable: {problem}").format(problem=problem), err=True)
        sys.exit(UNUSABLE)
    for line in outcome.lines():
        click.echo(line)
    sys.exit(IDENTICAL if outcome.identical else DIFFERENT)
