"""Rich tables and readable text for people: what `list`, `show` and `report` print on a
terminal. Every cell and line built from data is a `Text` (plain), never markup, and its
text is sanitised (output/sanitize.py): one line per table cell, lines kept in `show`'s values."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from handoff_cli.documents.layout import display_path
from handoff_cli.i18n import t
from handoff_cli.output.sanitize import sanitize, sanitize_block
from handoff_cli.reporting.lists import HandoffView, ListRow
from handoff_cli.reporting.report import Report


def console(stream=None) -> Console:
    """A console on `stream` (stdout by default) that follows NO_COLOR, COLUMNS and whether
    the stream is a terminal."""
    return Console(stderr=stream is sys.stderr, highlight=False, soft_wrap=False, file=stream or sys.stdout)


def plain(value: Any, style: str = "") -> Text:
    """`value` (from data, or made of it) as one line of plain text: never markup."""
    return Text(sanitize(value), style=style)


def add_row(table: Table, *cells: Any) -> None:
    """A row of plain cells: text is never read as markup (`[/]` in a name must not crash
    the table, `[link=…]` must not become a hyperlink)."""
    table.add_row(*(cell if isinstance(cell, (Text, Table)) else plain(cell) for cell in cells))


# ---------------------------------------------------------------- list

LIST_COLUMNS = ("id", "kind", "title", "from", "to", "created", "feedback")  # headers: i18n "list.column.<name>"
_STATE_STYLE = {"none": "yellow", "received": "cyan", "rejected": "red", "done": "green"}


def state_label(state: str) -> str:
    return t(f"state.{state}")


def list_table(rows: Sequence[ListRow]) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for column in LIST_COLUMNS:
        fixed = column in ("id", "kind", "created", "feedback")
        table.add_column(t(f"list.column.{column}"), overflow="fold", no_wrap=fixed,
                         ratio=None if fixed else (3 if column == "title" else 1))
    for row in rows:
        title = plain(("⚠ " if row.safety_issue else "") + row.title, style="bold red" if row.safety_issue else "")
        add_row(table, row.id, row.kind, title, row.sender, row.receiver, row.created[:10],
                Text(state_label(row.state), style=_STATE_STYLE[row.state]))
    return table


def _person(person) -> str:
    extra = ", ".join(x for x in (person.email, person.team) if x)
    return f"{person.name} ({extra})" if extra else person.name


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_value_text(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _fields_table(pairs: Sequence[tuple[str, Any]], *, lines: bool = True) -> Table:
    """Labels and values; a value keeps its line breaks when `lines` (free text), else one line."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in pairs:
        text = _value_text(value)
        add_row(table, label, Text(sanitize_block(text)) if lines else text)
    return table


SHOW_LISTS = ("next_actions", "contingencies", "open_questions", "links")  # headings: i18n "show.section.<name>"


def show_renderables(view: HandoffView) -> list:
    """What `show` prints, top to bottom."""
    h = view.handoff
    out: list = [plain(f"{h.id}  {h.title}", style="bold"),
                 _fields_table([(t("show.label.kind"), h.kind), (t("show.label.created"), h.created),
                                (t("show.label.from"), _person(h.sender)), (t("show.label.to"), _person(h.receiver)),
                                (t("show.label.customer"), _value_text(h.customer)),
                                (t("show.label.file"), display_path(h.path)),
                                (t("show.label.feedback"), state_label(view.state))], lines=False)]
    context_pairs = []
    for name, value in h.context.items():
        context_pairs.append((view.field_titles.get(name, name), value))
    out += [Text(""), Text(t("show.section.context"), style="bold underline"), _fields_table(context_pairs)]
    for key in SHOW_LISTS:
        items = h.data.get(key) or []
        if items:
            out += [Text(""), Text(t(f"show.section.{key}"), style="bold underline")]
            out += [Text("  • " + sanitize_block(_value_text(item))) for item in items]
    out += [Text(""), Text(t("show.section.feedback"), style="bold underline")]
    if view.feedback is None:
        out.append(Text("  " + t("feedback.none"), style="yellow"))
    else:
        for entry in view.feedback.entries:
            head = f"{_phase(entry.phase)}  {entry.at}  {_person(entry.by)}"
            pairs = [(k, v) for k, v in entry.data.items() if k not in ("phase", "at", "by")]
            out += [plain(head, style="bold"), _fields_table(pairs)]
    return out


def _phase(phase: str) -> str:
    """receipt / outcome in the user's language (anything else, from data, as it is)."""
    return t(f"phase.{phase}") if phase in ("receipt", "outcome") else str(phase)


# ---------------------------------------------------------------- report

def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, unit: str | None = None) -> str:
    """`value` with i18n's "unit.<unit>" (hours, days) after it."""
    return "–" if value is None else f"{value:g}" + (t(f"unit.{unit}") if unit else "")


