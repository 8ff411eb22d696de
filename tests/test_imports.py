"""The package's import graph, read with `ast` (type-checking imports included): no
cycle, the run's values and the plugin contracts below what produces and reads them,
and the default registry chosen only at the top."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "emuscore"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(name: str) -> Iterator[str]:
    """Every emuscore module `name` imports, anywhere in its file (functions and
    `if TYPE_CHECKING:` blocks included): `from a import b` is an edge to a.b when that
    is a module, else to a (the package's __init__ that every `import a.x` runs first
    is not an edge of its own)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH = {name: set(imported(name)) for name in MODULES}


def cycle() -> list[str] | None:
    """One import cycle among the package's modules (a package's __init__ counts as the
    module it is), or None."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        if name in stack:
            return [*stack[stack.index(name):], name]
        if name in done:
            return None
        stack.append(name)
        for other in sorted(GRAPH[name]):
            found = visit(other)
            if found:
                return found
        stack.pop()
        done.add(name)
        return None

    return next((c for c in map(visit, sorted(GRAPH)) if c), None)


def below(name: str) -> set[str]:
    """Every module `name` imports, directly or not."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        for other in GRAPH[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def test_the_package_has_no_import_cycle() -> None:
    assert cycle() is None, " -> ".join(cycle() or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    GRAPH["emuscore.result"].add("emuscore.engine")
    try:
        assert cycle() is not None
    finally:
        GRAPH["emuscore.result"].discard("emuscore.engine")


@pytest.mark.parametrize("contract", ["emuscore.result", "emuscore.scoring", "emuscore.eligibility",
                                      "emuscore.io.formats", "emuscore.hookspecs", "emuscore.plugin"])
def test_values_and_plugin_contracts_sit_below_the_manager_and_the_stages(contract: str) -> None:
    assert not below(contract) & {"emuscore.manager", "emuscore.engine", "emuscore.cli",
                                  "emuscore.audit.record", "emuscore.io.dispatch",
                                  *(m for m in MODULES if m.startswith("emuscore.pipeline"))}


def test_only_the_public_api_and_the_cli_choose_the_installed_plugins() -> None:
    choosing = {name for name, path in MODULES.items()
                if "default_registry()" in path.read_text(encoding="utf-8")}
    assert choosing <= {"emuscore", "emuscore.manager", "emuscore.testing",
                        *(m for m in MODULES if m.startswith("emuscore.cli"))}, choosing
