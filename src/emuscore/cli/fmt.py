"""`emuscore fmt RULESET... [--check]`: rewrite rulesets in canonical form, comments kept."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from emuscore.canonical import canonical
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.io.atomic import write_atomically
from emuscore.manager import default_registry
from emuscore.problems import Problem, RulesetError


@click.command(cls=Command, help=N_(
    """Rewrite each RULESET in canonical form, keeping its comments: keys in the documented
    order, one space around `=`, tidy inline tables and blank lines. The file is replaced
    whole or not at all, and only if it reads back to the same data. With --check nothing is
    written: exit 1 if a file would change (for CI)."""))
@click.argument("rulesets", metavar="RULESET...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help=N_("Write nothing; exit 1 if a file would change."))
def fmt(rulesets: Sequence[Path], check: bool) -> None:
    registry = default_registry()

    def scorer_params(name: str) -> type | None:
        found = registry.scorers.get(name)
        return found.item.Params if found else None

    changed = 0
    for path in rulesets:
        if path.exists() and not path.is_file():     # a folder, or a device like /dev/zero
            raise RulesetError(Problem(_("is not a regular file (a device or a pipe); give the "
                                         "ruleset's .toml file"), str(path)))
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError) as e:
            raise RulesetError(Problem(_("cannot read the ruleset: {reason}").format(reason=e),
                                       str(path))) from None
        new = canonical(text, str(path), scorer_params)
        if new.encode("utf-8") == raw:      # canonical is UTF-8 without a BOM, lines end in \n
            click.echo(_("{file}: already canonical").format(file=path))
            continue
        changed += 1
        if check:
            click.echo(_("{file}: would be reformatted").format(file=path))
        else:
            write_atomically(path, new)
            click.echo(_("{file}: reformatted").format(file=path))
    if check and changed:
        sys.exit(1)
