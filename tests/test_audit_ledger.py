"""The ledger: append-only, hash-chained; verify catches an edited, removed or reordered entry
and an edited record file, trusting nothing in the SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import edit_record_file
from emuscore.audit import ledger
from emuscore.cli import main
from emuscore.problems import EmuscoreError
from test_audit_replay import MEASURES, scored


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A ledger with three records (the second and third after objections)."""
    records = [scored(tmp_path, MEASURES.replace("2,a,6.9", f"2,a,{a}"), name=f"run{k}.json")
               for k, a in enumerate(("6.9", "7.1", "7.5"), 1)]
    for record in records:
        out = CliRunner().invoke(main, ["ledger", "add", str(record)])
        assert out.exit_code == 0, out.output
    return tmp_path / "ledger.sqlite", records


def sql(path: Path, *statements: str) -> None:
    """What a forger with the sqlite3 shell does: drop the triggers, then edit."""
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("DROP TRIGGER entries_append_only_update")
        db.execute("DROP TRIGGER entries_append_only_delete")
        for s in statements:
            db.execute(s)


def problems(path: Path, head: str | None = None) -> str:
    return "\n".join(ledger.verify(path, head))


def test_a_clean_ledger_verifies_and_logs_its_entries(published):
    path, _ = published
    out = CliRunner().invoke(main, ["ledger", "verify", "--ledger", str(path)])
    assert out.exit_code == 0
    assert out.output == f"ok: 3 entries, head {ledger.head_of(path)}\n"
    log = CliRunner().invoke(main, ["ledger", "log", "--ledger", str(path)]).output.splitlines()
    assert [line.split()[-1] for line in log[:3]] == ["run1.json", "run2.json", "run3.json"]
    assert log[3] == f"head {ledger.head_of(path)}"
    entries = ledger.entries(path)
    assert entries[0].prev_hash == ledger.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]


