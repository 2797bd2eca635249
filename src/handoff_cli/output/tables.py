"""Rich tables and readable text for people: what `list`, `show` and `report` print on a
terminal. Every cell and line built from data is a `Text` (plain), never markup, and its
text is sanitised (sanitize.py): one line per table cell, lines kept in `show`'s values."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from handoff_cli.documents.layout import display_path
from handoff_cli.i18n import t
from handoff_cli.output import words
from handoff_cli.output.layout import Column, FitTable, Paragraph, blank_repeats
from handoff_cli.reporting.lists import HandoffView, ListRow
from handoff_cli.reporting.person import WEAK_BELOW
from handoff_cli.reporting.report import Report
from handoff_cli.sanitize import sanitize, sanitize_block


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


def _state(state: str) -> Text:
    return Text(words.state(state), style=_STATE_STYLE.get(state, ""))


def _title(title: str, safety_issue: bool) -> Text:
    """A handoff's title; a safety issue marked, in red."""
    return plain(("⚠ " if safety_issue else "") + title, style="bold red" if safety_issue else "")


def list_table(rows: Sequence[ListRow]) -> FitTable | Text:
    if not rows:
        return Text(t("tables.empty.list"))
    roles = {"id": "key", "kind": "key", "from": "key", "to": "key", "title": "text"}
    priority = {"title": 0, "feedback": 1, "created": 2}
    columns = [Column(t(f"list.column.{name}"), roles.get(name, "value"), priority=priority.get(name, 0))
               for name in LIST_COLUMNS]
    return FitTable(columns, [(row.id, row.kind, _title(row.title, row.safety_issue), row.sender, row.receiver,
                               row.created[:10], _state(row.state)) for row in rows])


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
    out: list = [Paragraph(plain(f"{h.id}  {h.title}", style="bold")),
                 _fields_table([(t("show.label.kind"), h.kind), (t("show.label.created"), h.created),
                                (t("show.label.from"), _person(h.sender)), (t("show.label.to"), _person(h.receiver)),
                                (t("show.label.customer"), _value_text(h.customer)),
                                (t("show.label.file"), display_path(h.path)),
                                (t("show.label.feedback"), words.state(view.state))], lines=False)]
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
            head = f"{words.phase(entry.phase)}  {entry.at}  {_person(entry.by)}"
            pairs = [(k, _entry_value(k, v, h.kind)) for k, v in entry.data.items() if k not in ("phase", "at", "by")]
            out += [plain(head, style="bold"), _fields_table(pairs)]
    return out


def _entry_value(name: str, value: Any, kind: str) -> Any:
    """A feedback entry's decision, rejection reason or outcome by its Japanese label in
    Japanese (where the schema has one); any other value as it is."""
    if not isinstance(value, str) or name not in ("decision", "rejection_reason", "outcome"):
        return value
    if name == "outcome":
        return words.outcome(value, kind)
    return words.decision(value) if name == "decision" else words.reason(value)


# ---------------------------------------------------------------- report

def _key(name: str) -> Column:
    return Column(t(f"report.column.{name}"), "key")


def _value(name: str, priority: int = 0, *, right: bool = False) -> Column:
    return Column(t(f"report.column.{name}"), "value", right, priority)


def _text(name: str, priority: int = 0) -> Column:
    return Column(t(f"report.column.{name}"), "text", priority=priority)


def _section(title: str, rows: Sequence, empty: str, build) -> list:
    """A titled table, or one line saying the section is empty."""
    if not rows:
        return [Text(empty, style="dim"), Text("")]
    return [build(title), Text("")]


def pending_table(rows: Sequence, title: str, receiver: bool = True) -> FitTable:
    """Pending feedback, grouped by receiver (shown once per group), overdue marked;
    `receiver=False` where every row is the same person's (the 1on1 sheet's "still owed")."""
    def due(row) -> Text:
        return plain(words.due(row), style="bold red" if row.overdue else "")

    columns = [_key("id"), _text("title", 2), _value("state", 1), _value("due", 0), _value("handed_over", 3)]
    cells = [(row.id, _title(row.title, row.safety_issue), words.awaiting(row.awaiting), due(row),
              words.handed(row)) for row in rows]
    if receiver:
        columns.insert(0, _key("receiver"))
        cells = [(name, *rest) for name, rest in zip(blank_repeats([row.receiver for row in rows]), cells)]
    return FitTable(columns, cells, title=title, legend=t("report.legend.pending"))


def rework_table(rows: Sequence, title: str) -> FitTable:
    """Handoffs sent back or taken on a condition: who must act, and what the receiver said."""
    columns = [_key("id"), _key("sender"), _key("receiver"), _value("decision", 0),
               _value("reason", 1), _value("age", 2, right=True), _text("title", 3), _value("fields", 4),
               _text("note", 5)]
    return FitTable(columns, [
        (row.id, row.sender, row.receiver,
         plain(words.decision(row.decision), style="red" if row.decision == "rejected" else "yellow"),
         words.reason(row.reason), words.days(row.age_days),
         _title(row.title, row.safety_issue), words.listing(row.fields), row.note or words.NONE)
        for row in rows], title=title, legend=t("report.legend.rework"))


