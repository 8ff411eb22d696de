"""A progress bar over a command's steps (loading, scoring, writing, printing), on the
terminal's stderr only: nothing when stderr is a pipe or a file, or with -q, so piped
output and logs stay clean."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import click


@contextmanager
def steps(labels: Sequence[str], quiet: bool = False) -> Iterator[Callable[[], None]]:
    """Yields `step()`, to call as each of `labels` begins; the bar shows the step's label
    and how many steps are done."""
    if quiet or not sys.stderr.isatty() or not labels:
        yield lambda: None
        return
    with click.progressbar(length=len(labels), label=labels[0], file=sys.stderr,
                           show_eta=False, show_percent=False, show_pos=True, width=24) as bar:
        started = 0

        def step() -> None:
            nonlocal started
            if started:
                bar.update(1)
            bar.label = labels[min(started, len(labels) - 1)]
            bar.render_progress()
            started += 1

        yield step
        if started:
            bar.update(1)            # the last step is done too
