"""The outputs of one run: checked before any work, written all together after it.

Every command that writes files goes through one `Outputs`::

    outputs = Outputs(inputs=[ruleset_path, *input_files(data_path, registry)])
    out = outputs.file(out, "--out")           # refused now if it is an input, a folder,
    record = outputs.file(record, "--record")  # another output, or in a missing folder
    html = outputs.folder(html_dir, "--html")  # a folder of files (created if missing)
    ...the run...
    outputs.add(out, text)                     # staged in memory
    outputs.add(html / "index.html", page)     # a file inside a declared folder
    outputs.commit()                           # all appear, or none does

The promises (docs/reliability.md): no output is, or resolves to (symlinks, hard links),
an input file or another output of the same run; outputs are written only once the run has
succeeded, each to a temporary file beside it (fsync), and renamed into place only when every
one of them is staged, so either all appear or none does; the temporary files are removed
when a signal (SIGINT, SIGTERM) or an error stops the run, and a later run removes those a
killed one (SIGKILL) left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from emuscore.i18n import _
from emuscore.io.atomic import Content, cannot_write, discard, folder_of, stage, sync_folder
from emuscore.problems import EmuscoreError, Problem


class Terminated(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP received: raised like Ctrl-C so that every cleanup runs (a
    bare KeyboardInterrupt then comes from code, e.g. a plugin, not from the user)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def stopped_cleanly() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise `Terminated` inside the block, so temporary files
    are removed on the way out. Only in the main thread, where Python delivers signals."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, _raise_terminated) for s in caught}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, following symlinks: hard links share it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Outputs:
    """The files one run writes (see the module's docstring)."""

    def __init__(self, inputs: Iterable[str | Path] = ()) -> None:
        self._inputs: list[tuple[Path, tuple[int, int] | None]] = []
        self._given: dict[Path, Path] = {}       # an input's resolved path -> as given
        self._files: dict[Path, str] = {}        # resolved path -> the option that named it
        self._folders: dict[Path, str] = {}
        self._shown: dict[Path, Path] = {}       # resolved -> as the user wrote it
        self._staged: dict[Path, Content] = {}
        for path in inputs:
            self.input(path)

    def input(self, path: str | Path) -> None:
        """A file that this run reads (a loader's `input_files`, the ruleset, a record)."""
        path = Path(path)
        self._inputs.append((path.resolve(), _identity(path)))
        self._given.setdefault(path.resolve(), path)

    def file(self, path: Path | None, option: str) -> Path | None:
        """Declare an output file; refused (EmuscoreError) before any work if it is an input,
        another output, a folder, or in a folder that does not exist. None passes through."""
        if path is None:
            return None
        resolved = path.resolve()
        self._check(path, resolved, option)
        if path.is_dir():
            self._refuse(path, option, _("it is a folder; give a file name"))
        if path.exists() and not path.is_dir() and not path.is_file():
            self._refuse(path, option, _("it is not a regular file (a device or a pipe); give "
                                         "the name of a file"))
        folder = folder_of(path)
        if not folder.is_dir():
            self._refuse(path, option, _("the folder {folder} does not exist; create it or write "
                                         "elsewhere").format(folder=folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            self._refuse(path, option, _("the folder {folder} is read-only; choose another "
                                         "folder").format(folder=folder))
        self._files[resolved] = option
        self._shown[resolved] = path
        return path

    def folder(self, path: Path | None, option: str) -> Path | None:
        """Declare an output folder (files are added inside it with `add`)."""
        if path is None:
            return None
        resolved = path.resolve()
        self._check(path, resolved, option)
        if path.exists() and not path.is_dir():
            self._refuse(path, option, _("it is a file; give a folder"))
        for inp in [pair[0] for pair in self._inputs]:
            if inp.is_relative_to(resolved):
                self._refuse(path, option, _("it holds the input {input}; write elsewhere")
                             .format(input=self._given[inp]))
        self._folders[resolved] = option
        self._shown[resolved] = path
        return path

    def _check(self, path: Path, resolved: Path, option: str) -> None:
        ident = _identity(path)
        for inp, inp_ident in self._inputs:
            if resolved == inp or (ident is not None and ident == inp_ident):
                self._refuse(path, option, _("it is an input of this run ({input}); writing it "
                                             "would destroy it: choose another name")
                             .format(input=self._given[inp]))
        for other, other_option in [*self._files.items(), *self._folders.items()]:
            if resolved == other or (resolved.is_relative_to(other) and other in self._folders) \
                    or (other.is_relative_to(resolved) and resolved != other):
                self._refuse(path, option, _("it is also the output of {other}; give each output "
                                             "its own name").format(other=other_option))
            elif ident is not None and ident == _identity(other):
                self._refuse(path, option, _("it is the same file as the output of {other} (a "
                                             "link); give each output its own name")
                             .format(other=other_option))

    @staticmethod
    def _refuse(path: Path, option: str, why: str) -> None:
        raise EmuscoreError(Problem(why, str(path), where=option))

    def add(self, path: Path, content: Content) -> None:
        """The content of a declared output file, or of a file inside a declared folder."""
        resolved = path.resolve()
        if resolved not in self._files and not any(resolved.is_relative_to(f)
                                                    for f in self._folders):
            raise ValueError(f"{path} was not declared as an output of this run")
        self._staged[path] = content

    def _make(self, folder: Path, made: list[Path]) -> None:
        """Create `folder` and its missing parents, noting each one created."""
        missing = [f for f in (folder, *folder.parents) if not f.exists()]
        for f in reversed(missing):
            try:
                f.mkdir()
            except FileExistsError:
                continue
            except OSError as e:
                raise cannot_write(self._shown.get(folder.resolve(), folder), e) from None
            made.append(f)

    def commit(self) -> None:
        """Write every added file: each staged to a temporary file first; if any of them
        fails (or a signal arrives) all temporaries are removed and nothing appears; then
        all are renamed into place."""
        temporaries: list[tuple[Path, Path]] = []
        made: list[Path] = []           # folders this commit created, removed again on failure
        try:
            for resolved in self._folders:
                self._make(resolved, made)
            for path, content in self._staged.items():
                self._make(folder_of(path), made)
                temporaries.append((stage(path, content), path))
            for tmp, path in temporaries:
                try:
                    os.replace(tmp, path)
                except OSError as e:
                    raise cannot_write(path, e) from None
        except BaseException:
            for tmp, _path in temporaries:
                discard(tmp)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()      # only if empty: never what was there before
            raise
        for _tmp, path in temporaries:
            sync_folder(path)
        self._staged.clear()


__all__ = ["Outputs", "Terminated", "stopped_cleanly"]
