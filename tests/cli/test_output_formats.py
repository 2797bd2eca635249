"""`--format`: each command offers exactly the formats registered for it (output.FORMATS)."""

from __future__ import annotations

import importlib

import pytest

from handoff_cli.output import FORMATS, Renderer, formats_for
from helpers import run_cli

COMMANDS = ("check", "list", "show", "report")


@pytest.mark.parametrize("fmt", FORMATS, ids=[f"{f.name}" for f in FORMATS])
def test_every_registered_format_renders_its_commands(fmt):
    module, _, name = fmt.renderer.partition(":")
    renderer = getattr(importlib.import_module(module), name)
    assert issubclass(renderer, Renderer)
    for command in fmt.commands:
        assert getattr(renderer, command) is not getattr(Renderer, command), f"{fmt.name} does not render {command}"


def test_each_command_has_a_default_and_json():
    for command in COMMANDS:
        assert "json" in formats_for(command)
    assert formats_for("check")[0] == "text" and formats_for("list")[0] == "table"


@pytest.mark.parametrize("command,fmt", [("check", "csv"), ("list", "github"), ("show", "csv"), ("report", "github")])
def test_a_format_the_command_cannot_render_is_a_usage_error(examples_repo, command, fmt):
    args = [command, *(["k3m9qa"] if command == "show" else []), "--format", fmt]
    result = run_cli(args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --format {fmt}: choose one of: ")  # one clean line, no library words
    for allowed in formats_for(command):
        assert allowed in result.output
