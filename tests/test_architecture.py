"""Every module imports on its own (no cycles), and the core never reaches up to the CLI."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import handoff_cli

PACKAGE = Path(handoff_cli.__file__).parent
CLI_LAYER = {"cli", "prompting", "render", "__main__"}


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]))


def test_every_module_imports():
    for name in _modules():
        if name != "__main__":
            importlib.import_module(f"handoff_cli.{name}")


def test_core_does_not_import_the_cli_layer_or_print():
    for name in set(_modules()) - CLI_LAYER:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[-1] not in CLI_LAYER, f"{name} imports {node.module}"
                assert not node.module.startswith(("typer", "rich")), f"{name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith(("typer", "rich")) for a in node.names), name
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                raise AssertionError(f"{name} prints")
