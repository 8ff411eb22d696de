"""Files that appear complete or not at all.

A file is first written whole to a temporary file beside its target (same folder, so the
rename cannot cross file systems), flushed to disk, then renamed over the target. The
temporary file's name is recognisable, `.TARGET.emuscore-PID-XXXX.tmp`: a run killed
with SIGKILL (the one signal nothing can catch) leaves one behind, and a later run that
writes the same target removes it once its process is gone (`remove_stale`)."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from emuscore.i18n import _
from emuscore.problems import EmuscoreError

MARK = ".emuscore-"
SUFFIX = ".tmp"


Content = str | bytes | Iterable[bytes]
"""What a file is made of: text (written as UTF-8), bytes, or bytes made piece by piece
while they are written (a national run record)."""


def write_atomically(path: Path, text: Content) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    tmp = stage(path, text)
    try:
        os.replace(tmp, path)
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError):
            raise cannot_write(path, e) from None
        raise
    sync_folder(path)


def stage(path: Path, text: Content) -> Path:
    """The whole content in a new temporary file beside `path`, on disk (fsync): what a
    rename then puts in place. Removed again if anything (a signal included) stops it."""
    directory = folder_of(path)
    if not directory.is_dir():
        raise EmuscoreError(_("{path}: the folder {folder} does not exist; create it or "
                              "write elsewhere").format(path=path, folder=directory))
    fd, tmp = temporary(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(text, str | bytes):
                f.write(text.encode("utf-8") if isinstance(text, str) else text)
            else:
                for piece in text:
                    f.write(piece)
            f.flush()
            os.fsync(f.fileno())
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError):
            raise cannot_write(path, e) from None
        raise
    return tmp


def temporary(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside `path` (its descriptor and name), after removing
    those that runs now gone left behind; with the permissions any new file of this user
    gets (mkstemp makes it private; results and ledgers are for publishing)."""
    remove_stale(path)
    try:
        fd, name = tempfile.mkstemp(dir=folder_of(path), prefix=f".{path.name}{MARK}{os.getpid()}-",
                                    suffix=SUFFIX)
    except OSError as e:
        raise cannot_write(path, e) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
    except BaseException as e:
        os.close(fd)
        discard(Path(name))
        if isinstance(e, OSError):
            raise cannot_write(path, e) from None
        raise
    return fd, Path(name)


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def temporaries(path: Path) -> list[Path]:
    """The temporary files of `path` that are there now (this run's or a killed run's)."""
    pattern = f".{glob.escape(path.name)}{MARK}*{SUFFIX}"
    return sorted(folder_of(path).glob(pattern))


def remove_stale(path: Path) -> None:
    """Remove the temporary files of `path` left by runs whose process is gone."""
    for tmp in temporaries(path):
        pid = tmp.name[len(path.name) + 1 + len(MARK):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            discard(tmp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True         # someone else's process: not ours to judge
    return True


def discard(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def sync_folder(path: Path) -> None:
    """Make the rename itself durable (where the system lets a folder be fsynced)."""
    try:
        fd = os.open(folder_of(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def cannot_write(path: Path, e: OSError) -> EmuscoreError:
    """What the user can do when the system refuses to write `path`."""
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = _("permission denied (the folder or the file is read-only); choose another "
                "folder or ask for write access")
    elif e.errno == errno.ENOSPC or e.errno == errno.EDQUOT:
        why = _("the disk is full; free some space and run again")
    elif e.errno == errno.ENAMETOOLONG:
        why = _("the file name is too long for this system; use a shorter one")
    elif e.errno == errno.EISDIR:
        why = _("it is a folder; give a file name")
    else:
        why = _("cannot write it ({reason})").format(reason=e.strerror or e)
    return EmuscoreError(_("{path}: {why}; nothing was written").format(path=path, why=why))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
