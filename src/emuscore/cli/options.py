"""Arguments shared by several commands."""

from __future__ import annotations

import click

from emuscore.i18n import _

ruleset_argument = click.argument("ruleset", type=click.Path(dir_okay=False, path_type=str))
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
    help="Text encoding of the data files (cp1258 for old Vietnamese Excel exports).")
