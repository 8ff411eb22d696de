"""Arguments shared by several commands."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from emuscore.i18n import N_, _


def iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date | None:
    """A click callback: an option's YYYY-MM-DD text as a date (None when not given)."""
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("'{value}' is not a date; write it as YYYY-MM-DD, e.g. "
                                   "2025-01-20").format(value=value)) from None


ruleset_argument = click.argument("ruleset", type=click.Path(path_type=str))
"""A ruleset file, or a folder of its versions by date (with --as-of)."""
data_argument = click.argument("data", type=click.Path(path_type=str))
def _text_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A text encoding Python knows, else a message saying which to use."""
    import codecs

    try:
        info = codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(_("unknown encoding '{value}'; use utf-8 (the default) or "
                                   "cp1258 for old Vietnamese Excel exports").format(
            value=value)) from None
    if not getattr(info, "_is_text_encoding", True):
        raise click.BadParameter(_("'{value}' is not a text encoding; use utf-8 (the default) "
                                   "or cp1258 for old Vietnamese Excel exports").format(
            value=value))
    return value


encoding_option = click.option(
    "--encoding", default="utf-8-sig", show_default=True, callback=_text_encoding,
    help=N_("Text encoding of the data files (cp1258 for old Vietnamese Excel exports)."))
as_of_option = click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
    help=N_("When RULESET is a folder of versions, use the one in force on DATE (e.g. "
            "2025-12-31); with a single file, check that it is in force then."))


def in_force(ruleset: str, day: datetime.date | None) -> str:
    """The ruleset file to load for RULESET and --as-of (emuscore.versions), saying which
    version a folder gave."""
    from emuscore.versions import resolve

    path = resolve(Path(ruleset), day)
    if path != Path(ruleset):
        click.echo(_("ruleset in force on {date}: {file}").format(date=day, file=path), err=True)
    return str(path)


delimiter_option = click.option(
    "--delimiter", type=click.Choice([",", ";", "tab"]), default=None,
    callback=lambda _ctx, _param, value: "\t" if value == "tab" else value,
    help=N_("Separator of the CSV data (default: recognised from the header among , ; and "
            "tab, or the ruleset's [data] delimiter)."))
