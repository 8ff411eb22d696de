"""`emuscore validate RULESET [DATA]`: check a ruleset, and optionally the data against it."""

from __future__ import annotations

import click

import emuscore
from emuscore.cli.options import delimiter_option, encoding_option, ruleset_argument
from emuscore.manager import default_registry
from emuscore.ruleset import can_tie


@click.command()
@ruleset_argument
@click.argument("data", required=False, type=click.Path(path_type=str))
@encoding_option
@delimiter_option
def validate(ruleset: str, data: str | None, encoding: str, delimiter: str | None) -> None:
    """Check RULESET (and DATA, if given) and report every problem at once."""
    registry = default_registry()
    rs = emuscore.load_ruleset(ruleset, registry)
    click.echo(f"ruleset {rs.meta.id} {rs.meta.version}: {len(rs.criteria)} criteria in "
               f"{len(rs.groups)} groups, {len(rs.awards)} awards: ok")
    if can_tie(rs):
        click.echo("note: the ranking order can leave two units tied (it does not end with "
                   "\"unit_id asc\"); tied units share a rank, and an award slot they tie for "
                   "is left to the council")
    if data is not None:
        result = emuscore.run(rs, emuscore.load_data(data, encoding, registry, rs, delimiter),
                              registry)
        click.echo(f"data {data}: {result.data.size} units in {len(result.data.cluster_ids)} "
                   "clusters: ok")
