"""`emuscore fmt RULESET... [--check]`: rewrite rulesets in canonical form, comments kept."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from emuscore.canonical import canonical
from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.io.outputs import Outputs
from emuscore.manager import default_registry
from emuscore.problems import Problem, RulesetError


@click.command(cls=Command, help=N_(
    """Rewrite each RULESET in canonical form, keeping its comments: keys in the documented
    order, one space around `=`, tidy inline tables and blank lines. The files are replaced
    whole, all of them or none (if one cannot be read, none is written), and only if each
    reads back to the same data. A symbolic link's file is rewritten and the link kept; a
    file with other names (hard links) is refused. With --check nothing is written: exit 1
    if a file would change (for CI)."""))
@click.argument("rulesets", metavar="RULESET...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help=N_("Write nothing; exit 1 if a file would change."))
def fmt(rulesets: Sequence[Path], check: bool) -> None:
    registry = default_registry()

    def scorer_params(name: str) -> type | None:
        found = registry.scorers.get(name)
        return found.item.Params if found else None

    changed = 0
    # every file is formatted and checked before any is written; then all are replaced
    # together (emuscore.io.outputs: staged beside each, renamed once all are staged)
    outputs = Outputs()
    written: dict[tuple[int, int], str] = {}    # (device, inode) -> the line said for it
    said: list[str] = []
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
            line = _("{file}: already canonical").format(file=path)
        elif check:
            changed += 1
            line = _("{file}: would be reformatted").format(file=path)
        else:
            changed += 1
            line = _rewrite(outputs, path, new, written)
        if check:
            click.echo(line)
        else:
            said.append(line)
    if not check:
        outputs.commit()
        for line in said:
            click.echo(line)
    if check and changed:
        sys.exit(1)


def _rewrite(outputs: Outputs, path: Path, new: str, written: dict[tuple[int, int], str]) -> str:
    """Stage `new` as the content of the file `path` names (through a symbolic link: the
    link is kept); refuse a file with hard links, which a rewrite would separate from its
    other names. The line to say once it is written."""
    st = os.stat(path)
    if (st.st_dev, st.st_ino) in written:            # the same file given twice
        return _("{file}: reformatted").format(file=path)
    if st.st_nlink > 1:
        raise RulesetError(Problem(_(
            "the file has {n} names (hard links); replacing it would leave the other names "
            "with the old text: reformat a copy, or remove the other links first").format(
                n=st.st_nlink), str(path)))
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    outputs.file(target, "RULESET")
    outputs.add(target, new)
    line = (_("{file}: reformatted {target}, the file it links to (the link is kept)").format(
        file=path, target=target) if target != path else _("{file}: reformatted").format(file=path))
    written[st.st_dev, st.st_ino] = line
    return line
