"""The house: every module imports on its own, imports follow the arrows between rooms
(../shared/DESIGN.md), the core never prints, and only git.py starts git."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import handoff_cli

PACKAGE = Path(handoff_cli.__file__).parent

# Which rooms each room may import from (its own room always). The one table of allowed
# arrows: an import that is not here fails the test, lazy ones inside functions included.
ALLOWED = {
    "__main__": {"app"},
    "app": {"commands", "__init__"},
    "commands": {"interact", "output", "sanitize", "reporting", "scoring", "store", "history", "git", "rules", "documents",
                 "i18n", "errors", "__init__"},
    "interact": {"sanitize", "rules", "documents", "i18n", "errors"},
    "output": {"reporting", "sanitize", "rules", "documents", "i18n", "errors"},
    "store": {"reporting", "scoring", "history", "git", "rules", "documents", "i18n", "errors", "__init__"},
    "reporting": {"scoring", "history", "rules", "documents", "sanitize", "i18n", "errors"},
    "scoring": {"rules", "documents", "i18n", "errors"},
    "history": {"git", "documents", "i18n", "errors"},
    "git": {"i18n", "errors"},
    "rules": {"documents", "i18n", "errors"},
    "documents": {"i18n", "errors"},
    "sanitize": set(),
    "i18n": set(),
    "errors": set(),
    "__init__": set(),
}
TERMINAL_ROOMS = {"app", "__main__", "commands", "interact", "output"}  # the rooms that may talk to a person


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append((".".join(("handoff_cli",) + tuple(p for p in parts if p != "__init__")), path))
    return found


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, module: str) -> list[str]:
    """Every handoff_cli module `path` imports, at the top or inside a function."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against the importing package
                package = module.split(".")[: -node.level] if path.name != "__init__.py" else module.split(".")
                base = ".".join(package + [node.module])
            names += [f"{base}.{alias.name}" for alias in node.names] if base == "handoff_cli" else [base]
    return [name for name in names if name == "handoff_cli" or name.startswith("handoff_cli.")]


def test_every_room_is_in_the_table():
    assert {_room(module) for module, _ in _modules()} <= set(ALLOWED)


@pytest.mark.parametrize("module,path", _modules(), ids=[m for m, _ in _modules()])
def test_imports_follow_the_arrows(module, path):
    room = _room(module)
    for imported in _imports(path, module):
        target = _room(imported)
        if imported == "handoff_cli.__version__":
            target = "__init__"
        assert target == room or target in ALLOWED[room], f"{module} imports {imported} ({room} -> {target})"


def test_every_module_imports_on_its_own():
    """Each module in a fresh interpreter: no import cycle hides behind an import order."""
    def load(module: str) -> tuple[str, subprocess.CompletedProcess]:
        return module, subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)

    with ThreadPoolExecutor(4) as pool:
        for module, done in pool.map(load, [m for m, _ in _modules() if not m.endswith("__main__")]):
            assert done.returncode == 0, f"{module}: {done.stderr}"


@pytest.mark.parametrize("module,path", [(m, p) for m, p in _modules() if _room(m) not in TERMINAL_ROOMS],
                         ids=[m for m, _ in _modules() if _room(m) not in TERMINAL_ROOMS])
def test_the_core_never_prints(module, path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith(("typer", "rich", "click")), f"{module} imports {node.module}"
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith(("typer", "rich", "click")) for a in node.names), module
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
            raise AssertionError(f"{module} prints")
        if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") and \
                getattr(node.value, "id", None) == "sys":
            raise AssertionError(f"{module} writes to sys.{node.attr}")


def test_only_git_py_starts_git():
    """One way to start git: subprocess appears in git.py and, for $EDITOR, interact/editor.py."""
    starters = {module for module, path in _modules()
                if any(isinstance(node, (ast.Import, ast.ImportFrom)) and "subprocess" in
                       ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module])
                       for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))}
    assert starters == {"handoff_cli.git", "handoff_cli.interact.editor"}
