"""The `emuscore` command: one module per subcommand, errors as one line each."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from emuscore import i18n
from emuscore.cli import localized
from emuscore.i18n import N_, _
from emuscore.problems import EmuscoreError

# Each command lives in its own module, imported only when that command runs (or the
# commands are listed), so `emuscore score` does not pay for the audit modules.
COMMANDS = {name: f"emuscore.cli.{name.replace('-', '_')}" for name in (
    "diff", "explain", "ledger", "plugins", "replay", "score", "validate",
    "init", "schema", "diff-rules", "fmt", "template", "report", "finalize")}


class Group(localized.Group):
    """Turns an EmuscoreError into its one-line messages and exit code 1, never a traceback.
    emuscore's own commands are imported on first use; plugins' commands (the
    `register_commands` hook) are added only when a command name is not one of
    emuscore's own, or when the commands are listed, so start-up stays lazy."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            self._own(cmd_name)
        elif cmd_name not in self.commands:
            self.load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            self.load_all()
        except EmuscoreError as e:
            click.echo(_("warning: plugin commands not loaded: {problem}").format(problem=e), err=True)
        return super().list_commands(ctx)

    def _own(self, name: str) -> None:
        if name not in self.commands:
            self.add_command(getattr(importlib.import_module(COMMANDS[name]), name.replace("-", "_")))

    def load_all(self) -> None:
        """emuscore's own commands, then the plugins' (which may not replace them)."""
        from emuscore.manager import default_registry

        for name in COMMANDS:
            self._own(name)
        default_registry().add_commands(self)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # each run decides afresh; --lang is read first, so that `emuscore --help --lang vi`
        # is Vietnamese too (its callback, run in order, says the same)
        i18n.choose(_lang_in(args))
        return super().parse_args(ctx, args)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except localized.UsageError:
            raise
        except click.UsageError as e:
            raise localized.UsageError(e) from None

    def invoke(self, ctx: click.Context) -> Any:
        """The one boundary (emuscore.cli.boundary): anything that escapes a command leaves
        as one line; exit 1 for the user's input, 3 for a bug, 128+N for signal N."""
        from emuscore.io.outputs import stopped_cleanly

        debug = bool(ctx.params.get("debug")) or bool(os.environ.get("EMUSCORE_DEBUG"))
        try:
            with stopped_cleanly():
                return super().invoke(ctx)
        except localized.UsageError:
            raise
        except click.UsageError as e:
            raise localized.UsageError(e) from None
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise       # click's own ways out, and the commands' chosen exit codes
        except BrokenPipeError:
            # the reader went away (`emuscore explain ... | head`): stop quietly, as Unix
            # tools do, without a second error when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(128 + 13)      # 128 + SIGPIPE
        except BaseException as e:
            from emuscore.cli.boundary import report

            sys.exit(report(e, debug))


def _lang_in(args: list[str]) -> str | None:
    """The value of the group's --lang among `args` (those before the command's name)."""
    for i, arg in enumerate(args):
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if not arg.startswith("-"):
            return None
    return None


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    i18n.choose(value)


@click.group(cls=Group, help=N_(
    "Score, rank and propose awards for emulation clusters, exactly and reproducibly."))
@click.option("--lang", type=click.Choice(["vi", "en"]), expose_value=False, is_eager=True,
              callback=_choose_language,
              help=N_("Language of messages and help: vi (Vietnamese) or en (English); by "
                      "default EMUSCORE_LANG, then the locale (LANG)."))
@click.version_option(package_name="emuscore")
@click.option("--debug", is_flag=True,
              help=N_("On an unexpected error, print the traceback too (also EMUSCORE_DEBUG=1)."))
def main(debug: bool) -> None:
    """The `emuscore` group: its subcommands do the work."""


__all__ = ["COMMANDS", "main"]
