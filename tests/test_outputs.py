"""Outputs of a run (emuscore.io.outputs): never over inputs, all or none, no temporary file
left by an error or a signal, and a killed run's leftovers removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from emuscore.cli import main
from emuscore.io import atomic, outputs
from emuscore.io.outputs import Outputs, Terminated
from emuscore.problems import EmuscoreError

BASE = Path(__file__).resolve().parent / "bad_inputs" / "base"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_all_outputs_appear_together(tmp_path):
    out = Outputs([tmp_path / "in.csv"])
    a, b = out.file(tmp_path / "a.csv", "--out"), out.file(tmp_path / "b.json", "--record")
    assert a and b
    out.add(a, "a,b\n1,2\n")
    out.add(b, b'{"x":1}\n')
    out.commit()
    assert files(tmp_path) == {"a.csv": b"a,b\n1,2\n", "b.json": b'{"x":1}\n'}


def test_when_the_second_output_cannot_be_staged_neither_appears_and_no_temporary_is_left(
        tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_text("last year\n", encoding="utf-8")
    out = Outputs()
    a, b = out.file(tmp_path / "a.csv", "--out"), out.file(tmp_path / "b.json", "--record")
    assert a and b
    out.add(a, "new\n")
    out.add(b, "new\n")
    real = outputs.stage
    calls = []

    def failing(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise EmuscoreError(f"{path}: the disk is full; nothing was written")
        return real(path, text)

    monkeypatch.setattr(outputs, "stage", failing)
    with pytest.raises(EmuscoreError, match="the disk is full"):
        out.commit()
    assert files(tmp_path) == {"a.csv": b"last year\n"}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_outputs_are_staged_removes_the_temporaries(tmp_path, monkeypatch, signum):
    out = Outputs()
    a, b = out.file(tmp_path / "a.csv", "--out"), out.file(tmp_path / "b.json", "--record")
    assert a and b
    out.add(a, "new\n")
    out.add(b, "new\n")
    real = outputs.stage
    calls = []

    def interrupted(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise Terminated(signum)     # what the handler raises when the signal arrives
        return real(path, text)

    monkeypatch.setattr(outputs, "stage", interrupted)
    with pytest.raises(KeyboardInterrupt):
        out.commit()
    assert files(tmp_path) == {}


def test_sigterm_is_raised_inside_the_guard_and_the_old_handler_comes_back():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated) as caught, outputs.stopped_cleanly():
        os.kill(os.getpid(), signal.SIGTERM)
    assert caught.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_output_may_not_be_declared_twice_through_a_hard_link(tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    os.link(tmp_path / "a.csv", tmp_path / "b.csv")
    out = Outputs()
    out.file(tmp_path / "a.csv", "--out")
    with pytest.raises(EmuscoreError, match="the same file as the output of --out"):
        out.file(tmp_path / "b.csv", "--record")


def test_an_output_folder_may_not_hold_an_input(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "units.csv").write_text("x", encoding="utf-8")
    out = Outputs([tmp_path / "d" / "units.csv"])
    with pytest.raises(EmuscoreError, match="it holds the input"):
        out.folder(tmp_path / "d", "--html")


def test_files_inside_an_output_folder_are_written_and_undeclared_ones_refused(tmp_path):
    out = Outputs()
    report = out.folder(tmp_path / "report", "--html")
    assert report
    out.add(report / "index.html", "<p>ok</p>")
    with pytest.raises(ValueError, match="not declared"):
        out.add(tmp_path / "elsewhere.html", "x")
    out.commit()
    assert files(tmp_path) == {"report/index.html": b"<p>ok</p>"}


def test_a_killed_runs_temporary_is_removed_by_the_next_run_and_the_target_is_intact(tmp_path):
    """SIGKILL cannot be caught: the temporary stays. The next run that writes the same
    target removes it (its process is gone), and the target holds the new results."""
    target = tmp_path / "results.csv"
    target.write_text("last year's results\n", encoding="utf-8")
    script = ("import os, signal, sys; from pathlib import Path; "
              "from emuscore.io.atomic import stage; "
              "stage(Path(sys.argv[1]), 'half written'); "
              "os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", script, str(target)], timeout=60)
    assert done.returncode == -signal.SIGKILL
    left = atomic.temporaries(target)
    assert len(left) == 1 and left[0].read_text(encoding="utf-8") == "half written"
    assert target.read_text(encoding="utf-8") == "last year's results\n"

    result = CliRunner().invoke(main, ["score", str(BASE / "r.toml"), str(BASE / "d"),
                                       "--out", str(target), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert atomic.temporaries(target) == []
    assert target.read_text(encoding="utf-8").startswith("unit_id,name,cluster_id,total")


def test_a_live_runs_temporary_is_left_alone(tmp_path):
    """Two runs writing one target at once: neither removes the other's temporary."""
    target = tmp_path / "results.csv"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = tmp_path / f".results.csv{atomic.MARK}{sleeper.pid}-abcd{atomic.SUFFIX}"
        theirs.write_text("theirs", encoding="utf-8")
        atomic.write_atomically(target, "ours")
        assert theirs.exists()
        assert target.read_text(encoding="utf-8") == "ours"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_score_with_a_failing_record_folder_writes_neither_output(tmp_path):
    result = CliRunner().invoke(main, ["score", str(BASE / "r.toml"), str(BASE / "d"),
                                       "--out", str(tmp_path / "results.csv"),
                                       "--record", str(tmp_path / "missing" / "run.json")])
    assert result.exit_code == 1
    assert "the folder" in result.stderr and "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unforeseen_exception_is_a_bug_report_with_exit_3_and_a_traceback_only_under_debug(
        tmp_path, monkeypatch):
    import emuscore.engine

    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'rank'")

    monkeypatch.setattr(emuscore.engine, "rank", broken)
    args = ["score", str(BASE / "r.toml"), str(BASE / "d"), "--out", str(tmp_path / "r.csv")]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 3
    assert plain.stderr.strip().splitlines() == [
        "error: AttributeError: 'NoneType' object has no attribute 'rank' (this is a bug in "
        f"emuscore {_version()}; please report it with the command and --debug output)"]
    debug = CliRunner().invoke(main, ["--debug", *args])
    assert debug.exit_code == 3 and "Traceback (most recent call last)" in debug.stderr
    assert list(tmp_path.iterdir()) == []


