"""Arguments shared by several commands."""

from __future__ import annotations

import click

from emuscore.i18n import N_

ruleset_argument = click.argument("ruleset", type=click.Path(dir_okay=False, path_type=str))
data_argument = click.argument("data", type=click.Path(path_type=str))
encoding_option = click.option(
    "--encoding", default="utf-8-sig", show_default=True,
    help=N_("Text encoding of the data files (cp1258 for old Vietnamese Excel exports)."))
