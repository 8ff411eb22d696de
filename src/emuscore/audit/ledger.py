"""The ledger: published run records chained by hash in one SQLite file.

Each entry holds the record's path, its record digest, the SHA-256 of the file's bytes,
the ruleset it scored, when it was added, and `prev_hash`, the previous entry's hash;
its own `entry_hash` is SHA-256 over all of these. Triggers refuse UPDATE and DELETE,
but `verify` trusts nothing in the file: it recomputes every hash, follows the chain,
re-hashes every record file, and can compare the head with a published one (removing
the last entries leaves a valid shorter chain; only a head kept elsewhere shows it).

`add` is all or nothing: the ledger path is checked like any output first (never the
record, nor a link to it); a new ledger is built in a temporary file beside it and put in
place only once its first entry is committed; an entry is added to an existing ledger in
one transaction (SQLite's journal undoes a half-made one, even after SIGKILL).
"""

from __future__ import annotations

import datetime
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

if TYPE_CHECKING:
    from emuscore.manager import Registry

from emuscore.audit.record import canonical, load_record, sha256
from emuscore.i18n import _
from emuscore.io.atomic import cannot_write, discard, sync_folder, temporary
from emuscore.problems import EmuscoreError, Problem

LOCK_WAIT = 5.0
"""Seconds to wait for another program's lock on the ledger before saying it is in use."""

GENESIS = "0" * 64
"""The prev_hash of the first entry."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    added TEXT NOT NULL,
    path TEXT NOT NULL,
    record_digest TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    ruleset TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'the emuscore ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'the emuscore ledger is append-only'); END;
"""
COLUMNS = "seq, added, path, record_digest, file_sha256, ruleset, prev_hash, entry_hash"


@frozen
class Entry:
    seq: int
    added: str
    path: str
    """The record file, relative to the ledger's folder when it lies under it."""
    record_digest: str
    file_sha256: str
    ruleset: str
    prev_hash: str
    entry_hash: str

    def expected_hash(self) -> str:
        return entry_hash(self.seq, self.added, self.path, self.record_digest,
                          self.file_sha256, self.ruleset, self.prev_hash)


def entry_hash(seq: int, added: str, path: str, record_digest: str, file_sha256: str,
               ruleset: str, prev_hash: str) -> str:
    return sha256(canonical([prev_hash, seq, added, path, record_digest, file_sha256, ruleset]))


def default_ledger(record: str | Path | None = None) -> Path:
    """ledger.sqlite beside the record, or in the current folder."""
    return (Path(record).parent if record else Path(".")) / "ledger.sqlite"


@contextmanager
def _connect(ledger: Path, create: bool) -> Iterator[sqlite3.Connection]:
    """An open ledger: an emuscore ledger, or an empty SQLite file when `create`."""
    if not create and not ledger.exists():
        raise EmuscoreError(Problem("no ledger here; add a record first with "
                                    "`emuscore ledger add RECORD`", str(ledger)))
    if ledger.exists() and not ledger.is_file():
        raise EmuscoreError(Problem(_("not a regular file (a folder, a device or a pipe); a "
                                      "ledger is one SQLite file, e.g. ledger.sqlite"), str(ledger)))
    if create and not ledger.parent.is_dir():
        raise EmuscoreError(Problem(_("the folder {folder} does not exist; create it or give "
                                      "--ledger elsewhere").format(folder=ledger.parent),
                                    str(ledger)))
    try:
        with closing(sqlite3.connect(ledger, isolation_level=None, timeout=LOCK_WAIT)) as db:
            _check_is_ledger(db, ledger)
            yield db
    except sqlite3.DatabaseError as e:
        raise _unusable(e, ledger) from None


def _unusable(e: sqlite3.DatabaseError, ledger: Path) -> EmuscoreError:
    """What to do when SQLite refuses the ledger, naming it."""
    if isinstance(e, sqlite3.OperationalError):
        if "locked" in str(e) or "busy" in str(e):
            return EmuscoreError(Problem(_("the ledger is in use by another program (database is "
                                           "locked); try again when it has finished"), str(ledger)))
        if "unable to open" in str(e) or "readonly" in str(e):
            return EmuscoreError(Problem(_("cannot open the ledger for writing: check that the "
                                           "folder exists and that you may write in it"),
                                         str(ledger)))
        if "disk is full" in str(e):
            return EmuscoreError(Problem(_("the disk is full; free some space and run again; "
                                           "the ledger was not changed"), str(ledger)))
    return EmuscoreError(Problem(f"not a readable ledger: {e}", str(ledger)))