def _version() -> str:
    from importlib import metadata

    return metadata.version("emuscore")


class BoomCommand:
    """A plugin whose command fails with an exception of its own."""

    __version__ = "6.6.6"

    @staticmethod
    def register_commands(cli):

        @cli.command()
        def boom() -> None:
            raise ZeroDivisionError("division by zero")


def test_a_bug_inside_a_plugins_code_names_the_plugin_too(emuscore_plugins):
    from emuscore.hookspecs import hookimpl

    BoomCommand.register_commands = staticmethod(hookimpl(BoomCommand.register_commands))
    emuscore_plugins.register(BoomCommand())
    result = CliRunner().invoke(main, ["boom"])
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: ZeroDivisionError: division by zero (this is a bug in emuscore {_version()} or "
        "plugin test:BoomCommand 6.6.6; please report it with the command and --debug output)")


def test_a_read_only_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    """(As root every folder is writable, so the system's answer is stood in for.)"""
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: False)
    with pytest.raises(EmuscoreError, match=r"--out: the folder .* is read-only; choose another"):
        Outputs().file(tmp_path / "results.csv", "--out")


def test_permission_denied_on_the_temporary_file_is_one_line_and_nothing_is_left(
        tmp_path, monkeypatch):
    def refused(**kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refused)
    with pytest.raises(EmuscoreError) as caught:
        atomic.write_atomically(tmp_path / "results.csv", "x")
    assert str(caught.value) == (f"{tmp_path / 'results.csv'}: permission denied (the folder or "
                                 "the file is read-only); choose another folder or ask for write "
                                 "access; nothing was written")
    assert list(tmp_path.iterdir()) == []


def test_a_ledger_locked_by_another_program_is_one_line(tmp_path, monkeypatch):
    import sqlite3

    from emuscore.audit import ledger

    base = tmp_path / "case"
    import shutil

    shutil.copytree(BASE, base)
    runner = CliRunner()
    assert runner.invoke(main, ["score", str(base / "r.toml"), str(base / "d"), "--record",
                                str(base / "run.json"), "-q"]).exit_code == 0
    assert runner.invoke(main, ["ledger", "add", str(base / "run.json")]).exit_code == 0
    monkeypatch.setattr(ledger, "LOCK_WAIT", 0.05)
    other = sqlite3.connect(base / "ledger.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(main, ["ledger", "log", "--ledger", str(base / "ledger.sqlite")])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    assert result.stderr == (f"error: {base / 'ledger.sqlite'}: the ledger is in use by another "
                             "program (database is locked); try again when it has finished\n")


def test_a_failed_commit_removes_the_report_folder_it_created(tmp_path, monkeypatch):
    out = Outputs()
    report = out.folder(tmp_path / "reports" / "2024", "--html")
    csv_out = out.file(tmp_path / "results.csv", "--out")
    assert report and csv_out
    out.add(report / "index.html", "<p>ok</p>")
    out.add(csv_out, "x")

    def full(path, text):
        raise EmuscoreError(f"{path}: the disk is full; nothing was written")

    monkeypatch.setattr(outputs, "stage", full)
    with pytest.raises(EmuscoreError):
        out.commit()
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_stops_early_ends_the_run_quietly_not_as_a_bug():
    """`emuscore score ... | head -1`: the pipe closes under the tables; the run stops as
    Unix tools do (exit 141, SIGPIPE), with no `this is a bug` line and no traceback."""
    root = Path(__file__).parents[1]
    run = subprocess.Popen(
        [sys.executable, "-m", "emuscore", "score", str(root / "rulesets" / "lang-son-2024.toml"),
         str(root / "rulesets" / "lang-son-2024")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stderr is not None
    run.stdout.readline()
    run.stdout.close()
    stderr = run.stderr.read().decode()
    assert run.wait(timeout=120) == 128 + signal.SIGPIPE
    assert stderr == ""
