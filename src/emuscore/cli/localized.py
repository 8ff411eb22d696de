"""Commands whose help is shown in the interface language.

Help texts are defined when a command module is imported, before `--lang` is read, so
they are marked with `N_` there and translated here, each time help is shown. The
headings and the help option's text that click itself prints go through the same
catalogue (click's own messages, such as usage errors, stay in English).
"""

from __future__ import annotations

import inspect
import textwrap

import click

from emuscore.i18n import N_, _

CLICK_TEXTS = (N_("Show this message and exit."), N_("Show the version and exit."))
"""click's own help texts that emuscore's commands show, translated like ours."""


def _help(text: str) -> str:
    """A marked help text translated (the catalogue holds it as written in the source)."""
    return inspect.cleandoc(_(text))


def _shortened(text: str, limit: int) -> str:
    """A help text's first sentence when it fits in `limit` columns, else its first words
    and "..." (what click shows in a list of commands)."""
    first = " ".join(text.partition("\n\n")[0].split())
    sentence, dot, _rest = first.partition(". ")
    if dot and len(sentence) + 1 <= limit:
        return sentence + "."
    return textwrap.shorten(first, limit, placeholder="...")


def _option_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """`param`'s line in the options list, its help (and the `[default: …]` click appends)
    translated."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    spec, text = record
    if param.help and text.startswith(param.help):
        text = _(param.help) + text[len(param.help):]
    return spec, text.replace("[default: ", "[" + _("default:") + " ")


class Command(click.Command):
    """A command of emuscore's: help, short help and option help in the interface language."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _help(self.short_help)
        return _shortened(_help(self.help), limit) if self.help else ""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=_("Usage:") + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_help(self.help).partition("\f")[0])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [_option_record(p, ctx) for p in self.get_params(ctx)
                   if not isinstance(p, click.Argument)]
        shown = [r for r in records if r is not None]
        if shown:
            with formatter.section(_("Options")):
                formatter.write_dl(shown)


class Group(click.Group, Command):
    """A group of emuscore's: its own help and its list of commands translated; its
    subcommands (`@group.command()`) are `Command`s."""

    command_class = Command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        found = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in found if cmd is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


__all__ = ["CLICK_TEXTS", "Command", "Group"]