def _check_is_ledger(db: sqlite3.Connection, ledger: Path) -> None:
    """Refuse a SQLite file that is some other program's: a ledger holds the entries table
    (with exactly its columns) and nothing else of its own, or nothing at all yet."""
    tables = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()}
    if not tables:
        return
    columns = [row[1] for row in db.execute("PRAGMA table_info(entries)").fetchall()]
    if set(tables) != {"entries"} or columns != [c.strip() for c in COLUMNS.split(",")]:
        raise EmuscoreError(Problem(_("a SQLite file that is not an emuscore ledger (tables: "
                                      "{tables}); give another --ledger file").format(
            tables=", ".join(sorted(tables))[:200]), str(ledger)))


def entries(ledger: Path) -> list[Entry]:
    """Every entry in the order of its sequence number (as stored; not verified)."""
    with _connect(ledger, create=False) as db:
        rows = db.execute(f"SELECT {COLUMNS} FROM entries ORDER BY seq").fetchall()
    names = [c.strip() for c in COLUMNS.split(",")]
    for position, row in enumerate(rows, 1):
        for name, value in zip(names, row, strict=True):
            if type(value) is not (int if name == "seq" else str):
                shown = "NULL" if value is None else type(value).__name__.replace(
                    "bytes", "BLOB").replace("float", "a real number")
                raise EmuscoreError(Problem(_("unusable: entry {n} (row {position}) has {value} "
                                              "in {column}, where emuscore writes {kind}; the "
                                              "ledger was changed by another program").format(
                    n=row[0], position=position, value=shown, column=name,
                    kind=_("a whole number") if name == "seq" else _("text")), str(ledger)))
    return [Entry(*row) for row in rows]


def _stored_path(ledger: Path, record: Path) -> str:
    absolute, base = record.resolve(), ledger.resolve().parent
    return os.path.relpath(absolute, base) if absolute.is_relative_to(base) else str(absolute)


def _file_of(ledger: Path, entry: Entry) -> Path:
    path = Path(entry.path)
    return path if path.is_absolute() else ledger.resolve().parent / path


def add(ledger: Path, record_path: Path, replay_on: Registry | None = None) -> Entry:
    """Append a checked record to the ledger: whole and untouched (`record.load_record`)
    and, given `replay_on` (the plugins installed), replayed identical on them. All or
    nothing (see the module's docstring)."""
    from emuscore.io.outputs import Outputs

    # before any work: the ledger may not be the record, nor a link to it, nor a folder,
    # a device or a pipe, nor in a missing or read-only folder (emuscore.io.outputs)
    Outputs([record_path]).file(ledger, "--ledger")
    record = load_record(record_path)
    _check_is_ledger_file(ledger)
    if replay_on is not None:
        from emuscore.audit.replay import replay

        outcome = replay(record, replay_on)
        if not outcome.identical:
            raise EmuscoreError(Problem(_("replayed on the plugins installed here, it does not "
                                          "give its recorded results (`emuscore replay` shows "
                                          "what differs); add it with --no-replay only if you "
                                          "know why"), str(record_path)))
    digest = record["digests"]["record"]
    file_hash = sha256(record_path.read_bytes())
    ruleset = f"{record['ruleset']['id']} {record['ruleset']['version']}"
    added = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    path = _stored_path(ledger, record_path)

    def append(db: sqlite3.Connection) -> Entry:
        """The new entry, inserted in `db`'s open transaction, after the checks that need
        the ledger's entries."""
        same = db.execute("SELECT seq FROM entries WHERE record_digest = ?", (digest,)).fetchone()
        if same:
            raise EmuscoreError(Problem(f"this record is already entry {same[0]} of the ledger",
                                        str(record_path)))
        proposal = _proposal_of(record)
        if proposal and not db.execute("SELECT seq FROM entries WHERE record_digest = ?",
                                       (proposal,)).fetchone():
            raise EmuscoreError(Problem(_(
                "this final record comes from proposal {digest}, which is not in the ledger; add "
                "the proposal record first, so the ledger chains proposal -> final").format(
                    digest=proposal), str(record_path)))
        last = db.execute("SELECT seq, entry_hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = Entry(seq, added, path, digest, file_hash, ruleset, prev,
                      entry_hash(seq, added, path, digest, file_hash, ruleset, prev))
        db.execute(f"INSERT INTO entries ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry.seq, entry.added, entry.path, entry.record_digest, entry.file_sha256,
                    entry.ruleset, entry.prev_hash, entry.entry_hash))
        return entry

    if not ledger.exists():
        created = _create(ledger, append)
        if created is not None:
            return created
    with _connect(ledger, create=True) as db:
        return _in_one_transaction(db, append)


