"""The plugin manager: built-ins first, then the `emuscore` entry-point group.

Set EMUSCORE_DISABLE_PLUGINS=name1,name2 to leave named plugins out (the names
`emuscore plugins` shows), and EMUSCORE_TRACE_HOOKS=1 to print every hook call with
its time on stderr.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import pluggy
from attrs import define, field, frozen

from emuscore import hookspecs
from emuscore.eligibility import EligibilityGate
from emuscore.i18n import _
from emuscore.io.formats import Loader, Writer
from emuscore.io.outputs import Terminated
from emuscore.problems import EmuscoreError, PluginError, os_error_message
from emuscore.scoring import Scorer

if TYPE_CHECKING:
    import click

    from emuscore.model import Ruleset
    from emuscore.result import Result

DEFAULT_PLUGINS = (
    "emuscore.scorers.attainment",
    "emuscore.scorers.bands",
    "emuscore.scorers.pass_fail",
    "emuscore.scorers.occurrences",
    "emuscore.scorers.timeliness",
    "emuscore.scorers.accuracy",
    "emuscore.scorers.formula",
    "emuscore.io.csv_data",
    "emuscore.io.xlsx_data",
    "emuscore.io.results",
    "emuscore.io.xlsx_results",
)

T = TypeVar("T")


def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("emuscore")
    pm.add_hookspecs(hookspecs)
    disabled = {n.strip() for n in os.environ.get("EMUSCORE_DISABLE_PLUGINS", "").split(",")}
    for name in DEFAULT_PLUGINS:
        if name not in disabled:
            pm.register(importlib.import_module(name), name=name)
    for name in disabled - {""}:
        pm.set_blocked(name)
    if not getattr(sys, "_called_from_test", False):   # a test registers what it needs
        try:
            pm.load_setuptools_entrypoints("emuscore")
        except (Exception, SystemExit) as e:
            raise PluginError(_unloadable(pm, e)) from e
    pm.check_pending()
    if os.environ.get("EMUSCORE_TRACE_HOOKS"):
        _trace(pm)
    return pm


def _unloadable(pm: pluggy.PluginManager, error: BaseException) -> str:
    """Which installed plugin could not be imported, and what to do about it."""
    from importlib import metadata

    for ep in metadata.entry_points(group="emuscore"):
        if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        try:
            ep.load()
        except (Exception, SystemExit) as e:
            dist = f" ({ep.dist.name} {ep.dist.version})" if ep.dist else ""
            return (f"plugin {ep.name}{dist} cannot be loaded: {type(e).__name__}: {e}; "
                    f"reinstall or upgrade it, or leave it out with "
                    f"EMUSCORE_DISABLE_PLUGINS={ep.name}")
    return f"an installed plugin cannot be loaded: {type(error).__name__}: {error}"


def _trace(pm: pluggy.PluginManager) -> None:
    starts: list[float] = []

    def before(hook_name: str, impls: Any, kwargs: Any) -> None:
        starts.append(time.perf_counter())
        print(f"emuscore hook {hook_name}({', '.join(kwargs)}) -> "
              f"{[impl.plugin_name for impl in impls]}", file=sys.stderr)

    def after(outcome: Any, hook_name: str, impls: Any, kwargs: Any) -> None:
        ms = (time.perf_counter() - starts.pop()) * 1000
        print(f"emuscore hook {hook_name} done in {ms:.2f} ms", file=sys.stderr)

    pm.add_hookcall_monitoring(before, after)


@frozen
class Registered(Generic[T]):
    """Something a plugin registered (a scorer, loader, writer, gate or command) and
    the plugin that registered it."""

    item: T
    plugin: str
    version: str

    @contextmanager
    def blame(self, what: str) -> Iterator[None]:
        """Reports an exception other than an EmuscoreError raised inside the block as this
        plugin's failure, e.g. what = "loader xlsx failed on year.xlsx"."""
        try:
            yield
        except (EmuscoreError, Terminated):
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as e:
            told = os_error_message(e)
            if told is not None:        # the user's file, not the plugin's fault
                raise EmuscoreError(told) from e
            raise PluginError(f"plugin {self.plugin} {self.version}, {what}: "
                              f"{misbehaved(e)}") from e


