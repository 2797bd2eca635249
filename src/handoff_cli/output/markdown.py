"""Markdown (GitHub Flavored): what `check` found, the overdue handoffs, the whole report
and the 1on1 sheet (`report --format markdown`), as tables a person reads on a web page: a
CI step summary, a pull request comment, a wiki. Under GitHub Actions `check` and `report
--fail-on-overdue` append theirs to the job summary (output/github.py, `step_summary`).

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


ROWS_SHOWN = 100  # rows of one table in `--format markdown`; the rest are counted (a PR comment holds 64 KiB)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, unit: str | None = None) -> str:
    return "–" if value is None else f"{value:g}" + (t(f"unit.{unit}") if unit else "")


def _mix(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "–"


def _list(items) -> str:
    return ", ".join(items) or "–"


def _handed(row) -> str:
    return t("report.handed", date=row.handed_over[:10], days=row.age_days) + (
        t("report.uncommitted") if getattr(row, "uncommitted", False) else "")


def _due(row) -> str:
    return t("report.overdue", due=row.due) if row.overdue else row.due


def _title(row) -> str:
    return ("⚠ " if row.safety_issue else "") + row.title


def section(heading: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *, empty: str,
            legend: str | None = None, right: Sequence[int] = (), csv_table: str | None = None) -> list[str]:
    """One report section: a heading, its table (at most ROWS_SHOWN rows, the rest counted)
    and a legend; or the heading and one line saying there is nothing."""
    lines = [f"### {text(heading)}", ""]
    if not rows:
        return lines + [text(empty), ""]
    lines += header([t(f"report.column.{c}") for c in columns], right) + [row(r) for r in rows[:ROWS_SHOWN]]
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
        rows = [row((r.id, ("⚠ " if r.safety_issue else "") + r.title, r.receiver,
                     t("report.handed", date=r.handed_over[:10], days=r.age_days), _phase(r.awaiting), r.due))
                for r in report.pending if r.overdue]
        head = [f"### {text(t('markdown.overdue.heading', date=report.as_of[:10]))}", ""]
        columns = [t(f"report.column.{name}") for name in ("id", "title", "receiver", "handed_over", "awaiting", "due")]
        self._write(head, header(columns) if rows else [], rows, ([""] if rows else []) + [text(overdue_line(report))],
                    "markdown.more_overdue")

    def report(self, report, *, table: str) -> None:
        """The whole report, section by section (`table` is for one-table formats)."""
        lines = [f"## {text(t('markdown.report.heading', date=report.as_of[:10], count=report.handoffs))}", ""]
        if report.warnings:
            lines += [f"> {text(t('report.warning', warning=w))}" for w in report.warnings] + [""]
        if not report.handoffs:
            self.stream.write("\n".join(lines + [text(t("report.empty"))]) + "\n")
            return
        lines += section(t("report.pending.title", count=len(report.pending), date=report.as_of[:10]),
                         ("receiver", "id", "title", "handed_over", "awaiting", "due"),
                         [(r.receiver, r.id, _title(r), _handed(r), _phase(r.awaiting), _due(r))
                          for r in report.pending], empty=t("report.pending.none"),
                         legend=t("legend.pending"), csv_table="pending")
        lines += section(t("report.rework.title", count=len(report.rework)),
                         ("sender", "id", "title", "decision", "note", "fields", "age"),
                         [(r.sender, r.id, _title(r), t(f"decision.{r.decision}")
                           + (f" ({t(f'rejection_reason.{r.reason}')})" if r.reason else ""), r.note or "–",
                           _list(r.fields), t("unit.days.count", days=r.age_days)) for r in report.rework],
                         empty=t("report.rework.none"), legend=t("legend.rework"), csv_table="rework")
        lines += [text(_responsiveness(report.responsiveness)), ""]
        by = t(f"report.by.{report.by}")
        lines += section(t("report.quality.title", by=by),
                         ("group", "n", "quality", "final", "feedback", "receipt_on_time", "median_latency",
                          "acceptance_rate", "outcomes", "most_often_missing"),
                         [(r.group, r.count, _num(r.quality), r.final, _pct(r.feedback_rate),
                           _pct(r.receipt_on_time_rate), _num(r.median_latency_days, "days"),
                           _pct(r.acceptance_rate), _mix(r.outcomes), _list(r.top_missing)) for r in report.groups],
                         empty="–", legend=t("legend.quality", by=by), right=range(1, 8), csv_table="quality")
        lines += section(t("report.funnel.title"),
                         ("kind", "handed_over_count", "received", "accepted_only", "conditional", "rejected",
                          "acceptance", "outcomes", "rejection_reasons", "most_often_missing"),
                         [(r.kind, r.handed_over, r.received, r.accepted, r.conditional, r.rejected,
                           _pct(r.acceptance_rate), _mix(r.outcomes), _mix(r.rejection_reasons),
                           _list(r.top_missing)) for r in report.funnel],
                         empty="–", legend=t("legend.funnel"), right=range(1, 7), csv_table="funnel")
        losses = [reason for r in report.funnel for reason in r.loss_reasons]
        if losses:
            lines += [f"**{text(t('report.loss_reasons'))}**", ""] + [f"- {text(x)}" for x in losses] + [""]
        lines += section(t("report.trend.title"), ("month", "n", "quality", "median_latency", "feedback"),
                         [(r.month, r.count, _num(r.quality), _num(r.median_latency_days, "days"),
                           _pct(r.feedback_rate)) for r in report.trend],
                         empty="–", legend=t("legend.trend"), right=range(1, 5), csv_table="trend")
        lines += section(t("report.best.title"), ("id", "title", "from_to", "quality", "outcome", "rating"),
                         [(r.id, r.title, f"{r.sender} → {r.receiver}", r.quality, r.outcome, f"{r.rating}/5")
                          for r in report.best], empty=t("report.best.none"), legend=t("legend.best"),
                         right=(3, 5), csv_table="best")
        self.stream.write("\n".join(lines).rstrip("\n") + "\n")

    def person(self, sheet, *, table: str) -> None:
        """The 1on1 sheet: the person's side as a sender, then as a receiver."""
        who = sheet.name + (f" <{sheet.email}>" if sheet.email else "")
        period = t("markdown.person.period", since=sheet.since or "…", until=sheet.until or sheet.as_of[:10])
        lines = [f"## {text(t('markdown.person.heading', person=who))}", "", text(period), ""]
        if sheet.warnings:
            lines += [f"> {text(t('report.warning', warning=w))}" for w in sheet.warnings] + [""]
        sender, receiver = sheet.sender, sheet.receiver
        if sender is None:
            lines += [text(t("person.sent_nothing")), ""]
        else:
            lines += [f"### {text(t('person.as_sender', count=len(sender.handoffs), quality=_num(sender.quality)))}",
                      ""]
            lines += section(t("person.handoffs.title"),
                             ("id", "title", "kind", "receiver", "handed_over_date", "quality", "weakest", "state",
                              "rating"),
                             [(h.id, h.title, h.kind, h.receiver, h.handed_over, h.quality,
                               _list(t(f"quality.part.{p}") for p in h.weakest), t(f"state.{h.state}"),
                               "–" if h.rating is None else f"{h.rating}/5") for h in sender.handoffs],
                             empty="–", legend=t("legend.person.handoffs"), right=(5, 8), csv_table="handoffs")
            lines += section(t("person.fields.title"), ("field", "missing", "wrong"),
                             [(f"{n.title} ({n.field})", n.missing, n.wrong) for n in sender.fields],
                             empty=t("person.fields.none"), right=(1, 2), csv_table="fields")
            if sender.requests:
                lines += [f"### {text(t('person.requests.title'))}", ""]
                lines += [f"> {text(q.text)} — {text(q.receiver)}, {text(q.id)}\n" for q in sender.requests]
            if sender.questions:
                lines += [f"### {text(t('person.questions.title'))}", ""]
                lines += [f"{i}. {text(q.question)}" for i, q in enumerate(sender.questions, 1)] + [""]
            lines += section(t("report.trend.title"), ("month", "n", "quality", "median_latency", "feedback"),
                             [(r.month, r.count, _num(r.quality), _num(r.median_latency_days, "days"),
                               _pct(r.feedback_rate)) for r in sender.trend], empty="–", right=range(1, 5))
            examples = [(t("person.best.own"), sender.best), (t("person.best.peer"), sender.peer_best)]
            lines += section(t("person.best.title"), ("which", "id", "title", "from_to", "quality", "rating"),
                             [(label, b.id, b.title, f"{b.sender} → {b.receiver}", b.quality, f"{b.rating}/5")
                              for label, b in examples if b], empty=t("report.best.none"), right=(4, 5))
            lines += section(t("report.rework.title", count=len(sender.rework)),
                             ("id", "title", "receiver", "decision", "note", "fields", "age"),
                             [(r.id, r.title, r.receiver, t(f"decision.{r.decision}"), r.note or "–",
                               _list(r.fields), t("unit.days.count", days=r.age_days)) for r in sender.rework],
                             empty=t("report.rework.none"), csv_table="rework")
        if receiver is None:
            lines += [text(t("person.received_nothing")), ""]
        else:
            lines += [f"### {text(t('person.as_receiver', count=receiver.received))}", "",
                      text(_responsiveness(receiver.responsiveness)), ""]
            lines += section(t("person.owed.title", count=len(receiver.owed)),
                             ("id", "title", "handed_over", "awaiting", "due"),
                             [(r.id, _title(r), _handed(r), _phase(r.awaiting), _due(r)) for r in receiver.owed],
                             empty=t("person.owed.none"), csv_table="owed")
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


def _responsiveness(r) -> str:
    return t("report.responsiveness", receipts=r.receipts, receipt_on_time=_pct(r.receipt_on_time_rate),
             receipt_median=_num(r.receipt_median_hours, "hours"), receipt_p90=_num(r.receipt_p90_hours, "hours"),
             outcomes=r.outcomes, outcome_on_time=_pct(r.outcome_on_time_rate),
             outcome_median=_num(r.outcome_median_days, "days"), outcome_p90=_num(r.outcome_p90_days, "days"),
             overdue=r.overdue)