def _in_one_transaction(db: sqlite3.Connection,
                        append: Callable[[sqlite3.Connection], Entry]) -> Entry:
    """`append` and the tables it needs (on an empty file) in one transaction, committed
    only if all of it succeeds: a failure, a signal or a kill leaves the ledger as it was.
    BEGIN IMMEDIATE: one writer at a time, so no two entries get one seq."""
    try:
        db.executescript("BEGIN IMMEDIATE;\n" + SCHEMA)   # it would commit an open transaction
        entry = append(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise
    return entry


def _create(ledger: Path, append: Callable[[sqlite3.Connection], Entry]) -> Entry | None:
    """A new ledger with its first entry, built in a temporary file beside it and linked
    into place only when complete; None if another program made the ledger meanwhile (the
    entry is then added to that one)."""
    target = Path(os.path.realpath(ledger))     # through a symlink to a ledger not made yet
    fd, tmp = temporary(target)
    os.close(fd)
    try:
        try:
            with closing(sqlite3.connect(tmp, isolation_level=None)) as db:
                db.execute("PRAGMA journal_mode = MEMORY")  # no journal file beside the temporary
                entry = _in_one_transaction(db, append)
        except sqlite3.DatabaseError as e:
            raise _unusable(e, ledger) from None
        placed = _put_in_place(tmp, target)
    except BaseException as e:
        discard(tmp)
        if isinstance(e, OSError):
            raise cannot_write(ledger, e) from None
        raise
    discard(tmp)            # the ledger's other name (a hard link) once linked, or unused
    if not placed:
        return None
    sync_folder(target)
    return entry


def _put_in_place(tmp: Path, target: Path) -> bool:
    """Give the finished temporary file the ledger's name, unless that name was taken
    meanwhile (False): a hard link fails rather than replace a ledger another `ledger add`
    has just made. Where the file system has no hard links, a rename."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        return False
    except OSError:
        if os.path.lexists(target):
            return False
        os.replace(tmp, target)
    return True


def _check_is_ledger_file(ledger: Path) -> None:
    """Before any work: the ledger file, if it exists, is an emuscore ledger."""
    if ledger.exists():
        with _connect(ledger, create=False):
            pass


def verify(ledger: Path, head: str | None = None) -> list[str]:
    """Every problem found: edited, removed or reordered entries, record files changed or
    gone, and a head that differs from the published `head`. Empty when all is well."""
    problems = []
    prev = GENESIS
    listed = entries(ledger)
    for position, entry in enumerate(listed, 1):
        if entry.seq != position:
            problems.append(f"entry {entry.seq} is where entry {position} should be: entries "
                            "were removed or renumbered")
        if entry.expected_hash() != entry.entry_hash:
            problems.append(f"entry {entry.seq} was edited: its content no longer gives its hash")
        if entry.prev_hash != prev:
            problems.append(f"entry {entry.seq} does not follow the entry before it: entries were "
                            "removed, inserted or reordered")
        problems.extend(_check_file(ledger, entry))
        prev = entry.entry_hash
    if head is not None and prev != head:
        problems.append(f"the ledger ends at {prev}, not at the published head {head}: entries "
                        "were removed from or added to its end")
    return problems


def _check_file(ledger: Path, entry: Entry) -> list[str]:
    path = _file_of(ledger, entry)
    try:
        data = path.read_bytes()
    except OSError:
        return [f"entry {entry.seq}: the record file {path} is gone"]
    if sha256(data) != entry.file_sha256:
        return [f"entry {entry.seq}: the record file {path} changed since it was added"]
    try:
        record = load_record(path)
    except EmuscoreError as e:
        return [f"entry {entry.seq}: {p}" for p in e.problems]
    if record["digests"]["record"] != entry.record_digest:
        return [f"entry {entry.seq}: the record file {path} is not the record that was added"]
    return []


def _proposal_of(record: Mapping[str, Any]) -> str | None:
    council = record.get("council")
    if not isinstance(council, dict) or not isinstance(council.get("proposal"), dict):
        return None
    digest = council["proposal"].get("record")
    return digest if isinstance(digest, str) else None


def paths(ledger: Path) -> dict[int, int]:
    """Final record entry -> the entry of the proposal it came from (read from the record
    files; an entry whose file is gone or unreadable links to nothing: `verify` says why)."""
    listed = entries(ledger)
    seq_of = {e.record_digest: e.seq for e in listed}
    out = {}
    for e in listed:
        try:
            proposal = _proposal_of(load_record(_file_of(ledger, e)))
        except EmuscoreError:
            continue
        if proposal in seq_of:
            out[e.seq] = seq_of[proposal]
    return out


def head_of(ledger: Path) -> str:
    listed = entries(ledger)
    return listed[-1].entry_hash if listed else GENESIS
