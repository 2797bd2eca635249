"""`handoff check`: the CI gate. Validate handoffs and feedback; exit 1 on any finding."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import format_choices, handled, load_context, open_cache, shown

CheckFormat = format_choices("check")

EPILOG = ("Examples:\n\n"
          "  handoff check\n\n"
          "  handoff check handoffs/2026/11 --format json\n\n"
          "  handoff check --changed-since origin/main --format github\n\n"
          "  handoff check --changed-since \"$BASE\" --format gitlab > gl-code-quality.json")


@handled
def check_cli(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the whole handoffs folder).")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF",
                                                         help="Check only files changed since this git ref.")] = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="text, json, github (annotations) or gitlab (Code Quality report).")] = CheckFormat("text"),
) -> None:
    """Validate handoffs and feedback (the CI gate): exit 0 valid, 1 findings, 2 usage error."""
    from handoff_cli.i18n import t
    from handoff_cli.output import renderer
    from handoff_cli.sanitize import sanitize

    result = check(paths, changed_since=changed_since)
    for skipped in result.skipped:  # named, but not a handoff (pre-commit may pass any file)
        sys.stderr.write(f"{shown(skipped.path)}: {sanitize(skipped.message)}\n")
    if getattr(result, "settings_changed", None):
        sys.stderr.write(t("check.settings_changed", files=sanitize(", ".join(result.settings_changed)),
                           ref=sanitize(changed_since)) + "\n")
    renderer(output_format.value, "check", sys.stdout).check(result)
    _job_summary(result, changed_since)
    if result.findings:
        raise typer.Exit(1)


def _job_summary(result, changed_since: str | None) -> None:
    """Under GitHub Actions (GITHUB_STEP_SUMMARY set): every finding as a Markdown table."""
    from handoff_cli.i18n import t
    from handoff_cli.output.github import step_summary

    def render(stream, room: int) -> None:
        from handoff_cli.output.markdown import MarkdownRenderer

        notes = [t("check.settings_changed", files=", ".join(result.settings_changed), ref=changed_since)] \
            if getattr(result, "settings_changed", None) else []
        MarkdownRenderer(stream, room).check(result, notes=notes)

    step_summary(render)


def check(paths: list[Path] | None = None, *, changed_since: str | None = None, start: Path | None = None):
    """The findings of the repository's files, or of `paths`; with `changed_since`, the CI
    gate over what changed since that ref (store.gate), against its configuration too."""
    from handoff_cli.rules.findings import CheckResult
    from handoff_cli.store.gate import check_changes
    from handoff_cli.store.loader import FINDINGS, load_store

    config, kinds = load_context(start)
    if changed_since:
        return check_changes(config, kinds, changed_since, list(paths) if paths else None)
    kinds.load_all()
    store = load_store(config, kinds, list(paths) if paths else None, cache=open_cache(config, kinds), want=FINDINGS)
    return CheckResult(store.findings, store.files_checked, store.skipped)
