"""Markdown (GitHub Flavored): what `check` found, the overdue handoffs, the whole report
and the 1on1 sheet (`report --format markdown`), as tables a person reads on a web page: a
CI step summary, a pull request comment, a wiki. Under GitHub Actions `check` and `report
--fail-on-overdue` append theirs to the job summary (output/github.py, `step_summary`).

A value from data is one line of plain text in a cell, never Markdown or HTML: sanitised
(sanitize.py: no control character, no line break), then every character Markdown
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
from handoff_cli.output import Renderer, words
from handoff_cli.output.text import overdue_line, summary_line
from handoff_cli.sanitize import sanitize

_SPECIAL = re.compile(r"[\\`*_{}\[\]<>!|~&$]")
# What GitHub turns into a notification or a link in plain text: @mentions, #123 / GH-123
# references, :emoji: codes, and bare URLs (`https://`, `www.`). A WORD JOINER (U+2060,
# invisible) after the sign keeps each one plain text that reads the same.
_LIVE = re.compile(r"@|#(?=\d)|(?<=[Gg][Hh])-(?=\d)|:(?=[a-z0-9_+-]+:)|:(?=//)|(?<=[Ww]{3})\.")
_JOINER = "\u2060"


def text(value: object) -> str:
    """`value` as Markdown text on one line, shown as written (see the module's note): no
    markup, and no mention, reference or link that GitHub would make live."""
    escaped = _SPECIAL.sub(lambda found: "\\" + found.group(), sanitize(value))
    return _LIVE.sub(lambda found: found.group() + _JOINER, escaped)


def row(cells: Iterable[object]) -> str:
    """One table row; every cell is text (`text`), `|` included, so no cell can end early."""
    return "| " + " | ".join(text(cell) for cell in cells) + " |"


def header(columns: Sequence[str], right: Sequence[int] = ()) -> list[str]:
    """A table's header row and its delimiter row (`right`: the right-aligned columns)."""
    return [row(columns), "|" + "|".join("---:" if i in right else "---" for i in range(len(columns))) + "|"]


ROWS_SHOWN = 100  # rows of one table in `--format markdown`; the rest are counted (a PR comment holds 64 KiB)


def _title(row) -> str:
    return ("⚠ " if row.safety_issue else "") + row.title


def columns(*names: str) -> list[str]:
    """Column headers: i18n "report.column.<name>", the same words in every format."""
    return [t(f"report.column.{name}") for name in names]


def section(heading: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *, empty: str,
            legend: str | None = None, right: Sequence[int] = (), csv_table: str | None = None) -> list[str]:
    """One report section: a heading, its table (at most ROWS_SHOWN rows, the rest counted)
    and a legend; or the heading and one line saying there is nothing."""
    lines = [f"### {text(heading)}", ""]
    if not rows:
        return lines + [text(empty), ""]
    lines += header(columns, right) + [row(r) for r in rows[:ROWS_SHOWN]]
    lines.append("")
    if len(rows) > ROWS_SHOWN:
        lines += [text(t("markdown.more_rows", count=len(rows) - ROWS_SHOWN, table=csv_table or "")), ""]
    if legend:
        lines += [f"_{text(legend)}_", ""]
    return lines


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
        rows = [row((r.id, _title(r), r.receiver, words.handed(r), words.awaiting(r.awaiting), r.due))
                for r in report.pending if r.overdue]
        head = [f"### {text(t('markdown.overdue.heading', date=report.as_of[:10]))}", ""]
        table_head = header(columns("id", "title", "receiver", "handed_over", "state", "due")) if rows else []
        self._write(head, table_head, rows, ([""] if rows else []) + [text(overdue_line(report))],
                    "markdown.more_overdue")

    def report(self, report, *, table: str) -> None:
        """The whole report, section by section (`table` is for one-table formats)."""
        lines = [f"## {text(t('markdown.report.heading', date=report.as_of[:10], count=report.handoffs))}", ""]
        if report.warnings:
            lines += [f"> {text(t('report.warning', warning=w))}" for w in report.warnings] + [""]
        if not report.handoffs:
            self.stream.write("\n".join(lines + [text(t("report.empty"))]) + "\n")
            return
        date = report.as_of[:10]
        lines += section(t("report.section.pending", count=len(report.pending), date=date),
                         columns("receiver", "id", "title", "handed_over", "state", "due"),
                         [(r.receiver, r.id, _title(r), words.handed(r), words.awaiting(r.awaiting), words.due(r))
                          for r in report.pending], empty=t("report.none.pending", date=date),
                         legend=t("report.legend.pending"), csv_table="pending")
        lines += _rework(report.rework, with_sender=True)
        lines += [text(words.responsiveness(report.responsiveness)), ""]
        by = words.grouping(report.by)
        lines += section(t("report.section.quality", by=by),
                         [by] + columns("n", "quality", "final", "feedback", "receipt_on_time", "latency",
                                        "acceptance", "outcomes", "most_often_missing"),
                         [(r.group, r.count, words.num(r.quality), r.final, words.pct(r.feedback_rate),
                           words.pct(r.receipt_on_time_rate), words.num(r.median_latency_days, "days"),
                           words.pct(r.acceptance_rate), words.outcomes(r.outcomes),
                           words.listing(r.top_missing)) for r in report.groups],
                         empty=t("report.none"), legend=t("report.legend.quality"), right=range(1, 8),
                         csv_table="quality")
        lines += section(t("report.section.funnel"),
                         columns("kind", "handed_over_count", "received", "accepted", "conditional", "rejected",
                                 "acceptance", "outcomes", "rejection_reasons", "most_often_missing"),
                         [(r.kind, r.handed_over, r.received, r.accepted, r.conditional, r.rejected,
                           words.pct(r.acceptance_rate), words.outcomes(r.outcomes, r.kind),
                           words.mix(r.rejection_reasons, words.reason), words.listing(r.top_missing))
                          for r in report.funnel],
                         empty=t("report.none"), legend=t("report.legend.funnel"), right=range(1, 7),
                         csv_table="funnel")
        losses = [reason for r in report.funnel for reason in r.loss_reasons]
        if losses:
            lines += [f"**{text(t('report.loss_reasons'))}**", ""] + [f"- {text(x)}" for x in losses] + [""]
        lines += _trend(report.trend)
        lines += section(t("report.section.best"), columns("id", "title", "from_to", "quality", "outcome", "rating"),
                         [(r.id, r.title, f"{r.sender} → {r.receiver}", r.quality, words.outcome(r.outcome),
                           f"{r.rating}/5") for r in report.best], empty=t("report.none.best"),
                         legend=t("report.legend.best"), right=(3, 5), csv_table="best")
        self.stream.write("\n".join(lines).rstrip("\n") + "\n")

    def person(self, sheet, *, table: str) -> None:
        """The 1on1 sheet: the person's side as a sender, then as a receiver."""
        who = sheet.name + (f" <{sheet.email}>" if sheet.email else "")
        period = t("markdown.person.period", since=sheet.since or "…", until=sheet.until or sheet.as_of[:10])
        lines = [f"## {text(t('person.title', name=who))}", "", text(period), ""]
        if sheet.warnings:
            lines += [f"> {text(t('report.warning', warning=w))}" for w in sheet.warnings] + [""]
        sender, receiver = sheet.sender, sheet.receiver
        if sender is None:
            lines += [text(t("person.none.sent")), ""]
        else:
            lines += [f"### {text(t('person.as_sender', count=len(sender.handoffs), quality=words.num(sender.quality)))}",
                      ""]
            lines += section(t("person.section.handoffs", count=len(sender.handoffs)),
                             columns("id", "title", "kind", "receiver", "handed_over", "quality", "weakest", "state",
                                     "rating"),
                             [(h.id, h.title, h.kind, h.receiver, h.handed_over, h.quality,
                               words.parts(h.weakest), words.state(h.state),
                               words.rating(h.rating)) for h in sender.handoffs],
                             empty=t("report.none"), legend=t("person.legend.handoffs"), right=(5, 8),
                             csv_table="handoffs")
            lines += section(t("person.section.fields"), columns("field", "missing", "wrong"),
                             [(f"{n.title} ({n.field})", n.missing, n.wrong) for n in sender.fields],
                             empty=t("person.none.fields"), legend=t("person.legend.fields"), right=(1, 2),
                             csv_table="fields")
            if sender.requests:
                lines += [f"### {text(t('person.section.requests'))}", ""]
                lines += [f"> {text(q.text)} — {text(q.receiver)}, {text(q.id)}\n" for q in sender.requests]
            if sender.questions:
                lines += [f"### {text(t('person.section.questions'))}", ""]
                lines += [f"{i}. {text(q.question + t('person.questions.missed', count=q.missed))}"
                          for i, q in enumerate(sender.questions, 1)] + ["", f"_{text(t('person.legend.questions'))}_", ""]
            lines += _trend(sender.trend)
            examples = [(t("person.best.own"), sender.best), (t("person.best.peer"), sender.peer_best)]
            lines += section(t("person.section.best"), columns("which", "id", "title", "from_to", "quality", "rating"),
                             [(label, b.id, b.title, f"{b.sender} → {b.receiver}", b.quality, f"{b.rating}/5")
                              for label, b in examples if b], empty=t("report.none.best"), right=(4, 5))
            lines += _rework(sender.rework, with_sender=False)
        if receiver is None:
            lines += [text(t("person.none.received")), ""]
        else:
            lines += [f"### {text(t('person.as_receiver', count=receiver.received))}", "",
                      text(words.responsiveness(receiver.responsiveness)), ""]
            lines += section(t("person.section.owed", count=len(receiver.owed)),
                             columns("id", "title", "handed_over", "state", "due"),
                             [(r.id, _title(r), words.handed(r), words.awaiting(r.awaiting), words.due(r))
                              for r in receiver.owed],
                             empty=t("person.none.owed"), legend=t("report.legend.pending"), csv_table="owed")
        self.stream.write("\n".join(lines).rstrip("\n") + "\n")

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



def _rework(rows, *, with_sender: bool) -> list[str]:
    """The rework section: the report's (who must act: the sender) or a sheet's (theirs)."""
    names = ("id", "title") + (("sender",) if with_sender else ()) + (
        "receiver", "decision", "reason", "note", "fields", "age")
    return section(t("report.section.rework", count=len(rows)), columns(*names),
                   [(r.id, r.title) + ((r.sender,) if with_sender else ()) + (
                       r.receiver, words.decision(r.decision), words.reason(r.reason),
                       r.note or words.NONE, words.listing(r.fields), words.days(r.age_days)) for r in rows],
                   empty=t("report.none.rework"), legend=t("report.legend.rework"), csv_table="rework")


def _trend(rows) -> list[str]:
    return section(t("report.section.trend"), columns("month", "n", "quality", "latency", "feedback"),
                   [(r.month, r.count, words.num(r.quality), words.num(r.median_latency_days, "days"),
                     words.pct(r.feedback_rate)) for r in rows],
                   empty=t("report.none"), legend=t("report.legend.trend"), right=range(1, 5), csv_table="trend")
