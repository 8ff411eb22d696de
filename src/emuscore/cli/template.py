"""`emuscore template RULESET -o FILE.xlsx`: a data-entry workbook for the secretariat."""

from __future__ import annotations

from pathlib import Path

import click

import emuscore
from emuscore.cli.options import encoding_option, ruleset_argument
from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.manager import default_registry
from emuscore.problems import EmuscoreError


@click.command()
@ruleset_argument
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (.xlsx).")
@click.option("--units", "units_from", type=click.Path(exists=True, path_type=Path),
              help="Put the units of this data (a folder, CSV file or workbook) on the sheets, "
                   "so that only the values are left to fill.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists (never an input).")
@encoding_option
def template(ruleset: str, out: Path, units_from: Path | None, force: bool, encoding: str) -> None:
    """Write a data-entry workbook for RULESET: a units sheet and a sheet per group with a
    column per indicator (Vietnamese titles, a note on each header, data validation by
    kind). Fill it in Excel and score it: emuscore score RULESET FILE.xlsx"""
    from emuscore.io.xlsx_data import sheet_layout, write_template

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(_("the template is an .xlsx workbook: name it FILE.xlsx"))
    inputs = [Path(ruleset), *([units_from] if units_from is not None else [])]
    if out.exists() and any(out.resolve() == p.resolve() for p in inputs):
        raise EmuscoreError(_("{out}: this is an input; write the template to another file")
                            .format(out=out))
    if out.exists() and not force:
        raise EmuscoreError(_("{out}: the file exists; pass --force to replace it").format(out=out))
    registry = default_registry()
    rs = emuscore.load_ruleset(ruleset, registry)
    units = (emuscore.load_data(units_from, encoding, registry)
             if units_from is not None else None)
    write_atomically(out, write_template(rs, registry, units))
    sheets = sheet_layout(rs, registry)
    click.echo(_("wrote {out}: a units sheet and {n} sheets of {m} indicators").format(
        out=out, n=len(sheets), m=sum(len(i) for _s, i in sheets)))
