"""The "## Hook reference" section of docs/plugins.md is rendered from hookspecs.py, in
full: the module's docstring, then for each hook in the order it is defined a `### name`
heading, its signature exactly as written there, and its docstring as markdown. A test
fails when the section differs from the rendering; run this file to rewrite it:

    .venv/bin/python tests/test_hooks_documented.py

Every hook also needs a docstring and a test named test_hook_<name> in tests/test_hooks.py,
and every `emuscore.` name the reference shows plugin authors must be one they can import
(from `emuscore.plugin`, or the user API `emuscore`). The guide's own code examples must
parse and import only names that `emuscore.plugin` provides.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import emuscore
from emuscore import hookspecs, plugin

ROOT = Path(__file__).resolve().parents[1]
DOCS_PATH = ROOT / "docs" / "plugins.md"
HOOKSPECS_SOURCE = Path(hookspecs.__file__).read_text(encoding="utf-8")
HEADING = "## Hook reference"
HOOKS: dict[str, Callable[..., Any]] = {
    name: f for name, f in vars(hookspecs).items() if callable(f) and hasattr(f, "emuscore_spec")}
HOOK_TESTS = {node.name for node in ast.walk(ast.parse((ROOT / "tests" / "test_hooks.py").read_text()))
              if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_")}
GENERATED = """\
Generated from `src/emuscore/hookspecs.py` by `python tests/test_hooks_documented.py`;
a test fails while this section differs from it, so edit the docstrings there, not here."""
TEST_MODULES = {"emuscore.testing"}
"""Modules a test example may import besides `emuscore.plugin` (the fixture's type)."""


# --- rendering ----------------------------------------------------------------------------

def signature(name: str) -> str:
    """`def name(arg: Type) -> Return`, exactly as written in hookspecs.py (however many
    lines it takes), without the closing colon."""
    lines = HOOKSPECS_SOURCE.splitlines()
    node = next(n for n in ast.parse(HOOKSPECS_SOURCE).body
                if isinstance(n, ast.FunctionDef) and n.name == name)
    body = node.body[0]
    text = "\n".join(lines[node.lineno - 1:body.lineno])
    # cut at the start of the body (the docstring), counting from the def line
    cut = sum(len(line) + 1 for line in lines[node.lineno - 1:body.lineno - 1]) + body.col_offset
    return text[:cut].rstrip().removesuffix(":").rstrip()


def markdown(doc: str) -> str:
    """A docstring as markdown, keeping its lines as written: ``x`` becomes `x`, and a
    paragraph ending in "::" introduces the indented block after it as Python code."""
    out: list[str] = []
    lines = inspect.cleandoc(doc).splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.rstrip().endswith("::"):
            out.append(re.sub(r"``(.+?)``", r"`\1`", line))
            continue
        out.append(re.sub(r"``(.+?)``", r"`\1`", line.rstrip()[:-1]))
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
            block.append(lines[i])
            i += 1
        code = textwrap.dedent("\n".join(block)).strip("\n")
        out += ["", "```python", *code.splitlines(), "```"]
        if i < len(lines):
            out.append("")
    return "\n".join(out)


def render() -> str:
    """The whole reference section, from its heading to its last line."""
    parts = [HEADING, GENERATED, markdown(hookspecs.__doc__ or "")]
    for name, hook in HOOKS.items():
        parts += [f"### {name}", f"```python\n{signature(name)}\n```", markdown(hook.__doc__ or "")]
    return "\n\n".join(parts) + "\n"


def split(docs: str) -> tuple[str, str, str]:
    """(before, the reference section without its trailing blank lines, after), where the
    section runs from its heading to the next `## ` heading or the end."""
    start = docs.index(f"\n{HEADING}\n") + 1
    end = docs.find("\n## ", start)
    end = len(docs) if end < 0 else end + 1
    section = docs[start:end].rstrip("\n") + "\n"
    return docs[:start], section, docs[end:]


def rewrite() -> bool:
    """Rewrite the section in docs/plugins.md; whether it changed."""
    docs = DOCS_PATH.read_text(encoding="utf-8")
    before, _, after = split(docs)
    new = before + render() + ("\n" + after if after else "")
    if new == docs:
        return False
    DOCS_PATH.write_text(new, encoding="utf-8")
    return True


# --- tests --------------------------------------------------------------------------------

DOCS = DOCS_PATH.read_text(encoding="utf-8")
REFERENCE = split(DOCS)[1]


def test_the_contract_has_the_hooks_the_plugins_need() -> None:
    assert set(HOOKS) >= {"register_scorers", "register_loaders", "register_writers", "register_gates",
                          "validate_ruleset", "register_commands", "run_finished"}


def test_the_reference_is_the_rendering_of_hookspecs() -> None:
    assert render() == REFERENCE, ("docs/plugins.md's hook reference differs from hookspecs.py; "
                                   "run: .venv/bin/python tests/test_hooks_documented.py")


@pytest.mark.parametrize("name", list(HOOKS))
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    assert f"\n### {name}\n\n```python\n{signature(name)}\n```\n" in REFERENCE


def test_the_signatures_are_the_ones_pluggy_sees() -> None:
    for name, hook in HOOKS.items():
        assert signature(name).startswith(f"def {name}(")
        assert signature(name).endswith(f") -> {inspect.signature(hook).return_annotation}")


def test_the_reference_documents_no_hook_that_does_not_exist() -> None:
    assert re.findall(r"^### (\w+)$", REFERENCE, re.MULTILINE) == list(HOOKS)


@pytest.mark.parametrize("name", list(HOOKS))
def test_every_hook_has_a_docstring(name: str) -> None:
    assert len(inspect.getdoc(HOOKS[name]) or "") > 80


@pytest.mark.parametrize("name", list(HOOKS))
def test_every_hook_has_a_test_named_for_it(name: str) -> None:
    assert f"test_hook_{name}" in HOOK_TESTS


def importable(dotted: str) -> bool:
    """Whether a plugin author can use the name: `emuscore.plugin.X` or `emuscore.X`
    (the user API), X public."""
    module, _, name = dotted.rpartition(".")
    public = {"emuscore.plugin": plugin.__all__, "emuscore": emuscore.__all__}
    return name in public.get(module, ())


def test_the_reference_names_only_what_a_plugin_author_can_import() -> None:
    named = set(re.findall(r"`@?(emuscore(?:\.\w+)+)", REFERENCE))
    wrong = sorted(n for n in named if not importable(n))
    assert wrong == [], (f"hookspecs.py's docstrings show plugin authors {wrong}; name them as "
                         "emuscore.plugin.X (or emuscore.X for the user API)")


def examples() -> list[tuple[int, str]]:
    """(line, code) of every python block of the guide outside the hook reference."""
    guide = DOCS.replace(REFERENCE, "")
    return [(guide[:m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```$", guide, re.MULTILINE | re.DOTALL)]


@pytest.mark.parametrize(("line", "code"), examples(), ids=[f"line {n}" for n, _ in examples()])
def test_the_guides_examples_import_only_from_emuscore_plugin(line: int, code: str) -> None:
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "emuscore":
            assert node.module == "emuscore.plugin" or node.module in TEST_MODULES, node.module
            module = importlib.import_module(node.module)
            assert [a.name for a in node.names if not hasattr(module, a.name)] == []
        elif isinstance(node, ast.Import):
            assert not [a.name for a in node.names if a.name.split(".")[0] == "emuscore"]


if __name__ == "__main__":
    changed = rewrite()
    print(f"{DOCS_PATH.relative_to(ROOT)}: hook reference {'rewritten' if changed else 'up to date'}")
    sys.exit(0)
