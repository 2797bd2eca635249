"""Output: one renderer per format behind one interface, chosen by name from one registry.

A command accepts exactly the formats registered for it: `--format` offers those and no
other, so a format a command cannot render is a usage error, never a silent fallback.
A new format is one new class (a module here) and one line in FORMATS. Renderers get
values from the core (findings, rows, the report) and only write them; every value that
came from data is written as plain text, never as markup.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TextIO


class Renderer:
    """Writes one command's result to `stream`. A format implements the commands it is
    registered for; the others are never called."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def check(self, result) -> None:
        """`check`: a rules.findings.CheckResult."""
        raise NotImplementedError

    def list(self, rows) -> None:
        """`list`: reporting.lists.ListRow, one per handoff."""
        raise NotImplementedError

    def show(self, view) -> None:
        """`show`: a reporting.lists.HandoffView."""
        raise NotImplementedError

    def report(self, report, *, table: str) -> None:
        """`report`: a reporting.report.Report (`table`: which one, for one-table formats)."""
        raise NotImplementedError

    def person(self, sheet, *, table: str) -> None:
        """`report --person`: a reporting.person.PersonSheet (`table`: which one, for one-table formats)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Format:
    name: str
    renderer: str  # "module:Class", imported only when chosen (start-up stays fast)
    commands: tuple[str, ...]


FORMATS = (
    Format("text", "handoff_cli.output.text:TextRenderer", ("check", "show")),
    Format("table", "handoff_cli.output.text:TextRenderer", ("list", "report")),
    Format("json", "handoff_cli.output.json:JsonRenderer", ("check", "list", "show", "report")),
    Format("csv", "handoff_cli.output.csv:CsvRenderer", ("list", "report")),
    Format("markdown", "handoff_cli.output.markdown:MarkdownRenderer", ("report",)),
    Format("html", "handoff_cli.output.html:HtmlRenderer", ("report",)),
    Format("github", "handoff_cli.output.github:GithubRenderer", ("check",)),
    Format("gitlab", "handoff_cli.output.gitlab:GitlabRenderer", ("check",)),
)


def formats_for(command: str) -> list[str]:
    """The format names `command` accepts, the default first."""
    return [f.name for f in FORMATS if command in f.commands]


def renderer(name: str, command: str, stream: TextIO) -> Renderer:
    """The renderer registered as `name` for `command`, writing to `stream`."""
    chosen = next((f for f in FORMATS if f.name == name and command in f.commands), None)
    if chosen is None:
        raise ValueError(f"format {name!r} is not registered for {command!r}")
    module, _, cls = chosen.renderer.partition(":")
    return getattr(importlib.import_module(module), cls)(stream)
