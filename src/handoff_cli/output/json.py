"""JSON for programs: versioned (`"format_version": 1`), UTF-8 as is. No rich here, so
scripts and CI that ask for data do not pay for the terminal renderer's start-up.
Every value round-trips exactly; the few characters a terminal or CI log could act on
are written as JSON escapes (sanitize.py, `json_safe`)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from handoff_cli.documents.layout import display_path
from handoff_cli.output import Renderer
from handoff_cli.sanitize import json_safe, json_safe_bytes

FORMAT_VERSION = 1


def json_text(payload: dict) -> str:
    return json_safe(json.dumps({"format_version": FORMAT_VERSION, **payload}, ensure_ascii=False, indent=2)) + "\n"


def report_json(report) -> Iterator[bytes]:
    """Compact JSON (one line), in pieces: a report carries every handoff's score record,
    which is inert JSON already (`Assessment.score`) and is written as it is."""
    head = json_safe_bytes(json.dumps({"format_version": FORMAT_VERSION, "report": report.as_dict()},
                                      ensure_ascii=False, separators=(",", ":")).encode())  # as bytes: twice as fast
    yield head[:-2] + b',"scores":['
    yield b",".join(report.scores)
    yield b"]}}\n"


class JsonRenderer(Renderer):
    def check(self, result) -> None:
        findings = result.findings
        self.stream.write(json_text({
            "files_checked": result.files_checked,
            "files_with_findings": len({f.file for f in findings}),
            "findings": [{"file": f.file, "line": f.line, "column": f.column, "field": f.field,
                          "message": f.message, "code": f.code} for f in findings],
        }))

    def list(self, rows) -> None:
        self.stream.write(json_text({"handoffs": [r.as_dict() for r in rows]}))

    def show(self, view) -> None:
        self.stream.write(json_text({
            "score": view.score,
            "handoff": view.handoff.data, "path": display_path(view.handoff.path), "feedback_state": view.state,
            "feedback": [e.data for e in view.feedback.entries] if view.feedback else [],
        }))

    def person(self, sheet, *, table: str) -> None:
        self.stream.write(json_text({"person": sheet.as_dict()}))

    def report(self, report, *, table: str) -> None:
        self.stream.flush()
        self.stream.buffer.writelines(report_json(report))
        self.stream.buffer.flush()
