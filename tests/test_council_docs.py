"""docs/council.md runs as written: every `$ emuscore ...` line of its console blocks is
run in order, in a scratch folder holding the bundled rulesets, and its output compared
with the page. Digests, hashes and times vary with the installed Python and the clock,
so runs of 16 or more hex digits and UTC times are masked on both sides; a line "..."
on the page stands for any number of lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from click.testing import CliRunner

from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "council.md"


def masked(text: str) -> str:
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "<time>", text)
    return re.sub(r"[0-9a-f]{16,64}", "<hex>", text)


def steps(page: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ` line of the console blocks."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```console\n(.*?)^```", page, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            else:
                out[-1][1].append(line)
    return out


def matches(expected: list[str], actual: str) -> bool:
    pattern = "".join(r"(?:.*\n)*?" if line == "..." else re.escape(masked(line)) + r"\n"
                      for line in expected)
    return re.fullmatch(pattern, masked(actual)) is not None


def test_the_page_has_the_steps_of_the_path() -> None:
    commands = [c.split()[1] for c, _ in steps(PAGE.read_text(encoding="utf-8"))]
    assert commands[:2] == ["score", "finalize"] and {"replay", "explain", "ledger"} <= set(commands)


def test_every_command_of_the_page_prints_what_the_page_shows(tmp_path, monkeypatch) -> None:
    (tmp_path / "rulesets").symlink_to(ROOT / "rulesets")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command, expected in steps(PAGE.read_text(encoding="utf-8")):
        args = shlex.split(command)
        assert args[0] == "emuscore"
        result = runner.invoke(main, args[1:])
        assert matches(expected, result.output), (
            f"docs/council.md: `{command}` now prints:\n{result.output}")


def test_the_bundled_files_are_the_ones_the_page_shows() -> None:
    page = PAGE.read_text(encoding="utf-8")
    shown = re.findall(r"^```csv\n(.*?)^```", page, re.MULTILINE | re.DOTALL)
    folder = ROOT / "rulesets" / "lang-son-2024-council"
    assert shown == [(folder / name).read_text(encoding="utf-8")
                     for name in ("adjustments.csv", "ballots.csv", "rulings.csv")]


def test_the_matcher_fails_on_a_changed_line() -> None:
    assert matches(["a", "...", "c"], "a\nb\nb\nc\n")
    assert not matches(["a", "...", "c"], "a\nb\nd\n")
