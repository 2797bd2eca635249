"""`handoff check`: the CI gate. Validate handoffs and feedback; exit 1 on any finding."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import format_choices, handled, load_context, open_cache

CheckFormat = format_choices("check")

EPILOG = ("Examples:\n\n"
          "  handoff check\n\n"
          "  handoff check handoffs/2026/11 --format json\n\n"
          "  handoff check --changed-since origin/main --format github")


@handled
def check_cli(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the whole handoffs folder).")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF",
                                                         help="Check only files changed since this git ref.")] = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="text, json, or github annotations.")] = CheckFormat("text"),
) -> None:
    """Validate handoffs and feedback (the CI gate): exit 0 valid, 1 findings, 2 usage error."""
    from handoff_cli.output import renderer

    result = check(paths, changed_since=changed_since)
    renderer(output_format.value, "check", sys.stdout).check(result)
    if result.findings:
        raise typer.Exit(1)


def check(paths: list[Path] | None = None, *, changed_since: str | None = None, start: Path | None = None):
    """The findings of the repository's files (or of `paths`, or of what changed since a ref)."""
    from handoff_cli.git import Git
    from handoff_cli.rules.findings import CheckResult
    from handoff_cli.store.loader import FINDINGS, load_store

    config, kinds = load_context(start)
    kinds.load_all()
    selected = list(paths) if paths else None
    if changed_since:
        changed = Git(config.root).changed_since(changed_since, config.dir)
        present = {config.root / name for name in changed if (config.root / name).exists()
                   or (config.root / name).is_symlink()}
        selected = (selected or []) + sorted(present)
        if not selected:
            return CheckResult([], 0)
    store = load_store(config, kinds, selected, cache=open_cache(config, kinds), want=FINDINGS)
    return CheckResult(store.findings, store.files_checked)
