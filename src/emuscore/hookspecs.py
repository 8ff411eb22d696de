"""The plugin contract: every hook emuscore calls, with what it gets and may return.

A plugin is a module or object with functions marked `@hookimpl`; a sector package
exposes it through the `emuscore` entry-point group. Hooks hand the plugin a
`register` callback, so one plugin may register many things.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from emuscore.scoring import Scorer

hookspec = pluggy.HookspecMarker("emuscore")
hookimpl = pluggy.HookimplMarker("emuscore")


@hookspec
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Called once when the plugin manager is built. Call ``register(scorer)`` for each
    `emuscore.scoring.Scorer` instance the plugin provides; its ``name`` is what a
    ruleset's ``scorer = "..."`` names. Two plugins registering one name is an error."""
