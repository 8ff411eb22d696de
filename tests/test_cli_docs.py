"""docs/cli.md documents every command of `emuscore` (and every subcommand of its
groups): under a heading `## emuscore NAME` (`### emuscore GROUP NAME` for a subcommand)
it shows the command's exact `--help` at a fixed width of 78 columns, as an 80-column
terminal shows it, and an example. The commands are listed from the click group, so a
new command without docs fails here. Commands that plugins add are theirs to document.

Run this file to rewrite the help blocks (and add a section for a command that has none):

    .venv/bin/python tests/test_cli_docs.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from emuscore.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS_PATH = ROOT / "docs" / "cli.md"
WIDTH = 78
"""click wraps help to the terminal's width less 2, at most 78: what an 80-column terminal shows."""
HELP_BLOCK = re.compile(r"^```text\nUsage: emuscore.*?^```\n", re.MULTILINE | re.DOTALL)

Path_ = tuple[str, ...]


def own(command: click.Command) -> bool:
    """Whether a command is emuscore's own (defined in emuscore.cli), not a plugin's."""
    return str(getattr(command.callback, "__module__", "")).startswith("emuscore.cli")


def commands(group: click.Group = main, path: Path_ = ()) -> list[Path_]:
    """Every command of emuscore's own, as the words after `emuscore`: () for `emuscore`
    itself, then each command, and for a group its subcommands after it."""
    found = [path]
    ctx = click.Context(group, info_name=title(path))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or not own(command):
            continue
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def help_text(path: Path_) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="emuscore", terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def title(path: Path_) -> str:
    return " ".join(("emuscore", *path))


def sections(docs: str) -> dict[str, tuple[int, int]]:
    """Heading text -> (start, end) character offsets of the section under it, up to the
    next heading (a `#` line outside a code block)."""
    found: dict[str, tuple[int, int]] = {}
    current: str | None = None
    start = offset = 0
    fenced = False
    for line in docs.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            if current is not None:
                found[current] = (start, offset)
            current, start = line.lstrip("#").strip(), offset + len(line)
        offset += len(line)
    if current is not None:
        found[current] = (start, offset)
    return found


def block(help: str) -> str:
    return f"```text\n{help}```\n"


def rewrite() -> list[str]:
    """Put each command's current --help in its section (a new section at the end for a
    command that has none); the commands whose docs changed."""
    docs = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else "# The emuscore command\n"
    changed = []
    for path in commands():
        new = block(help_text(path))
        where = sections(docs).get(title(path))
        if where is None:
            level = "##" if len(path) < 2 else "###"
            docs = docs.rstrip("\n") + f"\n\n{level} {title(path)}\n\n{new}"
            changed.append(title(path))
            continue
        start, end = where
        text = docs[start:end]
        old = HELP_BLOCK.search(text)
        if old is None:
            text = text.rstrip("\n") + f"\n\n{new}\n"
        elif old.group(0) != new:
            text = text[:old.start()] + new + text[old.end():]
        else:
            continue
        docs = docs[:start] + text + docs[end:]
        changed.append(title(path))
    DOCS_PATH.write_text(docs, encoding="utf-8")
    return changed


# --- tests --------------------------------------------------------------------------------

DOCS = DOCS_PATH.read_text(encoding="utf-8")
SECTIONS = sections(DOCS)
COMMANDS = commands()


def section(path: Path_) -> str:
    assert title(path) in SECTIONS, f"docs/cli.md has no heading '{title(path)}'"
    start, end = SECTIONS[title(path)]
    return DOCS[start:end]


def test_the_commands_are_listed_from_the_group() -> None:
    assert {p for p in COMMANDS if len(p) == 1} >= {
        ("score",), ("validate",), ("explain",), ("replay",), ("diff",), ("ledger",), ("plugins",)}
    assert {p for p in COMMANDS if p[:1] == ("ledger",)} >= {
        ("ledger", "add"), ("ledger", "log"), ("ledger", "verify")}


@pytest.mark.parametrize("path", COMMANDS, ids=title)
def test_every_command_shows_its_exact_help(path: Path_) -> None:
    assert block(help_text(path)) in section(path), (
        f"the help of '{title(path)}' in docs/cli.md is out of date; run: "
        ".venv/bin/python tests/test_cli_docs.py")


@pytest.mark.parametrize("path", COMMANDS, ids=title)
def test_every_command_has_a_sentence_and_an_example(path: Path_) -> None:
    text = section(path)
    prose = re.sub(r"^```.*?^```\n", "", text, flags=re.MULTILINE | re.DOTALL).strip()
    assert prose, f"'{title(path)}' needs a sentence or two on what it is for"
    examples = re.findall(r"^```console\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert any(f"$ {title(path)}" in e for e in examples), (
        f"'{title(path)}' needs an example: a ```console block with '$ {title(path)} ...'")


def test_the_docs_document_no_command_that_does_not_exist() -> None:
    documented = {t for t in SECTIONS if t == "emuscore" or t.startswith("emuscore ")}
    assert documented <= {title(p) for p in COMMANDS}


if __name__ == "__main__":
    sys._called_from_test = True  # type: ignore[attr-defined]  # emuscore's own commands only
    changed = rewrite()
    print(f"{DOCS_PATH.relative_to(ROOT)}: " + (f"rewrote {', '.join(changed)}" if changed else "up to date"))
