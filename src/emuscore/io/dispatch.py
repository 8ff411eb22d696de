"""How a path finds its format: the registered loader that reads it, the registered
writer for its suffix, each failure named by plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emuscore.dataset import Dataset
from emuscore.i18n import _
from emuscore.io.atomic import write_atomically
from emuscore.io.reading import Reading, check_declared, refuse, unit_place
from emuscore.manager import Registry
from emuscore.problems import DataError, EmuscoreError, PluginError, Problem
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
                    data = loader.load(path, encoding)
                elif loader.read is not None:
                    data = loader.read(path, reading)
                else:
                    data = loader.load(path, reading.encoding)
            if not isinstance(data, Dataset):
                raise PluginError(_("plugin {plugin} {version}, loader {name} returned {kind}, "
                                    "not a Dataset").format(
                    plugin=found.plugin, version=found.version, name=loader.name,
                    kind=type(data).__name__))
            if reading is not None and loader.read is None:
                data, problems = check_declared(data, reading, unit_place(data, reading))
                refuse(problems)
            return data
    if not path.exists():
        raise DataError(Problem("no such data file or folder", str(path)))
    known = "; ".join(f"{r.item.name}: {r.item.description}" for r in registry.loaders.values())
    raise DataError(Problem(f"no installed loader reads this ({known})", str(path)))


def input_files(path: Path, registry: Registry) -> list[Path]:
    """The files the loader that reads `path` will read (for `io.outputs.Outputs`): what it
    declares (`Loader.reads`), else the path and, for a folder, every file in it."""
    for found in reversed(list(registry.loaders.values())):
        if found.item.accepts(path):
            if found.item.reads is not None:
                with found.blame(f"loader {found.item.name} failed on {path}"):
                    return list(found.item.reads(path))
            break
    if path.is_dir():
        return [p for p in path.iterdir() if p.is_file()]
    return [path]


def writer_for(path: Path, registry: Registry) -> Callable[[Result], str | bytes]:
    """The registered writer for the file's suffix, its failures named by plugin."""
    found = registry.writers.get(path.suffix.lower())
    if found is None:
        raise EmuscoreError(f"{path}: unknown output format '{path.suffix}'; use "
                            f"{' or '.join(registry.writers)}")

    def write(result: Result) -> str | bytes:
        with found.blame(f"writer {found.item.name} failed on {path}"):
            content = found.item.write(result)
        if not isinstance(content, str | bytes):
            raise PluginError(_("plugin {plugin} {version}, writer {name} returned {kind}, not "
                                "the file's text or bytes").format(
                plugin=found.plugin, version=found.version, name=found.item.name,
                kind=type(content).__name__))
        return content

    return write


def write_results(result: Result, path: Path, registry: Registry) -> None:
    """Write with the registered writer for the file's suffix; the file appears complete
    or not at all."""
    write_atomically(path, writer_for(path, registry)(result))
