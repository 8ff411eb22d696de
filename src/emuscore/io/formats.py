"""What a data loader and a result writer are: two of the plugin contracts.

Both are registered through hooks (`register_loaders`, `register_writers`); the
built-in CSV loader and CSV/JSON writers are plugins like any other. How a path finds
its loader or writer is `emuscore.io.dispatch`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from emuscore.dataset import Dataset
    from emuscore.io.reading import Reading
    from emuscore.result import Result


@frozen
class Loader:
    """Reads one year's data in one format into a `Dataset`.

    `accepts(path)` says whether this loader reads the path (by suffix, or by what a
    folder holds); `load(path, encoding)` reads it, raising `DataError` with the file
    and line for anything wrong in the data.

    `read(path, reading)`, if given, is used instead of `load` when a ruleset is known:
    `reading` (`emuscore.io.reading.Reading`) carries the ruleset's `[data]` and
    `[indicators]` declarations (number and date conventions, headers, kinds, ranges),
    and the loader reports every problem at once. Data from a loader without it is
    checked against the declared indicators after `load`."""

    name: str
    accepts: Callable[[Path], bool]
    load: Callable[[Path, str], Dataset]
    description: str = ""
    read: Callable[[Path, Reading], Dataset] | None = None
    reads: Callable[[Path], Sequence[Path]] | None = None
    """The files `load(path)` reads, so that no output of the run may overwrite them; by
    default the path itself and, for a folder, every file in it."""


@frozen
class Writer:
    """Writes results in one format: `write(result)` returns the whole file's content
    (text, or bytes for a binary format); emuscore writes it atomically."""

    name: str
    suffix: str
    write: Callable[[Result], str | bytes]
    description: str = ""
