"""The `emuscore` command: one module per subcommand, errors as one line each."""

from __future__ import annotations

import sys
from typing import Any

import click

from emuscore.problems import EmuscoreError


class Group(click.Group):
    """Turns an EmuscoreError into its one-line messages and exit code 1, never a traceback."""

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
    replay,
    score,
    validate,
)

__all__ = ["diff", "explain", "ledger", "main", "replay", "score", "validate"]
