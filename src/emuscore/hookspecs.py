"""The plugin contract: every hook emuscore calls, with what it gets and may return.

A plugin is a module or object with functions marked
`@emuscore.plugin.hookimpl`; a sector package exposes it through the `emuscore` entry-point
group. The `register_*` hooks hand the
plugin a `register` callback, so one plugin may register many things. emuscore calls
each plugin's implementation on its own, so every scorer, loader, writer, gate and
command is listed under the plugin that provided it (`emuscore plugins`), and an
exception in a hook is reported with that plugin's name and version.

No hook is `firstresult`: each asks every plugin (for things to register, for
problems, for an event), and none wants a single answer; and none is a wrapper, since
emuscore calls each plugin on its own and there is no other plugin's call to wrap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from emuscore.eligibility import EligibilityGate
    from emuscore.io.formats import Loader, Writer
    from emuscore.model import Ruleset
    from emuscore.result import Result
    from emuscore.scoring import Scorer

hookspec = pluggy.HookspecMarker("emuscore")
hookimpl = pluggy.HookimplMarker("emuscore")


@hookspec
def register_scorers(register: Callable[[Scorer[Any]], None]) -> None:
    """Called once when the plugin manager is built. Call ``register(scorer)`` for each
    scorer the plugin provides: an instance of an `emuscore.plugin.Scorer` subclass (the
    batch API) or a function decorated with `@emuscore.plugin.scorer` (the per-unit API).
    Its ``name`` is what a ruleset's ``scorer = "..."`` names, its ``Params`` attrs class
    the criterion's other keys. Two plugins registering one name is an error."""


@hookspec
def register_loaders(register: Callable[[Loader], None]) -> None:
    """Called once when the plugin manager is built. Call ``register(loader)`` with an
    `emuscore.plugin.Loader` for each data format the plugin reads: ``accepts(path)`` says
    whether it reads the path, ``load(path, encoding)`` returns the year's
    `emuscore.plugin.Dataset` (raising `emuscore.plugin.DataError` with the file and line
    for anything wrong in the data). A loader may also give ``read(path, reading)``,
    used when a ruleset is known: ``reading`` (an `emuscore.plugin.Reading`) carries the
    ruleset's ``[data]`` and ``[indicators]`` declarations, and ``reading.cell_value``
    reads a cell's text under them; data from ``load`` alone is checked against the
    declared indicators afterwards. `emuscore.load_data` asks the loaders in reverse
    order of registration (packages before the built-in CSV and workbook loaders) and
    the first whose ``accepts(path)`` is true loads the year's data."""


@hookspec
def register_writers(register: Callable[[Writer], None]) -> None:
    """Called once when the plugin manager is built. Call ``register(writer)`` with an
    `emuscore.plugin.Writer` for each result format the plugin writes: ``write(result)``
    returns the whole file as text or bytes, and emuscore writes it atomically. Results
    are written by the file's suffix (``--out results.xlsx``); two writers of one suffix
    is an error."""


@hookspec
def register_gates(register: Callable[[EligibilityGate], None]) -> None:
    """Called once when the plugin manager is built. Call ``register(gate)`` with an
    `emuscore.plugin.EligibilityGate` for each eligibility condition the plugin provides
    (e.g. no member disciplined this year): ``check(data)`` returns, per unit in unit
    order, None (eligible) or the reason it is not. An award names it in
    ``requires.gates`` beside the ruleset's own ``[[gates]]``; a ``[[gates]]`` table with
    the same id takes precedence."""


@hookspec
def validate_ruleset(ruleset: Ruleset) -> list[str]:
    """Called after a ruleset has passed emuscore's own checks, before any unit is
    scored. Return one sentence per problem the plugin finds (an empty list if none);
    each is reported with the ruleset file and the plugin's name, and the ruleset is
    rejected."""
    return []


@hookspec
def register_commands(cli: click.Group) -> None:
    """Called the first time the ``emuscore`` command meets a subcommand it does not
    know, or lists its commands (``--help``, ``emuscore plugins``). Add click commands
    to ``cli`` with ``@cli.command()``; replacing one of emuscore's commands is an
    error."""


@hookspec
def run_finished(result: Result) -> None:
    """Called when `emuscore.run` has scored, classified, ranked and proposed awards,
    before anything is written. The `emuscore.plugin.Result` is frozen: read it (to
    log, notify, collect statistics), do not change it. The return value is ignored;
    an exception stops the run with the plugin's name."""