@define
class PluginInfo:
    """One registered plugin: where it came from and what it provides."""

    name: str
    version: str
    origin: str
    """"built-in", "package" (an entry point of an installed distribution) or "code"."""
    package: str | None
    hooks: list[str]
    provides: dict[str, list[str]] = field(factory=dict)
    plugin: object = field(default=None, repr=False, eq=False)


def plugin_info(pm: pluggy.PluginManager, name: str, plugin: object) -> PluginInfo:
    """Name, version and origin of a registered plugin."""
    hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
    for p, dist in pm.list_plugin_distinfo():
        if p is plugin:
            return PluginInfo(name, dist.version, "package", dist.project_name, hooks, plugin=plugin)
    if name in DEFAULT_PLUGINS:
        return PluginInfo(name, _own_version(), "built-in", "emuscore", hooks, plugin=plugin)
    return PluginInfo(name, str(getattr(plugin, "__version__", "unversioned")), "code", None, hooks,
                      plugin=plugin)


def _own_version() -> str:
    from importlib import metadata  # here, not at the top: it costs ~30 ms of start-up

    try:
        return metadata.version("emuscore")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class Registry:
    """What the plugins provide, collected through the `register_*` hooks, one plugin at
    a time so that each thing is listed under the plugin that registered it."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.plugins: dict[str, PluginInfo] = {}
        self.scorers: dict[str, Registered[Scorer[Any]]] = {}
        self.loaders: dict[str, Registered[Loader]] = {}
        self.writers: dict[str, Registered[Writer]] = {}
        """By file suffix, e.g. ".csv"."""
        self.gates: dict[str, Registered[EligibilityGate]] = {}
        self.commands: dict[str, Registered[click.Command]] = {}
        self._command_groups: set[int] = set()
        for name, plugin in pm.list_name_plugin():
            if plugin is None:
                continue
            info = self.plugins[name] = plugin_info(pm, name, plugin)
            self.call(info, "register_scorers", register=functools.partial(self._add_scorer, info))
            self.call(info, "register_loaders", register=functools.partial(
                self._add, info, "loaders", Loader, self.loaders, "name"))
            self.call(info, "register_writers", register=functools.partial(
                self._add, info, "writers", Writer, self.writers, "suffix"))
            self.call(info, "register_gates", register=functools.partial(
                self._add, info, "gates", EligibilityGate, self.gates, "name"))

    def call(self, info: PluginInfo, hook_name: str, **kwargs: Any) -> list[Any]:
        """One plugin's implementation of a hook (traced like any hook call); [] if it has
        none. An exception other than an EmuscoreError is reported with the plugin's name."""
        caller = getattr(self.pm.hook, hook_name)
        if not any(impl.plugin is info.plugin for impl in caller.get_hookimpls()):
            return []
        others = [p for _, p in self.pm.list_name_plugin() if p is not None and p is not info.plugin]
        try:
            results: list[Any] = self.pm.subset_hook_caller(hook_name, others)(**kwargs)
        except (EmuscoreError, Terminated):
            raise
        except (Exception, SystemExit, KeyboardInterrupt) as e:
            raise PluginError(f"plugin {info.name} {info.version} failed in {hook_name}: "
                              f"{misbehaved(e)}") from e
        return results

    def _add_scorer(self, info: PluginInfo, scorer: Scorer[Any]) -> None:
        if isinstance(scorer, Scorer) and not attrs.has(scorer.Params):
            raise PluginError(f"plugin {info.name} {info.version}: scorer '{scorer.name}' declares "
                              f"Params {scorer.Params!r}, which is not an attrs class")
        self._add(info, "scorers", Scorer, self.scorers, "name", scorer)

    def _add(self, info: PluginInfo, kind: str, cls: type[Any], table: dict[str, Registered[Any]],
             key_field: str, item: Any) -> None:
        if not isinstance(item, cls):
            raise PluginError(f"plugin {info.name} {info.version} registered {item!r} as one of its "
                              f"{kind}, which is not an {cls.__module__}.{cls.__qualname__}")
        key = getattr(item, key_field)
        if key in table and table[key].item is item:
            return      # the same object again: a test registering what its installed package does
        if key in table:
            other = table[key]
            raise PluginError(f"{kind[:-1]} '{key}' is registered by both {other.plugin} and "
                              f"{info.name}; uninstall one or disable it with EMUSCORE_DISABLE_PLUGINS")
        table[key] = Registered(item, info.name, info.version)
        info.provides.setdefault(kind, []).append(str(getattr(item, "name", key)))

    def add_commands(self, cli: click.Group) -> None:
        """Let every plugin add its subcommands to `cli` (once per group)."""
        if id(cli) in self._command_groups:
            return
        self._command_groups.add(id(cli))
        for info in self.plugins.values():
            before = dict(cli.commands)
            self.call(info, "register_commands", cli=cli)
            for name, command in list(cli.commands.items()):
                if before.get(name) is command:
                    continue
                other = self.commands.get(name)
                if name in before and (_builtin(before[name]) or (other and other.plugin != info.name)):
                    cli.commands[name] = before[name]
                    owner = f"plugin {other.plugin}" if other else "emuscore"
                    raise PluginError(f"plugin {info.name} {info.version} replaces the command "
                                      f"'{name}' of {owner}; give its command another name")
                self.commands[name] = Registered(command, info.name, info.version)
                info.provides.setdefault("commands", []).append(name)

    def ruleset_problems(self, ruleset: Ruleset) -> Iterator[str]:
        """What the plugins' `validate_ruleset` hooks find wrong, each naming its plugin."""
        for info in self.plugins.values():
            for problems in self.call(info, "validate_ruleset", ruleset=ruleset):
                if problems is None:
                    continue
                if isinstance(problems, str | bytes) or not isinstance(problems, list | tuple) \
                        or not all(isinstance(p, str) for p in problems):
                    raise PluginError(_("plugin {plugin} {version}: validate_ruleset returned "
                                        "{value}; it must return a list of messages (text), or "
                                        "None").format(plugin=info.name, version=info.version,
                                                       value=_kind(problems)))
                for problem in problems:
                    yield f"{problem} (plugin {info.name} {info.version})"

    def run_finished(self, result: Result) -> None:
        for info in self.plugins.values():
            self.call(info, "run_finished", result=result)

    def __iter__(self) -> Iterator[Registered[Scorer[Any]]]:
        return iter(self.scorers.values())


def misbehaved(e: BaseException) -> str:
    """What a plugin did, for a message that names it: SystemExit and KeyboardInterrupt are
    refused as ways for plugin code to end the run."""
    if isinstance(e, SystemExit):
        return _("it called sys.exit({code}), which a plugin may not do; raise an error "
                 "instead").format(code=repr(e.code))
    if isinstance(e, KeyboardInterrupt):
        return _("it was interrupted (KeyboardInterrupt)")
    return f"{type(e).__name__}: {e}"


def _kind(value: object) -> str:
    shown = repr(value)
    return f"{type(value).__name__} {shown[:40]}"


def _builtin(command: click.Command) -> bool:
    """Whether a command is one of emuscore's own (defined in emuscore.cli)."""
    return str(getattr(command.callback, "__module__", "")).startswith("emuscore.cli")


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of every installed plugin, built on first use (so that `import
    emuscore` loads no plugin). `emuscore.testing` swaps it for one test."""
    global _default
    if _default is None:
        _default = Registry(get_plugin_manager())
    return _default
