"""`emuscore ledger add|log|verify`: published run records chained by hash in SQLite."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from emuscore.audit import ledger as chain
from emuscore.cli.localized import Group
from emuscore.i18n import N_, _

ledger_option = click.option(
    "--ledger", "path", type=click.Path(dir_okay=False, path_type=Path),
    help=N_("The ledger file [default: ledger.sqlite beside the record, or in this folder]."))


@click.group(cls=Group, help=N_(
    "Chain published run records by hash, and check that none was changed or removed."))
def ledger() -> None:
    """The `ledger` group: add, log, verify."""


@ledger.command(help=N_("Append RECORD (checked first) to the ledger."))
@click.argument("record", type=click.Path(dir_okay=False, path_type=Path))
@ledger_option
@click.option("--no-replay", is_flag=True,
              help=N_("Do not replay RECORD before adding it (its form and digests are still "
                      "checked)."))
def add(record: Path, path: Path | None, no_replay: bool) -> None:
    from emuscore.manager import default_registry

    path = path or chain.default_ledger(record)
    entry = chain.add(path, record, None if no_replay else default_registry())
    click.echo(_("entry {seq} in {ledger}: {record} ({ruleset}), record {digest}").format(
        seq=entry.seq, ledger=path, record=entry.path, ruleset=entry.ruleset,
        digest=entry.record_digest))
    click.echo(_("head {hash}").format(hash=entry.entry_hash))


@ledger.command(help=N_("List the ledger's entries, oldest first, and its head hash."))
@ledger_option
def log(path: Path | None) -> None:
    path = path or chain.default_ledger()
    finals = chain.paths(path)
    for e in chain.entries(path):
        link = ("  " + _("(final of entry {seq})").format(seq=finals[e.seq])
                if e.seq in finals else "")
        click.echo(f"{e.seq:>4}  {e.added}  {e.record_digest[:16]}  {e.ruleset}  {e.path}{link}")
    click.echo(_("head {hash}").format(hash=chain.head_of(path)))


@ledger.command(help=N_("Recompute every hash and re-hash every record file; exit 1 on any problem."))
@ledger_option
@click.option("--head", help=N_("The head hash published earlier; the ledger must end there."))
def verify(path: Path | None, head: str | None) -> None:
    path = path or chain.default_ledger()
    problems = chain.verify(path, head)
    for problem in problems:
        click.echo(_("error: {problem}").format(problem=f"{path}: {problem}"), err=True)
    if problems:
        sys.exit(1)
    click.echo(_("ok: {count} entries, head {hash}").format(count=len(chain.entries(path)),
                                                            hash=chain.head_of(path)))