def trend_table(rows: Sequence, title: str) -> FitTable:
    columns = [_key("month"), _value("n", 0, right=True), _value("quality", 0, right=True),
               _value("latency", 1, right=True), _value("feedback", 2, right=True)]
    return FitTable(columns, [(row.month, str(row.count), words.num(row.quality),
                               words.num(row.median_latency_days, "days"), words.pct(row.feedback_rate))
                              for row in rows], title=title, legend=t("report.legend.trend"))


def report_renderables(report: Report, warnings: bool = True) -> list:
    """The report's tables; `warnings=False` when the caller prints them on stderr instead."""
    out: list = []
    if warnings and report.warnings:
        out += [plain(t("report.warning", warning=w), style="yellow") for w in report.warnings] + [Text("")]
    if not report.handoffs:
        return out + [Text(t("report.empty"))]
    date = report.as_of[:10]
    out += _section(t("report.section.pending", count=len(report.pending), date=date), report.pending,
                    t("report.none.pending", date=date), lambda title: pending_table(report.pending, title))
    out += _section(t("report.section.rework", count=len(report.rework)), report.rework, t("report.none.rework"),
                    lambda title: rework_table(report.rework, title))
    out += [Paragraph(words.responsiveness(report.responsiveness)), Text("")]
    by = words.grouping(report.by)
    groups = FitTable(
        [Column(by, "key"), _value("n", 0, right=True), _value("quality", 0, right=True),
         _value("final", 1, right=True), _value("feedback", 2, right=True), _value("receipt_on_time", 3, right=True),
         _value("latency", 4, right=True), _value("acceptance", 3, right=True), _value("outcomes", 6),
         _value("most_often_missing", 5)],
        [(row.group, str(row.count), words.num(row.quality), str(row.final), words.pct(row.feedback_rate),
          words.pct(row.receipt_on_time_rate), words.num(row.median_latency_days, "days"),
          words.pct(row.acceptance_rate), words.outcomes(row.outcomes), words.listing(row.top_missing))
         for row in report.groups],
        title=t("report.section.quality", by=by), legend=t("report.legend.quality"))
    out += [groups, Text("")]
    funnel = FitTable(
        [_key("kind"), _value("handed_over_count", 0, right=True), _value("received", 0, right=True),
         _value("accepted", 0, right=True), _value("conditional", 0, right=True), _value("rejected", 0, right=True),
         _value("acceptance", 1, right=True), _value("outcomes", 2), _value("rejection_reasons", 3),
         _value("most_often_missing", 4)],
        [(row.kind, str(row.handed_over), str(row.received), str(row.accepted), str(row.conditional),
          str(row.rejected), words.pct(row.acceptance_rate),
          words.outcomes(row.outcomes, row.kind),
          words.mix(row.rejection_reasons, words.reason), words.listing(row.top_missing))
         for row in report.funnel],
        title=t("report.section.funnel"), legend=t("report.legend.funnel"))
    out += [funnel]
    losses = [reason for row in report.funnel for reason in row.loss_reasons]
    if losses:
        out += [Text(t("report.loss_reasons"), style="bold")] + [plain("  • " + reason) for reason in losses]
    out.append(Text(""))
    out += [trend_table(report.trend, t("report.section.trend")), Text("")]
    out += _section(t("report.section.best"), report.best, t("report.none.best"),
                    lambda title: best_table(report.best, title))
    return out[:-1]


def best_table(rows: Sequence, title: str) -> FitTable:
    columns = [_key("id"), _key("from_to"), _value("quality", 0, right=True), _value("outcome", 1),
               _value("rating", 1, right=True), _text("title", 0)]
    return FitTable(columns, [(row.id, f"{row.sender} → {row.receiver}", str(row.quality),
                               words.outcome(row.outcome), f"{row.rating}/5", row.title) for row in rows],
                    title=title, legend=t("report.legend.best"))


_SOURCES = ("git", "uncommitted", "file")  # where the handover time came from: "show.source.<name>"


def explanation_renderables(record: dict) -> list:
    """`show`'s "why N": the quality score part by part."""
    out = [plain(t("show.quality", quality=record["quality"], status=words.status(record["status"])),
                 style="bold underline")]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for name, part in record["parts"].items():
        value = words.NONE if part["value"] is None else f"{part['value'] * 100:.0f}%"
        add_row(table, words.part(name), f"{value} × {part['weight']:g}",
                part["detail"])
    if record["penalty"]:
        add_row(table, t("show.penalty"), f"−{record['penalty']}", Text(t("show.penalty.reason")))
    out += [table, Paragraph(t("tables.legend.score"), style="dim")]
    source = record["source"]
    timing = t("show.handed_over", at=record["handed_over"][:16].replace("T", " "),
               source=t(f"show.source.{source}") if source in _SOURCES else source)
    if record["received"]:
        timing += t("show.received", at=record["received"][:16].replace("T", " "))
    if record["feedback"]:
        timing += t("show.outcome", at=record["feedback"][:16].replace("T", " "))
    out.append(Paragraph(plain(timing)))
    return out


