"""`emuscore finalize PROPOSAL.json`: the council's decisions over a proposal record, and
the final record linked to it by digest (docs/council.md)."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from emuscore.cli.localized import Command
from emuscore.cli.options import iso_date
from emuscore.i18n import N_, _

file_option = click.Path(exists=False, dir_okay=False, path_type=Path)


@click.command(cls=Command, help=N_(
    """Apply the council's ADJUSTMENTS, RULINGS and BALLOTS to PROPOSAL (a run record) and
    write the final record, linked to PROPOSAL by digest; `replay`, `diff`, `explain` and
    `ledger` read it like any record."""))
@click.argument("proposal", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--adjustments", type=file_option,
              help=N_("CSV unit_id,indicator,value,reason,stage,by,date: reasoned changes of values."))
@click.option("--rulings", type=file_option,
              help=N_("CSV award,decision,unit_id,over,reason,by,date: ties settled, proposals withheld."))
@click.option("--ballots", type=file_option,
              help=N_("CSV award,unit_id,yes,no,members: the tally of each proposal's ballot."))
@click.option("--record", "out", required=True, type=file_option,
              help=N_("Write the final record to FILE."))
@click.option("--published", metavar="DATE", callback=iso_date,
              help=N_("The day the proposed list was published for objection (YYYY-MM-DD)."))
@click.option("--decided", metavar="DATE", callback=iso_date,
              help=N_("The day of the council's decision [default: today]."))
@click.option("--before-deadline", metavar="REASON",
              help=N_("Finalize inside the objection period, for this reason (kept in the record)."))
def finalize(proposal: Path, adjustments: Path | None, rulings: Path | None, ballots: Path | None,
             out: Path, published: datetime.date | None, decided: datetime.date | None,
             before_deadline: str | None) -> None:
    from emuscore.audit.diff import compare, render
    from emuscore.audit.record import file_chunks, load_record
    from emuscore.council.finalize import Inputs, build_final
    from emuscore.io.outputs import Outputs
    from emuscore.manager import default_registry

    # the final record may not be, or link to, any file it is made from: checked before any
    # work, written whole once the council's decisions are applied (emuscore.io.outputs)
    outputs = Outputs([p for p in (proposal, adjustments, rulings, ballots) if p])
    outputs.file(out, "--record")
    inputs = Inputs(adjustments, rulings, ballots, published, decided, before_deadline)
    proposed = load_record(proposal)        # read once: a national record is a gigabyte
    record = build_final(proposed, proposal, inputs, default_registry())
    outputs.add(out, file_chunks(record))
    outputs.commit()
    council = record["council"]
    if council["deadline"]:
        click.echo(_("objection period: published {published}, {days} working days, ended {deadline}; "
                     "decided {decided}").format(published=council["published"],
                                                 days=council["objection_days"],
                                                 deadline=council["deadline"],
                                                 decided=council["decided"]))
    if council["before_deadline"]:
        click.echo(_("decided before the deadline: {reason}").format(reason=council["before_deadline"]))
    lines = render(compare(proposed, record), str(proposal), str(out))
    click.echo("\n".join(lines) if lines else _("no change from the proposal"))
    click.echo(_("wrote final record {path} (digest {digest}), from proposal {proposal}").format(
        path=out, digest=record["digests"]["record"], proposal=council["proposal"]["record"]))
