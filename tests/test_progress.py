"""The progress bar shows on a terminal's stderr only: not in a pipe, not with -q, and
never mixed into the results on stdout."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import cluster40
from conftest import ROOT

RULESET = str(ROOT / "rulesets" / "cluster-40.toml")
CLI = "from emuscore.cli import main; main()"


def run_with_terminal_stderr(*args: str) -> tuple[str, str]:
    """(stdout through a pipe, stderr through a pseudo-terminal)."""
    master, slave = pty.openpty()
    done = subprocess.run([sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE,
                          stderr=slave, stdin=subprocess.DEVNULL, timeout=300, check=False)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:          # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert done.returncode == 0, done.stdout
    return done.stdout.decode(), seen.decode(errors="replace")


def test_a_terminal_sees_each_step(tmp_path: Path) -> None:
    data = cluster40.generate(tmp_path / "data", 50, seed=2)
    out, err = run_with_terminal_stderr("score", RULESET, str(data), "--out", str(tmp_path / "r.csv"))
    for label in ("loading the ruleset", "loading the data", "scoring", "writing"):
        assert label in err
    assert "4/4" in err
    assert "scoring" not in out and "cluster " in out


def test_quiet_shows_no_bar_on_a_terminal(tmp_path: Path) -> None:
    data = cluster40.generate(tmp_path / "data", 50, seed=2)
    _, err = run_with_terminal_stderr("score", RULESET, str(data), "-q")
    assert err == ""


def test_a_pipe_gets_no_bar(tmp_path: Path) -> None:
    data = cluster40.generate(tmp_path / "data", 50, seed=2)
    done = subprocess.run([sys.executable, "-c", CLI, "score", RULESET, str(data)],
                          capture_output=True, timeout=300, check=True)
    assert done.stderr == b""
