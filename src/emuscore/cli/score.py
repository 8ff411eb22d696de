"""`emuscore score RULESET DATA`: rank every cluster and propose award recipients."""

from __future__ import annotations

from pathlib import Path

import click

import emuscore
from emuscore.cli.options import data_argument, encoding_option, ruleset_argument
from emuscore.io.dispatch import input_files, writer_for
from emuscore.io.outputs import Outputs
from emuscore.io.results import SORTS, rows, to_csv
from emuscore.manager import default_registry
from emuscore.result import Result


@click.command()
@ruleset_argument
@data_argument
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write one row per unit to FILE.csv or FILE.json.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the award proposals.")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the run record (for replay, diff, explain, ledger) to FILE.")
@click.option("--columns", metavar="A,B,...",
              help="Only these columns in a CSV --out, e.g. unit_id,total,cluster_rank,award:flag "
                   "(award:ID is 1 for units proposed for ID, else 0).")
@click.option("--sort", type=click.Choice(SORTS), default="cluster", show_default=True,
              help="Order of the rows in --out: by cluster and rank, or by unit_id.")
@encoding_option
def score(ruleset: str, data: str, out: Path | None, quiet: bool, record: Path | None,
          columns: str | None, sort: str, encoding: str) -> None:
    """Score DATA with RULESET, rank each cluster and propose award recipients."""
    registry = default_registry()
    # every output is checked before any work and written only once the run has succeeded,
    # all of them or none (emuscore.io.outputs)
    outputs = Outputs([ruleset, *input_files(Path(data), registry)])
    outputs.file(out, "--out")
    outputs.file(record, "--record")
    shaped = out is not None and (columns is not None or sort != "cluster")
    if shaped and out is not None and out.suffix.lower() != ".csv":
        raise click.UsageError("--columns and --sort shape a .csv --out")
    write = writer_for(out, registry) if out is not None and not shaped else None
    result = emuscore.run(emuscore.load_ruleset(ruleset, registry),
                          emuscore.load_data(data, encoding, registry), registry)
    if out is not None:
        names = [c.strip() for c in columns.split(",")] if columns else None
        outputs.add(out, write(result) if write is not None else to_csv(result, names, sort))
    if record is not None:
        from emuscore.audit.record import build_record, record_bytes  # only when asked for

        written = build_record(result, registry)
        outputs.add(record, record_bytes(written))
    outputs.commit()
    if not quiet:
        print_clusters(result)
    print_awards(result)
    if out is not None:
        click.echo(f"wrote {out}")
    if record is not None:
        click.echo(f"wrote run record {record} (digest {written['digests']['record']})")


def print_clusters(result: Result) -> None:
    table = rows(result)
    width = max(len(r["unit_id"]) for r in table)
    name_width = min(max(len(r["name"]) for r in table), 48)
    cluster = None
    lines = []          # written at once: a line per unit
    for row in table:
        if row["cluster_id"] != cluster:
            cluster = row["cluster_id"]
            lines.append(click.style(f"\ncluster {cluster}", bold=True))
            lines.append(f"  {'rank':>4}  {'unit':<{width}}  {'name':<{name_width}}  {'total':>8}  "
                         "class / awards")
        rank = row["cluster_rank"] + ("=" if row["tied"] else "")
        tie_break = row["decided_by"] not in ("", result.ruleset.ranking.order[0])
        lines.append(f"  {rank:>4}  {row['unit_id']:<{width}}  {row['name'][:name_width]:<{name_width}}"
                     f"  {row['total']:>8}  {row['classification']}"
                     + (f"  [{row['awards']}]" if row["awards"] else "")
                     + (f"  (tie-break: {row['decided_by']})" if tie_break else "")
                     + ("  (tied: the ranking order does not separate it)" if row["tied"] else ""))
    click.echo("\n".join(lines))


def print_awards(result: Result) -> None:
    click.echo("")
    for rule in result.ruleset.awards:
        given = [p for p in result.proposals if p.award == rule.id]
        click.secho(f"{rule.title or rule.id} ({rule.id}): {len(given)} proposed", bold=True)
        if given:       # one write: national runs propose tens of thousands
            click.echo("\n".join(f"  {p.unit}: {p.reason}" for p in given))
