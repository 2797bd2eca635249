"""`handoff report`: pending feedback, quality by person, funnel, trend and best handoffs,
from the files and their git history."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import (KindFilter, as_of_option, date_option, format_choices, handled,
                                          load_context, output_mode, say, shown, survey, write_output)
from handoff_cli.errors import UserError
from handoff_cli.output import renderer

ReportFormat = format_choices("report")


class GroupBy(str, Enum):
    sender = "sender"
    receiver = "receiver"
    team = "team"
    pair = "pair"
    kind = "kind"


REPORT_TABLES = ("pending", "rework", "quality", "trend", "best", "funnel", "scores")  # the first is the default
PERSON_TABLES = ("handoffs", "fields", "trend", "rework", "owed")  # with --person; the first is the default
ReportTable = Enum("ReportTable", {name: name for name in dict.fromkeys(REPORT_TABLES + PERSON_TABLES)}, type=str)

EPILOG = ("Examples:\n\n"
          "  handoff report\n\n"
          "  handoff report --by pair --since 2026-10-01\n\n"
          "  handoff report --person 佐藤 --since 2026-10-01     (a 1on1 sheet)\n\n"
          "  handoff report --format html -o report.html\n\n"
          "  handoff report --format csv --table pending --bom\n\n"
          "  handoff report --fail-on-overdue          (for a scheduled CI job)")


@handled
def report_cli(
    by: Annotated[Optional[GroupBy], typer.Option("--by", help="Group quality by sender, receiver, team, pair or kind.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or after this date.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or before this date.")] = None,
    kind: KindFilter = None,
    person: Annotated[Optional[str], typer.Option("--person", help="A 1on1 sheet for one person: a name, an email, or a unique part of either.")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="table, json, csv, markdown or html.")] = ReportFormat("table"),
    table: Annotated[Optional[ReportTable], typer.Option("--table", help="With --format csv: which table.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of the terminal.")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="With --format csv: start with a byte order mark, so Excel reads UTF-8.")] = False,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Compute ages and overdue as of this date.")] = None,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 1 when feedback is overdue, and say which.")] = False,
) -> None:
    """Pending feedback, rework, quality by person, funnel, trend and best handoffs, from git
    history; or one person's 1on1 sheet."""
    from handoff_cli.i18n import t

    chosen_format = output_format.value
    table_name = _table_choice(table, chosen_format, person)
    if bom and chosen_format != "csv":
        raise UserError(t("report.bom_needs_csv"))
    mode = output_mode(output) if output is not None else None
    if person is not None and fail_on_overdue:
        raise UserError(t("report.person_and_overdue"))
    if person is not None and by is not None:
        raise UserError(t("report.person_and_by"))
    window = dict(since=date_option("--since", since), until=date_option("--until", until), kind=kind,
                  as_of=as_of_option(as_of))
    if window["since"] and window["until"] and window["since"] > window["until"]:
        raise UserError(t("report.since_after_until", since=since, until=until))
    if person is not None:
        result, files_with_findings = person_sheet(person, **window)
    else:
        result, files_with_findings = report(by=(by or GroupBy.sender).value, **window)
    if chosen_format == "table" or output is not None:
        for warning in result.warnings:
            say(t("report.warning", warning=warning))

    def render(stream) -> None:
        if bom:
            stream.write("\ufeff")
        chosen = renderer(chosen_format, "report", stream)
        if person is not None:
            chosen.person(result, table=table_name)
        else:
            chosen.report(result, table=table_name)

    if output is None:
        render(sys.stdout)
    else:
        write_output(output, render, mode)
        say(t("report.written", path=shown(output)))
    if files_with_findings:
        say(t("report.note_findings", count=files_with_findings))
    if fail_on_overdue:
        _overdue(result)
        if result.responsiveness.overdue:
            raise typer.Exit(1)


def _table_choice(table, output_format: str, person: str | None) -> str:
    """Which table a one-table format (CSV) writes; `--table` anywhere else is a usage error,
    as is a table the report (or the 1on1 sheet) does not have."""
    from handoff_cli.i18n import t

    allowed = PERSON_TABLES if person is not None else REPORT_TABLES
    if table is None:
        return allowed[0]
    if output_format != "csv":
        raise UserError(t("report.table_needs_csv"))
    if table.value not in allowed:
        raise UserError(t("report.no_such_table", table=table.value, tables=", ".join(allowed)))
    return table.value


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


def _context(kind: str | None, start):
    """The repository's config and kinds; an unknown `--kind` is a usage error before any work."""
    config, kinds = load_context(start)
    if kind:
        kinds.get(kind)
    return config, kinds


def report(*, by: str = "sender", since=None, until=None, kind: str | None = None, as_of=None, start=None):
    """The report over the repository at `start` (the current folder), and how many files
    were left out for their findings."""
    from handoff_cli.commands.options import now
    from handoff_cli.store.reports import gathered_report

    config, kinds = _context(kind, start)
    return gathered_report(config, kinds, as_of=as_of or now(), by=by, since=since, until=until, kind=kind)


def person_sheet(query: str, *, since=None, until=None, kind: str | None = None, as_of=None, start=None):
    """The 1on1 sheet of the one person `query` names, and how many files were left out for
    their findings."""
    from handoff_cli.commands.options import now
    from handoff_cli.reporting.person import build_sheet, find_person
    from handoff_cli.scoring.weights import Weights

    config, kinds = _context(kind, start)
    moment = as_of or now()
    gathered = survey(config, kinds, moment)
    sheet = build_sheet(gathered.assessments, find_person(gathered.assessments, query), gathered.history, kinds,
                        as_of=moment, shrinkage=Weights.from_config(config.scoring).shrinkage, since=since,
                        until=until, kind=kind)
    return sheet, gathered.files_with_findings
