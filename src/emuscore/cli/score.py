"""`emuscore score RULESET DATA`: rank every cluster and propose award recipients."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np

import emuscore
from emuscore.cli.localized import Command
from emuscore.cli.options import (
    as_of_option,
    data_argument,
    delimiter_option,
    encoding_option,
    in_force,
    ruleset_argument,
)
from emuscore.cli.progress import steps
from emuscore.i18n import N_, _
from emuscore.io.dispatch import input_files, writer_for
from emuscore.io.outputs import Outputs
from emuscore.io.results import SORTS, rows, to_csv
from emuscore.manager import Registry, default_registry
from emuscore.result import Result

TABLES_UP_TO = 2000
"""Above this many units a run prints a line per cluster unless --tables asks for every
table (at 100,000 units the tables took 3.7 s of a 5.5 s run)."""


@click.command(cls=Command, help=N_(
    "Score DATA with RULESET, rank each cluster and propose award recipients."))
@ruleset_argument
@data_argument
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Also write one row per unit to FILE.csv or FILE.json."))
@click.option("--quiet", "-q", is_flag=True, help=N_("Print only the award proposals."))
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Also write the run record (for replay, diff, explain, ledger) to FILE."))
@click.option("--columns", metavar="A,B,...",
              help=N_("Only these columns in a CSV --out, e.g. unit_id,total,cluster_rank,award:flag "
                      "(award:ID is 1 for units proposed for ID, else 0)."))
@click.option("--sort", type=click.Choice(SORTS), default="cluster", show_default=True,
              help=N_("Order of the rows in --out: by cluster and rank, or by unit_id."))
@click.option("--excel", is_flag=True,
              help=N_("Write the .csv --out for Excel in Vietnamese: UTF-8 with BOM, ';' between "
                      "cells, decimal comma, titles, and a column of reasons."))
@click.option("--tables", is_flag=True,
              help=N_("Print every cluster's table even above 2,000 units (a line per cluster "
                      "otherwise)."))
@encoding_option
@as_of_option
@delimiter_option
def score(ruleset: str, data: str, out: Path | None, quiet: bool, record: Path | None,
          columns: str | None, sort: str, excel: bool, tables: bool, encoding: str,
          as_of: datetime.datetime | None, delimiter: str | None) -> None:
    registry = default_registry()
    day = as_of.date() if as_of else None
    rules_path = in_force(ruleset, day)
    # every output is checked before any work and written only once the run has succeeded,
    # all of them or none (emuscore.io.outputs)
    outputs = Outputs([rules_path, *input_files(Path(data), registry)])
    outputs.file(out, "--out")
    outputs.file(record, "--record")
    render = out_renderer(out, columns, sort, excel, registry) if out is not None else None
    labels = [_("loading the ruleset"), _("loading the data"), _("scoring"),
              *([_("writing {file}").format(file=out)] if out is not None else []),
              *([_("writing the run record")] if record is not None else [])]
    with steps(labels, quiet) as step:
        step()
        rules = emuscore.load_ruleset(rules_path, registry)
        step()
        year = emuscore.load_data(data, encoding, registry, rules, delimiter)
        step()
        result = emuscore.run(rules, year, registry)
        if out is not None and render is not None:
            step()
            outputs.add(out, render(result))
        if record is not None:
            from emuscore.audit.record import file_chunks, record_content  # only when asked

            step()
            # made while it is written (a national record is a gigabyte); its digests are
            # in `written` once the commit has written it
            written = record_content(result, registry, as_of=day)
            outputs.add(record, file_chunks(written))
        outputs.commit()
    if not quiet and (tables or result.data.size <= TABLES_UP_TO):
        print_clusters(result)
    elif not quiet:
        print_cluster_summary(result)
    print_awards(result)
    if out is not None:
        click.echo(_("wrote {file}").format(file=out))
    if record is not None:
        click.echo(_("wrote run record {file} (digest {digest})").format(
            file=record, digest=written["digests"]["record"]))


def out_renderer(out: Path, columns: str | None, sort: str, excel: bool,
                 registry: Registry) -> Callable[[Result], str | bytes]:
    """What makes --out's content from a result, chosen (and its options checked) before
    any work."""
    if columns or sort != "cluster" or excel:
        if out.suffix.lower() != ".csv":
            raise click.UsageError(_("--excel shapes a .csv --out") if excel else
                                   _("--columns and --sort shape a .csv --out"))
        names = [c.strip() for c in columns.split(",")] if columns else None
        if excel:
            from emuscore.io.excel_csv import to_excel_csv

            return lambda result: to_excel_csv(result, names, sort)
        return lambda result: to_csv(result, names, sort)
    return writer_for(out, registry)


def print_clusters(result: Result) -> None:
    table = rows(result)
    rank_h, unit_h, name_h, total_h = _("rank"), _("unit"), _("name"), _("total")
    width = max(len(unit_h), *(len(r["unit_id"]) for r in table))
    name_width = min(max(len(name_h), *(len(r["name"]) for r in table)), 48)
    total_width = max(8, len(total_h))
    cluster = None
    lines = []          # written at once: a line per unit
    for row in table:
        if row["cluster_id"] != cluster:
            cluster = row["cluster_id"]
            lines.append(click.style("\n" + _("cluster {cluster}").format(cluster=cluster), bold=True))
            lines.append(f"  {rank_h:>4}  {unit_h:<{width}}  {name_h:<{name_width}}  "
                         f"{total_h:>{total_width}}  " + _("class / awards"))
        rank = row["cluster_rank"] + ("=" if row["tied"] else "")
        tie_break = row["decided_by"] not in ("", result.ruleset.ranking.order[0])
        lines.append(f"  {rank:>4}  {row['unit_id']:<{width}}  {row['name']:<{name_width}}"
                     f"  {row['total']:>{total_width}}  {row['classification']}"
                     + (f"  [{row['awards']}]" if row["awards"] else "")
                     + ("  " + _("(tie-break: {key})").format(key=row["decided_by"]) if tie_break else "")
                     + ("  " + _("(tied: the ranking order does not separate it)") if row["tied"] else ""))
    click.echo("\n".join(lines))


def print_cluster_summary(result: Result) -> None:
    """A line per cluster: its units, its leader and total, and what it was proposed."""
    data, total, rank = result.data, result.scores.total, result.ranks.rank
    size = np.bincount(data.cluster_codes, minlength=len(data.cluster_ids))
    leaders = np.flatnonzero(rank == 1)
    leader = dict(zip(data.cluster_codes[leaders].tolist(), leaders.tolist(), strict=True))
    proposed: dict[str, int] = {}
    by_unit = {u: c for u, c in zip(data.unit_ids, data.clusters, strict=True)}
    for p in result.proposals:
        proposed[by_unit[p.unit]] = proposed.get(by_unit[p.unit], 0) + 1
    lines = [click.style(_("{units} units in {clusters} clusters (every table: --tables)").format(
        units=data.size, clusters=len(data.cluster_ids)), bold=True)]
    for code, cluster in enumerate(data.cluster_ids):
        first = leader.get(code)
        head = (_("first {unit} {name} {total}").format(
            unit=data.unit_ids[first], name=data.names[first],
            total=result.points(total, first)) if first is not None else "")
        lines.append(_("  {cluster}: {size} units, {proposed} proposed; {head}").format(
            cluster=cluster, size=int(size[code]), proposed=proposed.get(cluster, 0), head=head))
    click.echo("\n".join(lines))


def print_awards(result: Result) -> None:
    click.echo("")
    for rule in result.ruleset.awards:
        given = [p for p in result.proposals if p.award == rule.id]
        click.secho(_("{award} ({id}): {count} proposed").format(
            award=rule.title or rule.id, id=rule.id, count=len(given)), bold=True)
        if given:       # one write: national runs propose tens of thousands
            click.echo("\n".join(f"  {p.unit}: {p.reason.shown()}" for p in given))
        notes = [n for n in result.notes if n.award == rule.id]
        if notes:       # a tie left to the council, a zero quota, a cluster with nobody
            click.echo("\n".join(f"  ! {n.scope + ': ' if n.scope else ''}{n.reason.shown()}"
                                  for n in notes))
