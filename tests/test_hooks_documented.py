"""Every hook in hookspecs.py is in docs/plugins.md with the same signature, has a
docstring, and has a test named test_hook_<name> in tests/test_hooks.py: a hook added
without docs or a test fails here."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from emuscore import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
REFERENCE = DOCS.split("## Hook reference", 1)[1].split("\n## ", 1)[0]
HOOKS: dict[str, Callable[..., Any]] = {
    name: f for name, f in vars(hookspecs).items() if callable(f) and hasattr(f, "emuscore_spec")}
HOOK_TESTS = {node.name for node in ast.walk(ast.parse((ROOT / "tests" / "test_hooks.py").read_text()))
              if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_")}


def signature(hook: Callable[..., Any]) -> str:
    """`def name(arg: Type) -> Return`, with the annotations as written in hookspecs.py."""
    sig = inspect.signature(hook)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"def {hook.__name__}({params}) -> {sig.return_annotation}"


def test_the_contract_has_the_hooks_the_plugins_need() -> None:
    assert set(HOOKS) >= {"register_scorers", "register_loaders", "register_writers", "register_gates",
                          "validate_ruleset", "register_commands", "run_finished"}


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    assert f"\n### {name}\n\n```python\n{signature(HOOKS[name])}\n```\n" in REFERENCE


def test_the_reference_documents_no_hook_that_does_not_exist() -> None:
    assert sorted(re.findall(r"^### (\w+)$", REFERENCE, re.MULTILINE)) == sorted(HOOKS)


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_docstring(name: str) -> None:
    assert len(inspect.getdoc(HOOKS[name]) or "") > 80


@pytest.mark.parametrize("name", sorted(HOOKS))
def test_every_hook_has_a_test_named_for_it(name: str) -> None:
    assert f"test_hook_{name}" in HOOK_TESTS
