"""A time limit on plugin code: `EMUSCORE_PLUGIN_TIMEOUT` seconds (default 300) for one
plugin scorer's `score`, after which the run stops with a message naming the plugin.

Two ways, the same limit and the same message (`limited`):

- in the main thread on Unix, SIGALRM (`signal.setitimer`) raises `TimedOut` inside the
  plugin's code, which stops it;
- elsewhere (criteria scored on other cores, and Windows, which has no SIGALRM) the
  plugin's code runs in a daemon thread of its own, and the thread that called waits for
  it at most that long. Python cannot stop a thread, so a stuck one is left behind; being
  a daemon, it does not keep the process from exiting once the error has been reported.

Criteria scored in parallel run on `DaemonPool`, not `concurrent.futures`: its threads
are joined when the interpreter exits, so a stuck plugin, or a signal while one runs,
would hang the process after its error was printed. Built-in scorers have no limit; 0
turns the limit off.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

from emuscore.i18n import _
from emuscore.problems import EmuscoreError

DEFAULT_SECONDS = 300.0

T = TypeVar("T")


class TimedOut(Exception):
    """Raised inside plugin code when its time is up (SIGALRM), or in the thread that
    waited for it (the other threads)."""


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


def _alarm_usable() -> bool:
    """SIGALRM can interrupt code here: Unix, and the main thread (where Python runs
    signal handlers)."""
    return (hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimedOut inside the block once `seconds` have passed (0: no limit). Only
    where SIGALRM is usable (`_alarm_usable`); elsewhere it sets no limit: use `limited`."""
    if not (seconds > 0 and _alarm_usable()):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


WAIT_SLICE = 0.25
"""Seconds the waiting thread sleeps at a time, so that Ctrl-C is seen (on Windows a
lock's wait is not interrupted by it)."""


def limited(call: Callable[[], T], seconds: float) -> T:
    """`call()`, raising TimedOut if it takes longer than `seconds` (0: no limit), in
    whichever thread this runs: SIGALRM in the main thread on Unix, else a daemon thread
    waited for (see the module's docstring)."""
    if seconds <= 0:
        return call()
    if _alarm_usable():
        with time_limit(seconds):
            return call()
    finished = threading.Event()
    value: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            value.append(call())
        except BaseException as e:      # handed to the waiting thread as it is
            error.append(e)
        finally:
            finished.set()

    threading.Thread(target=run, name="emuscore-plugin", daemon=True).start()
    end = time.monotonic() + seconds
    while not finished.wait(min(max(end - time.monotonic(), 0.0), WAIT_SLICE)):
        if time.monotonic() >= end:
            raise TimedOut
    if error:
        raise error[0]
    return value[0]


class DaemonPool:
    """Run calls on a few daemon threads; `submit` gives a `Future`. Unlike
    concurrent.futures' pool, nothing joins these threads at exit, and `stop` drops the
    calls not yet started without waiting for those running."""

    def __init__(self, workers: int) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = \
            queue.SimpleQueue()
        self._stopped = False
        self._workers = [threading.Thread(target=self._work, name="emuscore-score", daemon=True)
                         for _ in range(max(1, workers))]
        for worker in self._workers:
            worker.start()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((future, call))
        return future

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            future, call = job
            if self._stopped:
                future.cancel()
                continue
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as e:      # handed to the waiting thread as it is
                future.set_exception(e)

    def stop(self) -> None:
        """No further call starts; the threads end once their current call returns."""
        self._stopped = True
        for _worker in self._workers:
            self._jobs.put(None)
