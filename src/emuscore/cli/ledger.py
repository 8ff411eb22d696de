"""`emuscore ledger add|log|verify`: published run records chained by hash in SQLite."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from emuscore.audit import ledger as chain

ledger_option = click.option(
    "--ledger", "path", type=click.Path(dir_okay=False, path_type=Path),
    help="The ledger file [default: ledger.sqlite beside the record, or in this folder].")


@click.group()
def ledger() -> None:
    """Chain published run records by hash, and check that none was changed or removed."""


@ledger.command()
@click.argument("record", type=click.Path(dir_okay=False, path_type=Path))
@ledger_option
@click.option("--no-replay", is_flag=True,
              help="Do not replay RECORD before adding it (its form and digests are still checked).")
def add(record: Path, path: Path | None, no_replay: bool) -> None:
    """Append RECORD to the ledger, once it is checked: whole, untouched, and replayed
    identical on the installed plugins."""
    path = path or chain.default_ledger(record)
    from emuscore.manager import default_registry

    entry = chain.add(path, record, None if no_replay else default_registry())
    click.echo(f"entry {entry.seq} in {path}: {entry.path} ({entry.ruleset}), record "
               f"{entry.record_digest}")
    click.echo(f"head {entry.entry_hash}")


@ledger.command()
@ledger_option
def log(path: Path | None) -> None:
    """List the ledger's entries, oldest first, and its head hash."""
    path = path or chain.default_ledger()
    for e in chain.entries(path):
        click.echo(f"{e.seq:>4}  {e.added}  {e.record_digest[:16]}  {e.ruleset}  {e.path}")
    click.echo(f"head {chain.head_of(path)}")


@ledger.command()
@ledger_option
@click.option("--head", help="The head hash published earlier; the ledger must end there.")
def verify(path: Path | None, head: str | None) -> None:
    """Recompute every hash and re-hash every record file; exit 1 on any problem."""
    path = path or chain.default_ledger()
    problems = chain.verify(path, head)
    for problem in problems:
        click.echo(f"error: {path}: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {len(chain.entries(path))} entries, head {chain.head_of(path)}")
