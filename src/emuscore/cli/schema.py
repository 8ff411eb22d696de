"""`emuscore schema`: the JSON Schema of the ruleset format, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.io.atomic import write_atomically
from emuscore.manager import default_registry
from emuscore.schema import schema_text


@click.command(cls=Command, help=N_(
    """Print the JSON Schema (draft 2020-12) of the ruleset format, with the keys of every
    installed scorer and the formula functions. Put it beside a ruleset as schema.json and
    start the ruleset with the line `#:schema ./schema.json`: Taplo and Even Better TOML
    then complete keys and underline mistakes."""))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Write the schema to FILE instead of printing it."))
def schema(out: Path | None) -> None:
    text = schema_text(default_registry())
    if out is None:
        click.echo(text, nl=False)
        return
    write_atomically(out, text)
    click.echo(_("wrote {file}").format(file=out))