def _mix(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "–"


def _table(title: str, columns: Sequence[str], right: Sequence[str] = ()) -> Table:
    """A report table; `columns` are names whose headers are i18n's "report.column.<name>"
    ("" for an unnamed column)."""
    table = Table(title=title, title_justify="left", title_style="bold", show_edge=False, header_style="bold",
                  pad_edge=False)
    for column in columns:
        table.add_column(t(f"report.column.{column}") if column else "", justify="right" if column in right else "left",
                         overflow="fold", no_wrap=column in _UNBREAKABLE or column in right,
                         min_width=_MIN_WIDTH.get(column))
    return table


_UNBREAKABLE = ("id", "month", "awaiting", "kind")
_MIN_WIDTH = {"title": 12, "receiver": 8, "due": 10, "handed_over": 10, "handed_over_count": 10, "from_to": 10, "": 8,
              "outcomes": 12,
              "most_often_missing": 12}


def report_renderables(report: Report, warnings: bool = True) -> list:
    """The report's tables; `warnings=False` when the caller prints them on stderr instead."""
    out: list = []
    if warnings and report.warnings:
        out += [plain(t("report.warning", warning=w), style="yellow") for w in report.warnings] + [Text("")]
    pending = _table(t("report.pending.title", count=len(report.pending), date=report.as_of[:10]),
                     ("id", "title", "receiver", "handed_over", "awaiting", "due"))
    for row in report.pending:
        due = plain(t("report.overdue", due=row.due), style="bold red") if row.overdue else plain(row.due)
        title = plain(("⚠ " if row.safety_issue else "") + row.title, style="bold red" if row.safety_issue else "")
        handed = t("report.handed", date=row.handed_over[:10], days=row.age_days) + (
            t("report.uncommitted") if row.uncommitted else "")
        add_row(pending, row.id, title, row.receiver, handed, _phase(row.awaiting), due)
    out += [pending, Text("")]
    r = report.responsiveness
    out.append(Text(t(
        "report.responsiveness", receipts=r.receipts, receipt_on_time=_pct(r.receipt_on_time_rate),
        receipt_median=_num(r.receipt_median_hours, "hours"), receipt_p90=_num(r.receipt_p90_hours, "hours"),
        outcomes=r.outcomes, outcome_on_time=_pct(r.outcome_on_time_rate),
        outcome_median=_num(r.outcome_median_days, "days"), outcome_p90=_num(r.outcome_p90_days, "days"),
        overdue=r.overdue)))
    out.append(Text(""))
    by = t(f"report.by.{report.by}") if report.by in _GROUPINGS else report.by
    groups = _table(t("report.quality.title", by=by),
                    ("", "n", "quality", "final", "feedback", "receipt_on_time", "median_latency", "acceptance_rate",
                     "outcomes", "most_often_missing"),
                    right=("n", "quality", "final", "feedback", "receipt_on_time", "median_latency", "acceptance_rate"))
    for row in report.groups:
        add_row(groups, row.group, str(row.count), _num(row.quality), str(row.final), _pct(row.feedback_rate),
                _pct(row.receipt_on_time_rate), _num(row.median_latency_days, "days"), _pct(row.acceptance_rate),
                _mix(row.outcomes), ", ".join(row.top_missing) or "–")
    out += [groups, Text("")]
    funnel = _table(t("report.funnel.title"), ("kind", "handed_over_count", "received", "accepted", "rejected",
                                                "acceptance", "outcomes", "rejection_reasons", "most_often_missing"),
                    right=("handed_over_count", "received", "accepted", "rejected", "acceptance"))
    for row in report.funnel:
        add_row(funnel, row.kind, str(row.handed_over), str(row.received), f"{row.accepted}+{row.conditional}",
                str(row.rejected), _pct(row.acceptance_rate), _mix(row.outcomes), _mix(row.rejection_reasons),
                ", ".join(row.top_missing) or "–")
    out += [funnel]
    losses = [reason for row in report.funnel for reason in row.loss_reasons]
    if losses:
        out += [Text(t("report.loss_reasons"), style="bold")] + [plain("  • " + reason) for reason in losses]
    out.append(Text(""))
    trend = _table(t("report.trend.title"), ("month", "n", "quality", "median_latency", "feedback"),
                   right=("n", "quality", "median_latency", "feedback"))
    for row in report.trend:
        add_row(trend, row.month, str(row.count), _num(row.quality), _num(row.median_latency_days, "days"),
                _pct(row.feedback_rate))
    out += [trend, Text("")]
    best = _table(t("report.best.title"), ("id", "title", "from_to", "quality", "outcome", "rating"),
                  right=("quality", "rating"))
    for row in report.best:
        add_row(best, row.id, row.title, f"{row.sender} → {row.receiver}", str(row.quality), row.outcome,
                f"{row.rating}/5")
    out.append(best)
    return out


_GROUPINGS = ("sender", "receiver", "team", "pair", "kind")  # `--by`, worded as i18n "report.by.<name>"
_PARTS = ("required", "recommended", "specificity", "actionability", "rating", "stability")  # "quality.part.<name>"
_SOURCES = ("git", "uncommitted", "file")  # where the handover time came from: "show.source.<name>"


def explanation_renderables(record: dict) -> list:
    """`show`'s "why N": the quality score part by part."""
    status = record["status"]
    out = [plain(t("show.quality", quality=record["quality"],
                   status=t(f"quality.status.{status}") if status in ("final", "provisional") else status),
                 style="bold underline")]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(overflow="fold")
    for name, part in record["parts"].items():
        value = "–" if part["value"] is None else f"{part['value'] * 100:.0f}%"
        add_row(table, t(f"quality.part.{name}") if name in _PARTS else name, f"{value} × {part['weight']:g}",
                part["detail"])
    if record["penalty"]:
        add_row(table, t("show.penalty"), f"−{record['penalty']}", Text(t("show.penalty.reason")))
    out.append(table)
    source = record["source"]
    timing = t("show.handed_over", at=record["handed_over"][:16].replace("T", " "),
               source=t(f"show.source.{source}") if source in _SOURCES else source)
    if record["received"]:
        timing += t("show.received", at=record["received"][:16].replace("T", " "))
    if record["feedback"]:
        timing += t("show.outcome", at=record["feedback"][:16].replace("T", " "))
    out.append(plain(timing))
    return out