# ---------------------------------------------------------------- the 1on1 sheet

def _heading(text: str) -> list:
    return [Text(""), Text(text, style="bold underline")]


def person_renderables(sheet, warnings: bool = False) -> list:
    """The 1on1 sheet (reporting.person.PersonSheet): the person's side as a sender, then as
    a receiver; a side they have no handoffs on says so in one line."""
    out: list = []
    if warnings and sheet.warnings:
        out += [plain(t("report.warning", warning=w), style="yellow") for w in sheet.warnings] + [Text("")]
    who = ", ".join(x for x in (sheet.email, sheet.team) if x)
    period = t("tables.person.period", since=sheet.since or "…", until=sheet.until or "…") \
        if sheet.since or sheet.until else ""
    out.append(plain(t("person.title", name=sheet.name + (f" ({who})" if who else ""))
                     + t("tables.person.as_of", date=sheet.as_of[:10]) + period, style="bold"))
    out += _sender_renderables(sheet.sender) if sheet.sender else [Text(""), Text(t("person.none.sent"))]
    side = sheet.receiver
    if side is None:
        return out + [Text(""), Text(t("person.none.received"))]
    out += _heading(t("person.as_receiver", count=side.received))
    out.append(Paragraph(words.responsiveness(side.responsiveness)))
    out.append(Text(""))
    if side.owed:
        out.append(pending_table(side.owed, t("person.section.owed", count=len(side.owed)), receiver=False))
    else:
        out.append(Text(t("person.none.owed"), style="dim"))
    return out


def _sender_renderables(side) -> list:
    out = _heading(t("person.as_sender", count=len(side.handoffs), quality=words.num(side.quality)))
    columns = [_key("id"), _key("receiver"), _value("quality", 0, right=True), _value("status", 1),
               _value("state", 1), _value("rating", 2, right=True), _text("title", 3), _value("weakest", 4)]
    out.append(FitTable(columns, [
        (h.id, h.receiver, str(h.quality), words.status(h.status), _state(h.state),
         words.rating(h.rating), h.title, words.parts(h.weakest))
        for h in side.handoffs], title=t("person.section.handoffs", count=len(side.handoffs)),
        legend=t("person.legend.handoffs")))
    weak = [w for w in side.weak_parts if w.share < WEAK_BELOW][:3]
    if weak:
        out.append(Paragraph(t("tables.person.weak", parts=words.listing(
            f"{words.part(w.part)} {words.pct(w.share)}" for w in weak))))
    out += _heading(t("person.section.fields"))
    if side.fields:
        out.append(FitTable([_key("field"), _value("missing", 0, right=True), _value("wrong", 0, right=True)],
                            [(f"{f.title} ({f.field})" if f.title != f.field else f.field, str(f.missing),
                              str(f.wrong)) for f in side.fields], legend=t("person.legend.fields")))
    else:
        out.append(Text(t("person.none.fields"), style="dim"))
    if side.requests:
        out += _heading(t("person.section.requests"))
        out += [Paragraph(plain("• " + t("tables.person.quote", text=q.text, receiver=q.receiver, id=q.id)), hang=2)
                for q in side.requests]
    if side.trend:
        out += [Text(""), trend_table(side.trend, t("report.section.trend"))]
    out += _heading(t("person.section.best"))
    for own, line, best, none in (("person.best.own", "tables.person.yours", side.best, "report.none.best"),
                                  ("person.best.peer", "tables.person.peer", side.peer_best, "person.none.peer")):
        if best is None:
            out.append(Text(f"{t(own)}: {t(none)}", style="dim"))
        else:
            out.append(Paragraph(plain(t(line, id=best.id, title=best.title, sender=best.sender,
                                         quality=best.quality, outcome=words.outcome(best.outcome),
                                         rating=best.rating))))
    out.append(Text(""))
    if side.rework:
        out.append(rework_table(side.rework, t("report.section.rework", count=len(side.rework))))
    else:
        out.append(Text(t("report.none.rework"), style="dim"))
    if side.questions:
        out += _heading(t("person.section.questions"))
        out += [Paragraph(plain(f"{n}. {q.question}" + t("person.questions.missed", count=q.missed)), hang=3)
                for n, q in enumerate(side.questions, 1)]
        out.append(Paragraph(t("person.legend.questions"), style="dim"))
    return out
