"""`emuscore template RULESET -o FILE.xlsx`: a data-entry workbook for the secretariat."""

from __future__ import annotations

from pathlib import Path

import click

import emuscore
from emuscore.cli.options import ruleset_argument
from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.manager import default_registry
from emuscore.problems import EmuscoreError


@click.command()
@ruleset_argument
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never the ruleset).")
def template(ruleset: str, out: Path, force: bool) -> None:
    """Write a data-entry workbook for RULESET: a units sheet and a sheet per group with a
    column per indicator (Vietnamese titles, a note on each header, data validation by
    kind). Fill it in Excel and score it: emuscore score RULESET FILE.xlsx"""
    from emuscore.io.xlsx_data import sheet_layout, write_template

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(_("the template is an .xlsx workbook: name it FILE.xlsx"))
    if out.exists() and out.resolve() == Path(ruleset).resolve():
        raise EmuscoreError(_("{out}: this is the ruleset; write the template to another file")
                            .format(out=out))
    if out.exists() and not force:
        raise EmuscoreError(_("{out}: the file exists; pass --force to replace it").format(out=out))
    registry = default_registry()
    rs = emuscore.load_ruleset(ruleset, registry)
    write_atomically(out, write_template(rs, registry))
    sheets = sheet_layout(rs, registry)
    click.echo(_("wrote {out}: a units sheet and {n} sheets of {m} indicators").format(
        out=out, n=len(sheets), m=sum(len(i) for _s, i in sheets)))
