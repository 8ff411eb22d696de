"""The plugin manager: built-ins first, then the `emuscore` entry-point group.

Set EMUSCORE_DISABLE_PLUGINS=name1,name2 to leave named plugins out, and
EMUSCORE_TRACE_HOOKS=1 to print every hook call with its time on stderr.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from typing import Any

import pluggy
from attrs import frozen

from emuscore import hookspecs
from emuscore.problems import PluginError
from emuscore.scoring import Scorer

DEFAULT_PLUGINS = (
    "emuscore.scorers.attainment",
    "emuscore.scorers.bands",
    "emuscore.scorers.pass_fail",
    "emuscore.scorers.occurrences",
    "emuscore.scorers.timeliness",
    "emuscore.scorers.accuracy",
)


def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("emuscore")
    pm.add_hookspecs(hookspecs)
    disabled = {n.strip() for n in os.environ.get("EMUSCORE_DISABLE_PLUGINS", "").split(",")}
    for name in DEFAULT_PLUGINS:
        if name not in disabled:
            pm.register(importlib.import_module(name), name=name)
    for name in disabled - {""}:
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints("emuscore")
    pm.check_pending()
    if os.environ.get("EMUSCORE_TRACE_HOOKS"):
        _trace(pm)
    return pm


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
class Registered:
    """A scorer and the plugin that registered it."""

    scorer: Scorer
    plugin: str
    version: str


def plugin_version(pm: pluggy.PluginManager, plugin: object) -> tuple[str, str]:
    """(distribution or module name, version) of a registered plugin."""
    for p, dist in pm.list_plugin_distinfo():
        if p is plugin:
            return dist.project_name, dist.version
    return pm.get_name(plugin) or repr(plugin), _own_version()


def _own_version() -> str:
    try:
        return metadata.version("emuscore")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class Registry:
    """What the plugins provide, collected through the `register_*` hooks."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.scorers: dict[str, Registered] = {}
        for impl in pm.hook.register_scorers.get_hookimpls():
            plugin, version = plugin_version(pm, impl.plugin)
            impl.function(register=functools.partial(self._add_scorer, plugin, version))

    def _add_scorer(self, plugin: str, version: str, scorer: Scorer) -> None:
        if not isinstance(scorer, Scorer):
            raise PluginError(f"plugin {plugin} {version} registered {scorer!r}, which is not "
                              "an emuscore.scoring.Scorer")
        if scorer.name in self.scorers:
            other = self.scorers[scorer.name]
            raise PluginError(f"scorer '{scorer.name}' is registered by both {other.plugin} "
                              f"and {plugin}; uninstall one or disable it with "
                              "EMUSCORE_DISABLE_PLUGINS")
        self.scorers[scorer.name] = Registered(scorer, plugin, version)

    def __iter__(self) -> Iterator[Registered]:
        return iter(self.scorers.values())


@functools.cache
def default_registry() -> Registry:
    return Registry(get_plugin_manager())