def test_the_triggers_refuse_update_and_delete(published):
    path, _ = published
    with closing(sqlite3.connect(path)) as db:
        for statement in ("UPDATE entries SET ruleset = 'x'", "DELETE FROM entries WHERE seq = 2"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(statement)


def test_adding_the_same_record_twice_is_refused(published):
    path, records = published
    with pytest.raises(EmuscoreError, match="already entry 2"):
        ledger.add(path, records[1])


def test_an_edited_entry_is_detected(published):
    path, _ = published
    sql(path, "UPDATE entries SET ruleset = 't 2' WHERE seq = 2")
    assert "entry 2 was edited" in problems(path)


def test_an_entry_pointed_at_another_record_is_detected(published):
    path, _ = published
    sql(path, "UPDATE entries SET path = 'run3.json' WHERE seq = 2")
    found = problems(path)
    assert "entry 2 was edited" in found


def test_a_removed_entry_is_detected(published):
    path, _ = published
    sql(path, "DELETE FROM entries WHERE seq = 2")
    found = problems(path)
    assert "entry 3 is where entry 2 should be" in found
    assert "entry 3 does not follow the entry before it" in found


def test_reordered_entries_are_detected(published):
    path, _ = published
    sql(path, "UPDATE entries SET seq = 99 WHERE seq = 2", "UPDATE entries SET seq = 2 WHERE seq = 3",
        "UPDATE entries SET seq = 3 WHERE seq = 99")
    found = problems(path)
    assert "entry 2 was edited" in found and "entry 3 was edited" in found
    assert "does not follow the entry before it" in found


def test_a_rehashed_forgery_still_breaks_the_chain(published):
    """A forger who recomputes the edited entry's own hash breaks the next entry's link."""
    path, _ = published
    e = ledger.entries(path)[1]
    forged = ledger.entry_hash(e.seq, e.added, e.path, e.record_digest, e.file_sha256, "t 9",
                               e.prev_hash)
    sql(path, f"UPDATE entries SET ruleset = 't 9', entry_hash = '{forged}' WHERE seq = 2")
    found = problems(path)
    assert "entry 2 was edited" not in found
    assert "entry 3 does not follow the entry before it" in found


def test_removing_the_last_entry_shows_only_against_the_published_head(published):
    path, _ = published
    head = ledger.head_of(path)
    sql(path, "DELETE FROM entries WHERE seq = 3")
    assert problems(path) == ""
    assert f"not at the published head {head}" in problems(path, head)
    out = CliRunner().invoke(main, ["ledger", "verify", "--ledger", str(path), "--head", head])
    assert out.exit_code == 1 and "published head" in out.output


def test_an_edited_record_file_is_detected(published):
    path, records = published
    edit_record_file(records[0], "data", "6.90", "6.95")
    found = problems(path)
    assert f"entry 1: the record file {records[0]} changed since it was added" in found


def test_a_record_file_swapped_for_another_is_detected(published):
    path, records = published
    records[0].write_bytes(records[1].read_bytes())
    assert "entry 1: the record file" in problems(path)


def test_a_missing_record_file_is_detected(published):
    path, records = published
    records[2].unlink()
    assert f"entry 3: the record file {records[2]} is gone" in problems(path)
    out = CliRunner().invoke(main, ["ledger", "verify", "--ledger", str(path)])
    assert out.exit_code == 1


def test_an_edited_record_cannot_be_added(tmp_path):
    record = scored(tmp_path)
    edit_record_file(record, "data", "7.25", "8.25")
    out = CliRunner().invoke(main, ["ledger", "add", str(record)])
    assert out.exit_code == 1 and "edited after it was written" in out.output
    assert not (tmp_path / "ledger.sqlite").exists()


def test_log_without_a_ledger_says_how_to_start_one(tmp_path):
    out = CliRunner().invoke(main, ["ledger", "log", "--ledger", str(tmp_path / "none.sqlite")])
    assert out.exit_code == 1 and "emuscore ledger add RECORD" in out.output


def test_records_added_at_once_each_get_their_own_entry(tmp_path):
    import threading
    records = [scored(tmp_path, MEASURES.replace("2,a,6.9", f"2,a,{a}"), name=f"r{k}.json")
               for k, a in enumerate(("6.1", "6.2", "6.3", "6.4"))]
    path = tmp_path / "ledger.sqlite"
    ledger.add(path, records[0])
    threads = [threading.Thread(target=ledger.add, args=(path, r)) for r in records[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e.seq for e in ledger.entries(path)] == [1, 2, 3, 4]
    assert ledger.verify(path) == []


# --- all or nothing ------------------------------------------------------------------

class FailAtCommit(sqlite3.Connection):
    """A connection whose COMMIT fails as on a full disk: every statement of the add has
    run, the entry is inserted, nothing is committed."""

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)  # type: ignore[arg-type]


def failing_at_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    monkeypatch.setattr(sqlite3, "connect", partial(sqlite3.connect, factory=FailAtCommit))


def folder_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_a_failed_first_add_leaves_no_ledger(tmp_path, monkeypatch):
    """A new ledger is made in a temporary file, put in place only once complete: a failure
    leaves neither the ledger (not even its empty tables) nor the temporary file."""
    record = scored(tmp_path)
    before = folder_files(tmp_path)
    failing_at_commit(monkeypatch)
    out = CliRunner().invoke(main, ["ledger", "add", str(record)])
    assert out.exit_code == 1
    assert out.output == (f"error: {tmp_path / 'ledger.sqlite'}: the disk is full; free some "
                          "space and run again; the ledger was not changed\n")
    assert folder_files(tmp_path) == before


def test_a_failed_add_leaves_the_ledger_byte_identical(published, monkeypatch):
    path, _ = published
    record = scored(path.parent, MEASURES.replace("2,a,6.9", "2,a,8.0"), name="run4.json")
    before, files = path.read_bytes(), folder_files(path.parent)
    failing_at_commit(monkeypatch)
    out = CliRunner().invoke(main, ["ledger", "add", str(record)])
    assert out.exit_code == 1 and "the disk is full" in out.output
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert folder_files(path.parent) == files           # no journal or temporary left
    assert ledger.verify(path) == [] and len(ledger.entries(path)) == 3
    assert path.read_bytes() == before


KILLED_AT_COMMIT = """
import os, signal, sqlite3, sys
from functools import partial
from pathlib import Path

class KillAtCommit(sqlite3.Connection):
    def execute(self, sql, *args):
        if sql == "COMMIT":
            os.kill(os.getpid(), signal.SIGKILL)
        return super().execute(sql, *args)

sqlite3.connect = partial(sqlite3.connect, factory=KillAtCommit)
from emuscore.audit import ledger
ledger.add(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def killed_at_commit(path: Path, record: Path) -> None:
    """`ledger add` in a real process, SIGKILLed when the entry is inserted and about to be
    committed (the one moment nothing can clean up after)."""
    import signal
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", KILLED_AT_COMMIT, str(path), str(record)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr


def test_a_killed_add_leaves_the_ledger_as_it_was(published):
    path, _ = published
    record = scored(path.parent, MEASURES.replace("2,a,6.9", "2,a,8.0"), name="run4.json")
    before, head = path.read_bytes(), ledger.head_of(path)
    killed_at_commit(path, record)
    assert path.read_bytes() == before
    out = CliRunner().invoke(main, ["ledger", "verify", "--ledger", str(path), "--head", head])
    assert out.exit_code == 0, out.output
    assert out.output == f"ok: 3 entries, head {head}\n"
    assert path.read_bytes() == before
    ledger.add(path, record)                  # and the next add is entry 4
    assert [e.seq for e in ledger.entries(path)] == [1, 2, 3, 4]
    assert ledger.verify(path) == []
    assert not (path.parent / "ledger.sqlite-journal").exists()    # SQLite's, gone with it


def test_a_killed_first_add_leaves_no_ledger_and_the_next_add_tidies_up(tmp_path):
    record = scored(tmp_path)
    path = tmp_path / "ledger.sqlite"
    killed_at_commit(path, record)
    assert not path.exists()
    left = [name for name in folder_files(tmp_path) if name.startswith(".ledger.sqlite.emuscore-")]
    assert len(left) == 1 and left[0].endswith(".tmp")     # SIGKILL cannot be caught
    out = CliRunner().invoke(main, ["ledger", "add", str(record)])
    assert out.exit_code == 0, out.output
    assert not any(name.startswith(".ledger.sqlite") for name in folder_files(tmp_path))
    assert ledger.verify(path) == [] and len(ledger.entries(path)) == 1


def test_records_added_at_once_to_a_ledger_not_yet_made_each_get_their_own_entry(tmp_path):
    """Two first adds race to make the ledger: the one that finishes second finds it made
    and adds its entry to it (a hard link never replaces a ledger)."""
    import threading
    records = [scored(tmp_path, MEASURES.replace("2,a,6.9", f"2,a,{a}"), name=f"r{k}.json")
               for k, a in enumerate(("6.1", "6.2", "6.3", "6.4"))]
    path = tmp_path / "ledger.sqlite"
    threads = [threading.Thread(target=ledger.add, args=(path, r)) for r in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e.seq for e in ledger.entries(path)] == [1, 2, 3, 4]
    assert sorted(e.path for e in ledger.entries(path)) == [f"r{k}.json" for k in range(4)]
    assert ledger.verify(path) == []
    assert not any(name.startswith(".ledger") for name in folder_files(tmp_path))


def test_a_new_ledger_gets_the_permissions_of_any_new_file(tmp_path):
    record = scored(tmp_path)
    ledger.add(tmp_path / "ledger.sqlite", record)
    plain = tmp_path / "plain"
    plain.write_text("", encoding="utf-8")
    assert (tmp_path / "ledger.sqlite").stat().st_mode == plain.stat().st_mode
