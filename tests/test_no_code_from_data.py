"""Rulesets, data and records are data: no emuscore module runs code from them. The
package never calls eval, exec or compile, never unpickles, and imports modules by a
computed name only among its own (its commands and built-in plugins; other plugins come
from entry points an administrator installs, never from a ruleset)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "emuscore"
MODULES = sorted(SRC.rglob("*.py"))
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill"}


def runs_code(source: str) -> list[str]:
    """Each place in `source` that could run code taken from input, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Import) and {a.name.split(".")[0] for a in node.names} \
                & FORBIDDEN_MODULES:
            found.append(f"{node.lineno}: import {node.names[0].name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] \
                in FORBIDDEN_MODULES:
            found.append(f"{node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "import_module" and node.args:
            name = node.args[0]
            literal = isinstance(name, ast.Constant) and str(name.value).startswith("emuscore")
            # COMMANDS[...] (the CLI's own list) or the manager's loop over DEFAULT_PLUGINS
            own = "COMMANDS" in ast.unparse(name) or ast.unparse(name) == "name"
            if not (literal or own):
                found.append(f"{node.lineno}: import_module({ast.unparse(name)})")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_runs_code_from_its_input(path):
    assert runs_code(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("source", "found"), [
    ("x = eval(text)", ["1: eval()"]),
    ("import pickle", ["1: import pickle"]),
    ("from marshal import loads", ["1: from marshal import"]),
    ("importlib.import_module(ruleset['plugin'])", ["1: import_module(ruleset['plugin'])"]),
    ("importlib.import_module('emuscore.cli.score')", []),
])
def test_the_check_finds_what_it_looks_for(source, found):
    assert runs_code(source) == found
