"""`handoff report`: pending feedback, quality by person, funnel, trend and best handoffs,
from the files and their git history."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import (KindFilter, as_of_option, date_option, format_choices, handled, load_context,
                                          say, survey)

ReportFormat = format_choices("report")


class GroupBy(str, Enum):
    sender = "sender"
    receiver = "receiver"
    team = "team"
    pair = "pair"
    kind = "kind"


class ReportTable(str, Enum):
    pending = "pending"
    quality = "quality"
    trend = "trend"
    best = "best"
    funnel = "funnel"
    scores = "scores"


EPILOG = ("Examples:\n\n"
          "  handoff report\n\n"
          "  handoff report --by pair --since 2026-10-01\n\n"
          "  handoff report --format csv --table pending\n\n"
          "  handoff report --fail-on-overdue          (for a scheduled CI job)")


@handled
def report_cli(
    by: Annotated[GroupBy, typer.Option("--by", help="Group quality by sender, receiver, team, pair or kind.")] = GroupBy.sender,
    since: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or after this date.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or before this date.")] = None,
    kind: KindFilter = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="table, json or csv.")] = ReportFormat("table"),
    table: Annotated[ReportTable, typer.Option("--table", help="With --format csv: which table.")] = ReportTable.pending,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Compute ages and overdue as of this date.")] = None,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 1 when feedback is overdue, and say which.")] = False,
) -> None:
    """Pending feedback, quality by person, funnel, trend and best handoffs, from git history."""
    from handoff_cli.i18n import t
    from handoff_cli.output import renderer

    result, files_with_findings = report(by=by.value, since=date_option("--since", since),
                                         until=date_option("--until", until), kind=kind, as_of=as_of_option(as_of))
    if output_format.value == "table":
        for warning in result.warnings:
            say(t("report.warning", warning=warning))
    renderer(output_format.value, "report", sys.stdout).report(result, table=table.value)
    if files_with_findings:
        say(t("report.note_findings", count=files_with_findings))
    if fail_on_overdue:
        _overdue(result)
        if result.responsiveness.overdue:
            raise typer.Exit(1)


def _overdue(result) -> None:
    """The gate's verdict, last on stderr: how many handoffs are overdue and the first few
    ids (or none); under GitHub Actions the overdue table and that line in the job summary."""
    from handoff_cli.output.github import step_summary
    from handoff_cli.output.text import overdue_line

    say(overdue_line(result))

    def render(stream, room: int) -> None:
        from handoff_cli.output.markdown import MarkdownRenderer

        MarkdownRenderer(stream, room).overdue(result)

    step_summary(render)


def report(*, by: str = "sender", since=None, until=None, kind: str | None = None, as_of=None, start=None):
    """The report over the repository at `start` (the current folder), and how many files
    were left out for their findings."""
    from handoff_cli.commands.options import now
    from handoff_cli.reporting.report import build_report
    from handoff_cli.scoring.weights import Weights

    config, kinds = load_context(start)
    if kind:
        kinds.get(kind)
    moment = as_of or now()
    gathered = survey(config, kinds, moment)
    result = build_report(gathered.assessments, gathered.history, kinds,
                          shrinkage=Weights.from_config(config.scoring).shrinkage, as_of=moment, by=by,
                          since=since, until=until, kind=kind)
    return result, gathered.files_with_findings
