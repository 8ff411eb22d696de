"""Commands whose help is shown in the interface language.

Help texts are defined when a command module is imported, before `--lang` is read, so
they are marked with `N_` there and translated here, each time help is shown. The
headings and the help option's text that click itself prints go through the same
catalogue, and so do click's usage errors (`UsageError`), recognised by their wording;
in English they are click's own, unchanged.
"""

from __future__ import annotations

import inspect
import io
import re
import sys
import textwrap
from typing import IO, Any

import click

from emuscore.i18n import N_, _, language

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
    own = getattr(param, "help", None)      # options have help; other parameters may not
    if own and text.startswith(own):
        text = _(own) + text[len(own):]
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


# click's own usage errors, as click words them (8.1 to 8.5), and the catalogue's text for
# each: the first pattern that matches is translated, anything else stays as click says it
_CLICK_LINES = (
    (re.compile(r"Try '(?P<command>.+)' for help\.$"), N_("Try '{command}' for help.")),
    (re.compile(r"Error: (?P<message>.*)$"), N_("Error: {message}")),
)
_CLICK_MESSAGES = (
    (re.compile(r"Missing argument '(?P<name>.+)'\.$"), N_("Missing argument '{name}'.")),
    (re.compile(r"Missing option '(?P<name>.+)'\.$"), N_("Missing option '{name}'.")),
    (re.compile(r"Missing command\.$"), N_("Missing command.")),
    (re.compile(r"No such option:? '?(?P<name>-[^'\s]+)'?\.?(?P<rest>.*)$"),
     N_("No such option {name}.{rest}")),
    (re.compile(r"No such command '(?P<name>.+?)'\.(?P<rest>.*)$"),
     N_("No such command '{name}'.{rest}")),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<reason>.*)$"),
     N_("Invalid value for {name}: {reason}")),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)$"),
     N_("Got unexpected extra arguments ({args})")),
)
_CLICK_HINTS = (
    (re.compile(r" \(?Did you mean one of:? (?P<names>.+)\?\)?$"),
     N_(" (Did you mean one of: {names}?)")),
    (re.compile(r" \(?Did you mean (?P<names>.+)\?\)?$"), N_(" Did you mean {names}?")),
)


def _translated(text: str, patterns: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, message in patterns:
        found = pattern.match(text)
        if found:
            parts = dict(found.groupdict())
            if "message" in parts:
                parts["message"] = _translated(parts["message"], _CLICK_MESSAGES)
            if parts.get("rest"):
                parts["rest"] = _translated(parts["rest"], _CLICK_HINTS)
            return _(message).format(**parts)
    return text


class UsageError(click.UsageError):
    """A usage error of click's, shown as click shows it but in the interface language."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.message, error.ctx)
        self.original = error

    def show(self, file: IO[Any] | None = None) -> None:
        if language() == "en":      # click's words exactly
            self.original.show(file)
            return
        shown = io.StringIO()
        self.original.show(shown)
        lines = [_translated(line, _CLICK_LINES) for line in shown.getvalue().split("\n")]
        click.echo("\n".join(lines), file=file or sys.stderr, nl=False)


__all__ = ["CLICK_TEXTS", "Command", "Group", "UsageError"]
