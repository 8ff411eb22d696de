"""`emuscore init [--template NAME] DIR`: a starter folder to score at once."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from emuscore import starters
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _


@click.command(cls=Command, help=N_(
    """Create DIR with a starter: a ruleset, sample data and a README of next steps (in
    Vietnamese), ready for `emuscore score DIR/ruleset.toml DIR/data`. DIR must be new or
    empty. `--list` says what each template is."""))
@click.argument("directory", metavar="DIR", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--template", "-t", "name", default=starters.DEFAULT, show_default=True,
              metavar="NAME", help=N_("The template to start from (see --list)."))
@click.option("--list", "listing", is_flag=True, help=N_("List the templates and exit."))
def init(directory: Path | None, name: str, listing: bool) -> None:
    if listing:
        width = max(map(len, starters.TEMPLATES))
        for template, description in starters.TEMPLATES.items():
            click.echo(f"{template:<{width}}  {_(description)}")
        return
    if directory is None:
        raise click.UsageError(_("give the folder to create, e.g. emuscore init thi-dua-2025"))
    from emuscore.manager import default_registry
    from emuscore.schema import schema_text  # built only when a folder is made

    starters.create(name, directory, {"schema.json": schema_text(default_registry())})
    click.echo(_("created {folder} from the template {name}; next steps: {readme}").format(
        folder=directory, name=name, readme=directory / "README.md"))
    click.echo(f"  emuscore score {shlex.quote(str(directory / 'ruleset.toml'))} "
               f"{shlex.quote(str(directory / 'data'))}")
    for need in starters.unmet(directory / "ruleset.toml"):
        click.echo(_("note: {line}").format(line=need))
