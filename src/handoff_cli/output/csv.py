"""CSV for spreadsheets: one table per run, a header row first.

Text from data is written so that a spreadsheet never runs it and a terminal or CI log
never obeys it: a text cell starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'`
(OWASP's advice against formula injection; numbers stay numbers), and control characters,
line breaks included, are shown as escapes (sanitize.py), one record per line."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import astuple, fields
from typing import Any

from handoff_cli.output import Renderer
from handoff_cli.sanitize import sanitize

LIST_HEADER = ("id", "kind", "title", "from", "to", "created", "feedback", "safety_issue", "path")
SCORE_PARTS = ("required", "recommended", "specificity", "actionability", "rating", "stability")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text (`'` before a would-be formula) and that holds
    no control character; numbers and booleans as they are."""
    if not isinstance(value, str):
        return value
    text = sanitize(value)
    return "'" + text if value.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else value


def rows_csv(row_type: type, items: Sequence) -> str:
    """A table of dataclass rows: its fields as the header (even with no rows), one line each."""
    return csv_text([f.name for f in fields(row_type)], [[_cell(v) for v in astuple(item)] for item in items])


def report_csv(report, table: str) -> str:
    from handoff_cli.reporting.report import BestRow, FunnelRow, GroupRow, PendingRow, ReworkRow, TrendRow

    if table == "scores":
        header = ("id", "kind", "sender", "receiver", "handed_over", "quality", "status", "penalty", "rework",
                  *(f"part_{p}" for p in SCORE_PARTS))
        rows = [(s["id"], s["kind"], s["sender"], s["receiver"], s["handed_over"], s["quality"], s["status"],
                 s["penalty"], s["rework"], *(_cell(s["parts"][p]["value"]) for p in SCORE_PARTS))
                for s in report.score_records()]
        return csv_text(header, rows)
    row_type, items = {"pending": (PendingRow, report.pending), "rework": (ReworkRow, report.rework),
                       "quality": (GroupRow, report.groups), "trend": (TrendRow, report.trend),
                       "best": (BestRow, report.best), "funnel": (FunnelRow, report.funnel)}[table]
    return rows_csv(row_type, items)


def person_csv(sheet, table: str) -> str:
    """One table of the 1on1 sheet; a side the person does not have gives the header alone."""
    from handoff_cli.reporting.person import FieldNote, SheetHandoff
    from handoff_cli.reporting.report import PendingRow, ReworkRow, TrendRow

    sender, receiver = sheet.sender, sheet.receiver
    row_type, items = {"handoffs": (SheetHandoff, sender.handoffs if sender else []),
                       "fields": (FieldNote, sender.fields if sender else []),
                       "trend": (TrendRow, sender.trend if sender else []),
                       "rework": (ReworkRow, sender.rework if sender else []),
                       "owed": (PendingRow, receiver.owed if receiver else [])}[table]
    return rows_csv(row_type, items)


class CsvRenderer(Renderer):
    def list(self, rows) -> None:
        self.stream.write(csv_text(LIST_HEADER, [(r.id, r.kind, r.title, r.sender, r.receiver, r.created, r.state,
                                                  str(r.safety_issue).lower(), r.path) for r in rows]))

    def report(self, report, *, table: str) -> None:
        self.stream.write(report_csv(report, table))

    def person(self, sheet, *, table: str) -> None:
        self.stream.write(person_csv(sheet, table))
