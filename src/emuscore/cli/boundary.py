"""The CLI's one boundary: whatever escapes a command leaves as one line and an exit code.

- an EmuscoreError: its problems, one `error: ...` line each, exit 1;
- Ctrl-C, SIGTERM, SIGHUP: `error: interrupted ...`, exit 128 + the signal (nothing is
  written: outputs are committed only at the end, see emuscore.io.outputs);
- an exception of the system or a library that the user can act on (a file that is a
  folder, a permission, a full disk, a locked ledger, memory, nesting): what to do, exit 1;
- anything else is a bug: `error: ... (this is a bug in emuscore X.Y [or plugin P V]; please
  report it with the command and --debug output)`, exit 3.

The traceback is printed only under `--debug` (or EMUSCORE_DEBUG=1).
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import traceback
from types import TracebackType

import click

from emuscore.i18n import _
from emuscore.problems import EmuscoreError, PluginError, os_error_message

BUG = 3
INTERRUPTED = 128 + signal.SIGINT


def report(e: BaseException, debug: bool) -> int:
    """Print `e` for the user (stderr) and return the exit code."""
    if debug and (not isinstance(e, EmuscoreError) or isinstance(e, PluginError)):
        traceback.print_exception(e, file=sys.stderr)     # a plugin's failure: where it was
    if isinstance(e, EmuscoreError):
        for problem in e.problems:
            click.echo(_("error: {problem}").format(problem=problem), err=True)
        return 1
    if isinstance(e, KeyboardInterrupt):
        signum = getattr(e, "signum", signal.SIGINT)
        click.echo(_("error: interrupted ({signal}); no output was written").format(
            signal=signal.Signals(signum).name), err=True)
        return 128 + signum
    message = translate(e)
    if message is not None:
        click.echo(_("error: {problem}").format(problem=message), err=True)
        return 1
    click.echo(_("error: {kind}: {text} (this is a bug in {who}; please report it with the "
                 "command and --debug output)").format(
        kind=type(e).__name__, text=_first_line(e), who=culprit(e.__traceback__)), err=True)
    return BUG


def translate(e: BaseException) -> str | None:
    """What the user can do about a system or library exception, or None (a bug)."""
    message = os_error_message(e)
    if message is not None:
        return message
    if isinstance(e, MemoryError):
        return _("out of memory: the input is larger than this machine can hold (a file that "
                 "never ends, such as /dev/zero, or a huge number?)")
    if isinstance(e, RecursionError):
        return _("the input is nested too deeply to read (tables or arrays inside each other "
                 "hundreds of times); flatten it")
    if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
        return _("the ledger is in use by another program (database is locked); try again "
                 "when it has finished")
    if isinstance(e, sqlite3.DatabaseError):
        return _("the ledger cannot be used ({reason}); is it an emuscore ledger file?").format(
            reason=e)
    if isinstance(e, UnicodeError):
        return _("text that is not in the expected encoding ({reason}); save the file as "
                 "UTF-8").format(reason=e)
    return None


def culprit(tb: TracebackType | None) -> str:
    """'emuscore X.Y', or 'emuscore X.Y or plugin P V' when a frame of the traceback is in a
    registered plugin's code (the innermost such frame names it)."""
    from emuscore.manager import _default

    own = f"emuscore {_version()}"
    if _default is None:
        return own
    modules: dict[str, str] = {}
    for info in _default.plugins.values():
        module = getattr(info.plugin, "__name__", None) or type(info.plugin).__module__
        if module and not module.startswith("emuscore"):
            modules[module.split(".")[0]] = f"plugin {info.name} {info.version}"
    blamed = None
    while tb is not None:
        top = str(tb.tb_frame.f_globals.get("__name__", "")).split(".")[0]
        blamed = modules.get(top, blamed)
        tb = tb.tb_next
    return f"{own} or {blamed}" if blamed else own


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("emuscore")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0][:300] if text else "(no message)"
