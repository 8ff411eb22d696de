"""The guides (docs/guide.md in Vietnamese, docs/guide.en.md in English) cannot go stale:
every ```console block's `$ emuscore ...` lines are run, in order, in a fresh folder, in
the guide's language, and what each prints must be what the guide shows below it. In the
shown output `…` stands for text that differs from machine to machine (digests, dates).
`$ cd DIR` changes folder; an HTML comment
`<!-- guide: replace FILE "OLD" "NEW" -->` and `<!-- guide: copy FILE NEW_FILE -->` make
an edit the prose describes (a data correction after an objection, a new version of the
sheet), invisibly to the reader.

After changing a command's output, rewrite the guides' outputs (lines that still match
keep their `…`) and read the diff:

    .venv/bin/python tests/test_guide.py
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDES = {"guide.md": "vi", "guide.en.md": "en"}
STEP = re.compile(r'^```console\n(?P<block>.*?)^```\n|^<!-- guide: (?P<edit>(?:replace|copy) .*?) -->\n',
                  re.MULTILINE | re.DOTALL)


@attrs.frozen
class Command:
    line: str
    shown: tuple[str, ...]


@attrs.frozen
class Edit:
    """Replace `old` by `new` in `file`, or (`copy_to`) copy `file` there."""

    file: str
    old: str = ""
    new: str = ""
    copy_to: str = ""


def steps(text: str) -> Iterator[Command | Edit]:
    for m in STEP.finditer(text):
        if m["edit"] is not None:
            words = shlex.split(m["edit"])
            if words[0] == "copy":
                yield Edit(words[1], copy_to=words[2])
            else:
                yield Edit(*words[1:])
            continue
        command: str | None = None
        shown: list[str] = []
        for line in m["block"].splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield Command(command, tuple(shown))
                command, shown = line[2:], []
            else:
                shown.append(line)
        if command is not None:
            yield Command(command, tuple(shown))


def run(command: str, lang: str) -> list[str]:
    """What `command` prints (stdout and stderr as a terminal shows them), run here."""
    words = shlex.split(command)
    if words[0] == "cd":
        os.chdir(words[1])
        return []
    assert words[0] == "emuscore", f"the guide runs only emuscore and cd: {command}"
    result = CliRunner().invoke(main, words[1:], env={"EMUSCORE_LANG": lang}, prog_name="emuscore")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output.splitlines()


def matches(shown: str, printed: str) -> bool:
    return re.fullmatch(".*?".join(map(re.escape, shown.split("…"))), printed) is not None


def follow(text: str, lang: str, place: Path) -> Iterator[tuple[Command, list[str]]]:
    """Each command of the guide with what it printed, edits made on the way, in `place`."""
    home = Path.cwd()
    os.chdir(place)
    try:
        for step in steps(text):
            if isinstance(step, Edit) and step.copy_to:
                Path(step.copy_to).parent.mkdir(parents=True, exist_ok=True)
                Path(step.copy_to).write_bytes(Path(step.file).read_bytes())
            elif isinstance(step, Edit):
                path = Path(step.file)
                content = path.read_text(encoding="utf-8")
                assert step.old in content, f"{step.file} has no {step.old!r} to replace"
                path.write_text(content.replace(step.old, step.new, 1), encoding="utf-8")
            else:
                yield step, run(step.line, lang)
    finally:
        os.chdir(home)


@pytest.mark.parametrize("name", list(GUIDES))
def test_the_guide_shows_what_each_command_prints(name: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMUSCORE_LANG")
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    ran = 0
    for command, printed in follow(text, GUIDES[name], tmp_path):
        ran += 1
        assert len(printed) == len(command.shown) and all(
            matches(s, p) for s, p in zip(command.shown, printed, strict=True)), (
            f"docs/{name}: `$ {command.line}` now prints:\n" + "\n".join(printed)
            + "\n(rewrite: .venv/bin/python tests/test_guide.py)")
    assert ran >= 10


def test_a_wildcard_stands_for_any_text_within_a_line() -> None:
    assert matches("wrote lan-1.json (digest …)", "wrote lan-1.json (digest 3fa9c0)")
    assert not matches("wrote lan-1.json (digest …)", "wrote lan-2.json (digest 3fa9c0)")
    assert not matches("total 96.81", "total 96.81 (tied)")


def rewrite(name: str, place: Path) -> None:
    """The guide with each command's output as it now is (a line that still matches the
    old one keeps the old one, with its `…`)."""
    path = ROOT / "docs" / name
    text = path.read_text(encoding="utf-8")
    results = iter(list(follow(text, GUIDES[name], place)))

    def block(m: re.Match[str]) -> str:
        if m["edit"] is not None:
            return m[0]
        lines = []
        for step in steps(m[0]):
            assert isinstance(step, Command)
            command, printed = next(results)
            old = list(command.shown)
            lines.append(f"$ {command.line}")
            lines += [old[i] if i < len(old) and matches(old[i], p) else p for i, p in enumerate(printed)]
        return "```console\n" + "".join(f"{line}\n" for line in lines) + "```\n"

    path.write_text(STEP.sub(block, text), encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    for guide in GUIDES:
        with tempfile.TemporaryDirectory() as folder:
            os.environ.pop("EMUSCORE_LANG", None)
            rewrite(guide, Path(folder))
        print(f"docs/{guide}: outputs rewritten", file=sys.stderr)
