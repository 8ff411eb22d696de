"""The `emuscore` command: one module per subcommand, errors as one line each."""

from __future__ import annotations

import sys
from typing import Any

import click

from emuscore.problems import EmuscoreError


class Group(click.Group):
    """Turns an EmuscoreError into its one-line messages and exit code 1, never a traceback.
    Plugins' commands (the `register_commands` hook) are added only when a command name is
    not one of emuscore's own, or when the commands are listed, so start-up stays lazy."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            from emuscore.plugins import default_registry

            default_registry().add_commands(self)
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        from emuscore.plugins import default_registry

        try:
            default_registry().add_commands(self)
        except EmuscoreError as e:
            click.echo(f"warning: plugin commands not loaded: {e}", err=True)
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EmuscoreError as e:
            for problem in e.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)


@click.group(cls=Group)
@click.version_option(package_name="emuscore")
def main() -> None:
    """Score, rank and propose awards for emulation clusters, exactly and reproducibly."""


from emuscore.cli import (  # noqa: E402  (commands register themselves on main)
    diff,
    explain,
    ledger,
    plugins,
    replay,
    score,
    validate,
)

__all__ = ["diff", "explain", "ledger", "main", "plugins", "replay", "score", "validate"]
