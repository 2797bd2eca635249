"""Markdown (GitHub Flavored): what `check` found, and the overdue handoffs of `report`, as
tables a person reads on a web page. Under GitHub Actions the commands append it to the job
summary (output/github.py, `step_summary`); a `--format markdown` would reuse it.

A value from data is one line of plain text in a cell, never Markdown or HTML: sanitised
(output/sanitize.py: no control character, no line break), then every character Markdown
or GitHub gives a meaning inline (`|` ends a cell; `*`, `_`, `` ` ``, `[`, `<`, `&`, `$`, `~`,
`!` start emphasis, code, links, images, HTML, entities, maths) is backslash-escaped, so it
is shown exactly as written. The output is kept under a size (`room`, bytes): a GitHub step
summary larger than 1 MiB is refused whole, so the rows that do not fit are counted instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TextIO

from handoff_cli.i18n import t
from handoff_cli.output import Renderer
from handoff_cli.output.sanitize import sanitize
from handoff_cli.output.text import overdue_line, summary_line

_SPECIAL = re.compile(r"[\\`*_{}\[\]<>!|~&$]")


def text(value: object) -> str:
    """`value` as Markdown text on one line, shown as written (see the module's note)."""
    return _SPECIAL.sub(lambda found: "\\" + found.group(), sanitize(value))


def row(cells: Iterable[object]) -> str:
    """One table row; every cell is text (`text`), `|` included, so no cell can end early."""
    return "| " + " | ".join(text(cell) for cell in cells) + " |"


def header(columns: Sequence[str], right: Sequence[int] = ()) -> list[str]:
    """A table's header row and its delimiter row (`right`: the right-aligned columns)."""
    return [row(columns), "|" + "|".join("---:" if i in right else "---" for i in range(len(columns))) + "|"]


def _phase(phase: str) -> str:
    return t(f"phase.{phase}") if phase in ("receipt", "outcome") else phase


def _size(line: str) -> int:
    return len(line.encode("utf-8")) + 1


class MarkdownRenderer(Renderer):
    def __init__(self, stream: TextIO, room: int | None = None):
        super().__init__(stream)
        self.room = room  # bytes this may write at most; None: no limit

    def check(self, result, *, notes: Sequence[str] = ()) -> None:
        """A heading, the summary line, `notes` (e.g. that the settings changed), and every
        finding as a row of a table."""
        head = [f"### {text(t('markdown.check.heading'))}", "", text(summary_line(result.files_checked,
                                                                                   result.findings)), ""]
        for note in notes:
            head += [text(note), ""]
        rows = [row((f.file, f.line, f.field, f.message, f.code)) for f in result.findings]
        columns = [t(f"markdown.column.{name}") for name in ("file", "line", "field", "finding", "code")]
        self._write(head, header(columns, right=(1,)) if rows else [], rows, [], "markdown.more_findings")

    def overdue(self, report) -> None:
        """The handoffs whose receipt or outcome is overdue, most urgent first, and one line
        saying how many (output/text.py, `overdue_line`)."""
        rows = [row((r.id, ("⚠ " if r.safety_issue else "") + r.title, r.receiver,
                     t("report.handed", date=r.handed_over[:10], days=r.age_days), _phase(r.awaiting), r.due))
                for r in report.pending if r.overdue]
        head = [f"### {text(t('markdown.overdue.heading', date=report.as_of[:10]))}", ""]
        columns = [t(f"report.column.{name}") for name in ("id", "title", "receiver", "handed_over", "awaiting", "due")]
        self._write(head, header(columns) if rows else [], rows, ([""] if rows else []) + [text(overdue_line(report))],
                    "markdown.more_overdue")

    def _write(self, head: list[str], table_head: list[str], rows: list[str], tail: list[str], more: str) -> None:
        """`head`, the table, `tail`. When that would take more than `room` bytes, the rows
        that do not fit are left out and counted on a line of their own; when not even that
        fits, nothing is written (GitHub would refuse the whole summary)."""
        shown = len(rows)
        if self.room is not None and sum(map(_size, head + table_head + rows + tail)) + 1 > self.room:
            left = self.room - sum(map(_size, head + table_head + tail)) - 1 - _size("") \
                - _size(text(t(more, count=len(rows))))
            shown = 0
            for line in rows:
                left -= _size(line)
                if left < 0:
                    break
                shown += 1
        lines = head + (table_head + rows[:shown] if shown else [])
        if shown < len(rows):  # after a blank line (the head ends with one)
            lines += ([""] if shown else []) + [text(t(more, count=len(rows) - shown))]
        lines += tail
        while lines and not lines[-1]:
            lines.pop()
        out = "\n".join(lines) + "\n\n"  # a blank line after: whatever comes next starts afresh
        if self.room is None or len(out.encode("utf-8")) <= self.room:
            self.stream.write(out)
