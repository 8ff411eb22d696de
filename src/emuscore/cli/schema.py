"""`emuscore schema`: the JSON Schema of the ruleset format, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from emuscore.cli.localized import Command
from emuscore.i18n import N_, _
from emuscore.io.outputs import Outputs
from emuscore.manager import default_registry
from emuscore.problems import EmuscoreError, Problem
from emuscore.schema import schema_text

SCHEMA_MARK = b"json-schema.org"
"""What an earlier schema holds near its start (its "$schema" key), so `--out` may replace it."""


@click.command(cls=Command, help=N_(
    """Print the JSON Schema (draft 2020-12) of the ruleset format, with the keys of every
    installed scorer and the formula functions. Put it beside a ruleset as schema.json and
    start the ruleset with the line `#:schema ./schema.json`: Taplo and Even Better TOML
    then complete keys and underline mistakes."""))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Write the schema to FILE instead of printing it (replacing only an "
                      "earlier schema)."))
def schema(out: Path | None) -> None:
    outputs = Outputs()
    # checked before any work: not a folder, a pipe or a device, not in a missing folder,
    # and only ever replacing an earlier JSON Schema (emuscore.io.outputs)
    outputs.file(out, "--out")
    if out is not None and out.exists() and not _is_a_schema(out):
        raise EmuscoreError(Problem(_("the file exists and is not a JSON Schema (a ruleset? "
                                      "data?); the schema replaces only an earlier schema: "
                                      "choose another name"), str(out), where="--out"))
    text = schema_text(default_registry())
    if out is None:
        click.echo(text, nl=False)
        return
    outputs.add(out, text)
    outputs.commit()
    click.echo(_("wrote {file}").format(file=out))


def _is_a_schema(path: Path) -> bool:
    """Whether `path` starts like a JSON Schema: "{" and, within its first 4 KiB, the
    json-schema.org address of its "$schema" (read no further: it may be anything)."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and SCHEMA_MARK in head
