"""How a path finds its format: the registered loader that reads it, the registered
writer for its suffix, each failure named by plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emuscore.dataset import Dataset
from emuscore.io.atomic import write_atomically
from emuscore.io.reading import Reading, check_declared, refuse, unit_place
from emuscore.manager import Registry
from emuscore.problems import DataError, EmuscoreError, Problem
from emuscore.result import Result


def load_data(path: Path, encoding: str, registry: Registry,
              reading: Reading | None = None) -> Dataset:
    """The year's data, read by the most recently registered loader that accepts `path`,
    under the ruleset's declarations (`reading`) when given."""
    for found in reversed(list(registry.loaders.values())):
        if found.item.accepts(path):
            loader = found.item
            with found.blame(f"loader {loader.name} failed on {path}"):
                if reading is None:
                    return loader.load(path, encoding)
                if loader.read is not None:
                    return loader.read(path, reading)
                data = loader.load(path, reading.encoding)
            data, problems = check_declared(data, reading, unit_place(data, reading))
            refuse(problems)
            return data
    if not path.exists():
        raise DataError(Problem("no such data file or folder", str(path)))
    known = "; ".join(f"{r.item.name}: {r.item.description}" for r in registry.loaders.values())
    raise DataError(Problem(f"no installed loader reads this ({known})", str(path)))


def writer_for(path: Path, registry: Registry) -> Callable[[Result], str | bytes]:
    """The registered writer for the file's suffix, its failures named by plugin."""
    found = registry.writers.get(path.suffix.lower())
    if found is None:
        raise EmuscoreError(f"{path}: unknown output format '{path.suffix}'; use "
                            f"{' or '.join(registry.writers)}")

    def write(result: Result) -> str | bytes:
        with found.blame(f"writer {found.item.name} failed on {path}"):
            return found.item.write(result)

    return write


def write_results(result: Result, path: Path, registry: Registry) -> None:
    """Write with the registered writer for the file's suffix; the file appears complete
    or not at all."""
    write_atomically(path, writer_for(path, registry)(result))
