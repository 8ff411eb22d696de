"""Arguments shared by several commands."""

from __future__ import annotations

import click

ruleset_argument = click.argument("ruleset", type=click.Path(dir_okay=False, path_type=str))
data_argument = click.argument("data", type=click.Path(path_type=str))
encoding_option = click.option(
    "--encoding", default="utf-8-sig", show_default=True,
    help="Text encoding of the data files (cp1258 for old Vietnamese Excel exports).")
delimiter_option = click.option(
    "--delimiter", type=click.Choice([",", ";", "tab"]), default=None,
    callback=lambda _ctx, _param, value: "\t" if value == "tab" else value,
    help="Separator of the CSV data (default: recognised from the header among , ; and "
         "tab, or the ruleset's [data] delimiter).")
