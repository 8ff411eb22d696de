"""A time limit on plugin code: `EMUSCORE_PLUGIN_TIMEOUT` seconds (default 300) for one
plugin scorer's `score`, after which it is stopped with a message naming the plugin.

Unix only, and only in the main thread (it uses SIGALRM through `signal.setitimer`):
elsewhere, and for built-in scorers, no limit is set. 0 turns the limit off.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from emuscore.i18n import _
from emuscore.problems import EmuscoreError

DEFAULT_SECONDS = 300.0


class TimedOut(Exception):
    """Raised inside plugin code when its time is up."""


def limit_seconds() -> float:
    """The configured limit (EMUSCORE_PLUGIN_TIMEOUT), 0 for none."""
    text = os.environ.get("EMUSCORE_PLUGIN_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        raise EmuscoreError(_("EMUSCORE_PLUGIN_TIMEOUT={value}: give the seconds a plugin scorer "
                              "may take, e.g. 300 (0 for no limit)").format(value=text)) from None
    if not seconds >= 0 or seconds == float("inf"):
        raise EmuscoreError(_("EMUSCORE_PLUGIN_TIMEOUT={value}: give the seconds a plugin scorer "
                              "may take, e.g. 300 (0 for no limit)").format(value=text))
    return seconds


def _expired(signum: int, frame: FrameType | None) -> None:
    raise TimedOut


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimedOut inside the block once `seconds` have passed (0: no limit)."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
