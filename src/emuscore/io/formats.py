"""What a data loader and a result writer are, and how a path finds its format.

Both are registered through hooks (`register_loaders`, `register_writers`); the
built-in CSV loader and CSV/JSON writers are plugins like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from emuscore.problems import DataError, EmuscoreError, Problem

if TYPE_CHECKING:
    from emuscore.dataset import Dataset
    from emuscore.engine import Result
    from emuscore.plugins import Registry


@frozen
class Loader:
    """Reads one year's data in one format into a `Dataset`.

    `accepts(path)` says whether this loader reads the path (by suffix, or by what a
    folder holds); `load(path, encoding)` reads it, raising `DataError` with the file
    and line for anything wrong in the data."""

    name: str
    accepts: Callable[[Path], bool]
    load: Callable[[Path, str], Dataset]
    description: str = ""


@frozen
class Writer:
    """Writes results in one format: `write(result)` returns the whole file's content
    (text, or bytes for a binary format); emuscore writes it atomically."""

    name: str
    suffix: str
    write: Callable[[Result], str | bytes]
    description: str = ""


def load_data(path: Path, encoding: str, registry: Registry | None = None) -> Dataset:
    """The year's data, read by the most recently registered loader that accepts `path`."""
    from emuscore.plugins import default_registry

    registry = registry or default_registry()
    for found in reversed(list(registry.loaders.values())):
        if found.item.accepts(path):
            with found.blame(f"loader {found.item.name} failed on {path}"):
                return found.item.load(path, encoding)
    if not path.exists():
        raise DataError(Problem("no such data file or folder", str(path)))
    known = "; ".join(f"{r.item.name}: {r.item.description}" for r in registry.loaders.values())
    raise DataError(Problem(f"no installed loader reads this ({known})", str(path)))


def writer_for(path: Path, registry: Registry | None = None) -> Callable[[Result], str | bytes]:
    """The registered writer for the file's suffix, its failures named by plugin."""
    from emuscore.plugins import default_registry

    registry = registry or default_registry()
    found = registry.writers.get(path.suffix.lower())
    if found is None:
        raise EmuscoreError(f"{path}: unknown output format '{path.suffix}'; use "
                            f"{' or '.join(registry.writers)}")

    def write(result: Result) -> str | bytes:
        with found.blame(f"writer {found.item.name} failed on {path}"):
            return found.item.write(result)

    return write
