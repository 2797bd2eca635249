"""`handoff demo`: a repository with months of history built from the examples, and its report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import handled

EPILOG = "Example: handoff demo, then cd into the printed folder and try `handoff report --by pair`"


@handled
def demo_cli(
    path: Annotated[Optional[Path], typer.Argument(help="Where to build it (default: a new temporary folder).")] = None,
) -> None:
    """Build a demo repository with months of history from the examples, and report on it."""
    from rich.text import Text

    from handoff_cli.commands.options import write_output
    from handoff_cli.commands.report import report
    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t
    from handoff_cli.output import renderer
    from handoff_cli.output.tables import console
    from handoff_cli.sanitize import sanitize
    from handoff_cli.store.demo import build_demo

    if path is not None and path.exists() and any(path.iterdir()):
        raise UserError(t("demo.not_empty", path=path), hint=t("demo.not_empty.hint"))
    folder = build_demo(path)
    result, _ = report(start=folder)
    renderer("table", "report", sys.stdout).report(result, table="pending", warnings=True)
    out = console(sys.stdout)
    out.print()
    out.print(Text(sanitize(t("demo.repository", path=folder))))  # a path is text, never markup
    out.print(Text(sanitize(t("demo.explore", path=folder))))
    page = folder / "report.html"  # the same report as a web page, for people who never open a terminal
    write_output(page, lambda stream: renderer("html", "report", stream).report(result, table="pending"), None)
    out.print(Text(sanitize(t("demo.web_report", path=page))))
