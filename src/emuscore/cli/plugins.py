"""`emuscore plugins`: what is installed, from where, and what each plugin provides."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from emuscore.cli.localized import Command
from emuscore.i18n import N_, _

if TYPE_CHECKING:
    from emuscore.manager import PluginInfo

KINDS = (N_("scorers"), N_("loaders"), N_("writers"), N_("gates"), N_("commands"))
"""What a plugin may register; each is shown translated (the --json keys stay as they are)."""
ORIGINS = {"built-in": N_("built-in"), "package": N_("package"), "code": N_("code")}
"""Where a plugin came from, as shown (the --json value stays as it is)."""


@click.command(cls=Command, help=N_(
    "List each plugin, its version, where it came from and what it registers."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
def plugins(as_json: bool) -> None:
    from emuscore.cli import main
    from emuscore.manager import default_registry

    main.load_all()
    registry = default_registry()
    listing = [describe(info) for info in registry.plugins.values()]
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=1))
        return
    for entry in listing:
        origin = _(ORIGINS.get(entry["origin"], entry["origin"]))
        if entry["origin"] == "package" and entry["package"] != entry["name"]:
            origin += f" {entry['package']}"
        click.secho(f"{entry['name']} {entry['version']}", bold=True, nl=False)
        click.echo(f"  ({origin})")
        for kind in KINDS:
            if entry[kind]:
                click.echo(f"  {_(kind)}: {', '.join(entry[kind])}")
        others = [h for h in entry["hooks"] if not h.startswith("register_")]
        if others:
            click.echo("  " + _("hooks: {names}").format(names=", ".join(others)))


def describe(info: PluginInfo) -> dict[str, Any]:
    """One plugin as plain data (the --json form)."""
    return {"name": info.name, "version": info.version, "origin": info.origin,
            "package": info.package, "hooks": info.hooks,
            **{kind: info.provides.get(kind, []) for kind in KINDS}}
