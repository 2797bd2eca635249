"""Renderers for programs: JSON and CSV of lists, handoffs and reports. No rich here, so
scripts and CI that ask for data do not pay for the terminal renderer's start-up."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from handoff_cli.findings_format import json_text
from handoff_cli.layout import display_path
from handoff_cli.reporting import HandoffView, ListRow, Report


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def list_json(rows: Sequence[ListRow]) -> str:
    return json_text({"handoffs": [r.as_dict() for r in rows]})


def list_csv(rows: Sequence[ListRow]) -> str:
    header = ("id", "kind", "title", "from", "to", "created", "feedback", "safety_issue", "path")
    return csv_text(header, [(r.id, r.kind, r.title, r.sender, r.receiver, r.created, r.state,
                              str(r.safety_issue).lower(), r.path) for r in rows])


def show_json(view: HandoffView, score: dict | None = None) -> str:
    return json_text({
        "score": score,
        "handoff": view.handoff.data, "path": display_path(view.handoff.path), "feedback_state": view.state,
        "feedback": [e.data for e in view.feedback.entries] if view.feedback else [],
    })


def report_json(report: Report) -> Iterator[bytes]:
    """Compact JSON (one line), in pieces: a report carries every handoff's score record,
    which is JSON already and is written as it is rather than joined into one string."""
    head = json.dumps({"format_version": 1, "report": report.as_dict()}, ensure_ascii=False, separators=(",", ":"))
    yield head[:-2].encode() + b',"scores":['
    for index, score in enumerate(report.scores):
        if index:
            yield b","
        yield score
    yield b"]}}\n"


def report_csv(report: Report, table: str) -> str:
    def cell(value):
        if isinstance(value, dict):
            return "; ".join(f"{k}={v}" for k, v in value.items())
        if isinstance(value, list):
            return "; ".join(map(str, value))
        if isinstance(value, bool):
            return str(value).lower()
        return "" if value is None else value

    if table == "scores":
        header = ("id", "kind", "sender", "receiver", "handed_over", "quality", "status", "penalty", "rework",
                  *(f"part_{p}" for p in ("required", "recommended", "specificity", "actionability", "rating",
                                          "stability")))
        parts = [name[len("part_"):] for name in header[9:]]
        rows = [(s["id"], s["kind"], s["sender"], s["receiver"], s["handed_over"], s["quality"], s["status"],
                 s["penalty"], s["rework"], *(cell(s["parts"][p]["value"]) for p in parts)) for s in report.score_records()]
        return csv_text(header, rows)
    items = {"pending": report.pending, "quality": report.groups, "trend": report.trend, "best": report.best,
             "funnel": report.funnel}[table]
    if not items:
        return ""
    header = list(asdict(items[0]))
    return csv_text(header, [[cell(v) for v in asdict(item).values()] for item in items])
