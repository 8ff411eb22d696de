"""`emuscore template RULESET -o FILE.xlsx`: a data-entry workbook for the secretariat."""

from __future__ import annotations

from pathlib import Path

import click

import emuscore
from emuscore.cli.localized import Command
from emuscore.cli.options import encoding_option, ruleset_argument
from emuscore.i18n import N_, _
from emuscore.io.dispatch import input_files
from emuscore.io.outputs import Outputs
from emuscore.manager import default_registry
from emuscore.problems import EmuscoreError


@click.command(cls=Command, help=N_(
    """Write a data-entry workbook for RULESET: a units sheet and a sheet per group with a
    column per indicator (Vietnamese titles, a note on each header, data validation by
    kind). Fill it in Excel and score it: emuscore score RULESET FILE.xlsx"""))
@ruleset_argument
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=N_("The workbook to write (.xlsx)."))
@click.option("--units", "units_from", type=click.Path(exists=True, path_type=Path),
              help=N_("Put the units of this data (a folder, CSV file or workbook) on the sheets, "
                      "so that only the values are left to fill."))
@click.option("--force", is_flag=True, help=N_("Replace FILE if it exists (never an input)."))
@encoding_option
def template(ruleset: str, out: Path, units_from: Path | None, force: bool, encoding: str) -> None:
    from emuscore.io.xlsx_data import sheet_layout, write_template

    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(_("the template is an .xlsx workbook: name it FILE.xlsx"))
    registry = default_registry()
    # the workbook may not be, or link to, the ruleset or a file the units are read from,
    # nor be a folder, a pipe, or in a missing folder: checked before any work, and written
    # whole at the end (emuscore.io.outputs)
    outputs = Outputs([Path(ruleset), *(input_files(units_from, registry)
                                        if units_from is not None else [])])
    outputs.file(out, "--out")
    if out.exists() and not force:
        raise EmuscoreError(_("{out}: the file exists; pass --force to replace it").format(out=out))
    rs = emuscore.load_ruleset(ruleset, registry)
    units = (emuscore.load_data(units_from, encoding, registry)
             if units_from is not None else None)
    outputs.add(out, write_template(rs, registry, units))
    outputs.commit()
    sheets = sheet_layout(rs, registry)
    click.echo(_("wrote {out}: a units sheet and {n} sheets of {m} indicators").format(
        out=out, n=len(sheets), m=sum(len(i) for _s, i in sheets)))
