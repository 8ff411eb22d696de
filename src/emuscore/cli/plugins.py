"""`emuscore plugins`: what is installed, from where, and what each plugin provides."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from emuscore.manager import PluginInfo

KINDS = ("scorers", "loaders", "writers", "gates", "commands")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def plugins(as_json: bool) -> None:
    """List each plugin, its version, where it came from and what it registers."""
    from emuscore.cli import main
    from emuscore.manager import default_registry

    main.load_all()
    registry = default_registry()
    listing = [describe(info) for info in registry.plugins.values()]
    if as_json:
        click.echo(json.dumps(listing, ensure_ascii=False, indent=1))
        return
    for entry in listing:
        origin = entry["origin"]
        if entry["origin"] == "package" and entry["package"] != entry["name"]:
            origin += f" {entry['package']}"
        click.secho(f"{entry['name']} {entry['version']}", bold=True, nl=False)
        click.echo(f"  ({origin})")
        for kind in KINDS:
            if entry[kind]:
                click.echo(f"  {kind}: {', '.join(entry[kind])}")
        others = [h for h in entry["hooks"] if not h.startswith("register_")]
        if others:
            click.echo(f"  hooks: {', '.join(others)}")


def describe(info: PluginInfo) -> dict[str, Any]:
    """One plugin as plain data (the --json form)."""
    return {"name": info.name, "version": info.version, "origin": info.origin,
            "package": info.package, "hooks": info.hooks,
            **{kind: info.provides.get(kind, []) for kind in KINDS}}
