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
from handoff_cli.i18n import language, t
from handoff_cli.output.layout import Column, FitTable, Paragraph, blank_repeats
from handoff_cli.output.sanitize import sanitize, sanitize_block
from handoff_cli.reporting.lists import HandoffView, ListRow
from handoff_cli.reporting.report import Report
from handoff_cli.rules.kinds import BUILTIN_KINDS, Kinds, builtin_schema


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


def _state(state: str) -> Text:
    return Text(state_label(state), style=_STATE_STYLE.get(state, ""))


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
            pairs = [(k, _entry_value(k, v, h.kind)) for k, v in entry.data.items() if k not in ("phase", "at", "by")]
            out += [plain(head, style="bold"), _fields_table(pairs)]
    return out


def _entry_value(name: str, value: Any, kind: str) -> Any:
    """A feedback entry's decision, rejection reason or outcome by its Japanese label in
    Japanese (where the schema has one); any other value as it is."""
    if not isinstance(value, str) or name not in ("decision", "rejection_reason", "outcome"):
        return value
    return _word(value, _outcome_labels(kind) if name == "outcome" else _feedback_labels(name))


def _phase(phase: str) -> str:
    """receipt / outcome in the user's language (anything else, from data, as it is)."""
    return t(f"phase.{phase}") if phase in ("receipt", "outcome") else str(phase)


# ---------------------------------------------------------------- report

def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, unit: str | None = None) -> str:
    """`value` with i18n's "unit.<unit>" (hours, days) after it."""
    return "–" if value is None else f"{value:g}" + (t(f"unit.{unit}") if unit else "")


def _feedback_labels(name: str) -> dict:
    """The Japanese labels (`x-handoff-enum-ja`) of the feedback schema's field `name`."""
    found: dict = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            spec = (node.get("properties") or {}).get(name)
            if isinstance(spec, dict) and isinstance(spec.get("x-handoff-enum-ja"), dict):
                found.update(spec["x-handoff-enum-ja"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(builtin_schema("feedback"))
    return found


def _outcome_labels(kind: str | None) -> dict:
    """The Japanese labels of a built-in kind's outcomes (any built-in kind's when `kind` is
    None); a custom kind's outcomes show as they are written."""
    kinds = Kinds()
    names = [kind] if kind else list(BUILTIN_KINDS)
    found: dict = {}
    for name in names:
        if name in BUILTIN_KINDS:
            for value, label in kinds.get(name).outcome_labels.items():
                found.setdefault(value, label)
    return found


def _word(value, labels: dict) -> str:
    """A machine value (outcome, decision, reason) as the person reads it: its Japanese label
    in Japanese where the schema has one, else the value itself."""
    if value is None:
        return "–"
    return str(labels.get(value, value)) if language() == "ja" else str(value)


def _mix(counts: dict, labels: dict | None = None) -> str:
    return t("tables.list_sep").join(f"{_word(k, labels or {})} {v}" for k, v in counts.items()) or "–"


def _key(name: str) -> Column:
    return Column(t(f"report.column.{name}"), "key")


def _value(name: str, priority: int = 0, *, right: bool = False) -> Column:
    return Column(t(f"tables.column.{name}") if name in _NEW_COLUMNS else t(f"report.column.{name}"),
                  "value", right, priority)


def _text(name: str, priority: int = 0) -> Column:
    return Column(t(f"tables.column.{name}") if name in _NEW_COLUMNS else t(f"report.column.{name}"),
                  "text", priority=priority)


_NEW_COLUMNS = ("state", "sender", "accepted", "conditional", "decision", "reason", "note", "fields", "age",
                "acceptance", "latency", "weakest", "field", "missing", "wrong", "status")


def _section(title: str, rows: Sequence, empty: str, build) -> list:
    """A titled table, or one line saying the section is empty."""
    if not rows:
        return [Text(empty, style="dim"), Text("")]
    return [build(title), Text("")]


def pending_table(rows: Sequence, title: str, legend: bool = True) -> FitTable:
    """Pending feedback, grouped by receiver (shown once per group), overdue marked."""
    def due(row) -> Text:
        return plain(t("report.overdue", due=row.due), style="bold red") if row.overdue else plain(row.due)

    columns = [_key("receiver"), _key("id"), _text("title", 2), _value("state", 1), _value("due", 0),
               _value("handed_over", 3)]
    receivers = blank_repeats([row.receiver for row in rows])
    return FitTable(columns, [
        (receiver, row.id, _title(row.title, row.safety_issue),
         state_label("none" if row.awaiting == "receipt" else "received"), due(row),
         t("report.handed", date=row.handed_over[:10], days=row.age_days)
         + (t("report.uncommitted") if row.uncommitted else ""))
        for receiver, row in zip(receivers, rows)], title=title, legend=t("tables.legend.pending") if legend else None)


def rework_table(rows: Sequence, title: str) -> FitTable:
    """Handoffs sent back or taken on a condition: who must act, and what the receiver said."""
    decisions, reasons = _feedback_labels("decision"), _feedback_labels("rejection_reason")
    columns = [_key("id"), Column(t("tables.column.sender"), "key"), _key("receiver"), _value("decision", 0),
               _value("reason", 1), _value("age", 2, right=True), _text("title", 3), _value("fields", 4),
               _text("note", 5)]
    return FitTable(columns, [
        (row.id, row.sender, row.receiver,
         plain(_word(row.decision, decisions), style="red" if row.decision == "rejected" else "yellow"),
         _word(row.reason, reasons) if row.reason else "–", t("tables.days", days=row.age_days),
         _title(row.title, row.safety_issue), ", ".join(row.fields) or "–", row.note or "–")
        for row in rows], title=title, legend=t("tables.legend.rework"))


def trend_table(rows: Sequence, title: str) -> FitTable:
    columns = [Column(t("report.column.month"), "key"), _value("n", 0, right=True), _value("quality", 0, right=True),
               _value("latency", 1, right=True), _value("feedback", 2, right=True)]
    return FitTable(columns, [(row.month, str(row.count), _num(row.quality), _num(row.median_latency_days, "days"),
                               _pct(row.feedback_rate)) for row in rows], title=title, legend=t("tables.legend.trend"))


def report_renderables(report: Report, warnings: bool = True) -> list:
    """The report's tables; `warnings=False` when the caller prints them on stderr instead."""
    out: list = []
    if warnings and report.warnings:
        out += [plain(t("report.warning", warning=w), style="yellow") for w in report.warnings] + [Text("")]
    if not report.handoffs:
        return out + [Text(t("report.empty"))]
    date = report.as_of[:10]
    out += _section(t("report.pending.title", count=len(report.pending), date=date), report.pending,
                    t("tables.empty.pending", date=date), lambda title: pending_table(report.pending, title))
    out += _section(t("tables.rework.title", count=len(report.rework)), report.rework, t("tables.empty.rework"),
                    lambda title: rework_table(report.rework, title))
    out += [Paragraph(responsiveness_line(report.responsiveness)), Text("")]
    by = t(f"report.by.{report.by}") if report.by in _GROUPINGS else report.by
    outcomes = _outcome_labels(None)
    groups = FitTable(
        [Column(by, "key"), _value("n", 0, right=True), _value("quality", 0, right=True),
         _value("final", 1, right=True), _value("feedback", 2, right=True), _value("receipt_on_time", 3, right=True),
         _value("latency", 4, right=True), _value("acceptance", 3, right=True), _value("outcomes", 6),
         _value("most_often_missing", 5)],
        [(row.group, str(row.count), _num(row.quality), str(row.final), _pct(row.feedback_rate),
          _pct(row.receipt_on_time_rate), _num(row.median_latency_days, "days"), _pct(row.acceptance_rate),
          _mix(row.outcomes, outcomes), t("tables.list_sep").join(row.top_missing) or "–") for row in report.groups],
        title=t("report.quality.title", by=by), legend=t("tables.legend.quality"))
    out += [groups, Text("")]
    reasons = _feedback_labels("rejection_reason")
    funnel = FitTable(
        [_key("kind"), _value("handed_over_count", 0, right=True), _value("received", 0, right=True),
         _value("accepted", 0, right=True), _value("conditional", 0, right=True), _value("rejected", 0, right=True),
         _value("acceptance", 1, right=True), _value("outcomes", 2), _value("rejection_reasons", 3),
         _value("most_often_missing", 4)],
        [(row.kind, str(row.handed_over), str(row.received), str(row.accepted), str(row.conditional),
          str(row.rejected), _pct(row.acceptance_rate), _mix(row.outcomes, _outcome_labels(row.kind)),
          _mix(row.rejection_reasons, reasons), t("tables.list_sep").join(row.top_missing) or "–")
         for row in report.funnel],
        title=t("report.funnel.title"), legend=t("tables.legend.funnel"))
    out += [funnel]
    losses = [reason for row in report.funnel for reason in row.loss_reasons]
    if losses:
        out += [Text(t("report.loss_reasons"), style="bold")] + [plain("  • " + reason) for reason in losses]
    out.append(Text(""))
    out += [trend_table(report.trend, t("report.trend.title")), Text("")]
    out += _section(t("report.best.title"), report.best, t("tables.empty.best"),
                    lambda title: best_table(report.best, title))
    return out[:-1]


def best_table(rows: Sequence, title: str, legend: bool = True) -> FitTable:
    outcomes = _outcome_labels(None)
    columns = [_key("id"), _key("from_to"), _value("quality", 0, right=True), _value("outcome", 1),
               _value("rating", 1, right=True), _text("title", 0)]
    return FitTable(columns, [(row.id, f"{row.sender} → {row.receiver}", str(row.quality),
                               _word(row.outcome, outcomes), f"{row.rating}/5", row.title) for row in rows],
                    title=title, legend=t("tables.legend.best") if legend else None)


def responsiveness_line(r) -> str:
    return t("report.responsiveness", receipts=r.receipts, receipt_on_time=_pct(r.receipt_on_time_rate),
             receipt_median=_num(r.receipt_median_hours, "hours"), receipt_p90=_num(r.receipt_p90_hours, "hours"),
             outcomes=r.outcomes, outcome_on_time=_pct(r.outcome_on_time_rate),
             outcome_median=_num(r.outcome_median_days, "days"), outcome_p90=_num(r.outcome_p90_days, "days"),
             overdue=r.overdue)


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
    table.add_column(style="bold", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for name, part in record["parts"].items():
        value = "–" if part["value"] is None else f"{part['value'] * 100:.0f}%"
        add_row(table, t(f"quality.part.{name}") if name in _PARTS else name, f"{value} × {part['weight']:g}",
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
    out.append(plain(t("tables.person.title", name=sheet.name, who=f" ({who})" if who else "",
                       date=sheet.as_of[:10]) + period, style="bold"))
    out += _sender_renderables(sheet.sender) if sheet.sender else [Text(""), Text(t("tables.person.sent_none"))]
    side = sheet.receiver
    if side is None:
        return out + [Text(""), Text(t("tables.person.received_none"))]
    out += _heading(t("tables.person.as_receiver", count=side.received))
    out.append(Paragraph(responsiveness_line(side.responsiveness)))
    out.append(Text(""))
    if side.owed:
        out.append(pending_table(side.owed, t("tables.person.owed", count=len(side.owed))))
    else:
        out.append(Text(t("tables.person.owed_none"), style="dim"))
    return out


def _part(name: str) -> str:
    return t(f"quality.part.{name}") if name in _PARTS else name


def _sender_renderables(side) -> list:
    out = _heading(t("tables.person.as_sender", count=len(side.handoffs), quality=_num(side.quality)))
    outcomes_state = {"final": t("quality.status.final"), "provisional": t("quality.status.provisional")}
    columns = [_key("id"), _key("receiver"), _value("quality", 0, right=True), _value("status", 1),
               _value("state", 1), _value("rating", 2, right=True), _text("title", 3), _value("weakest", 4)]
    out.append(FitTable(columns, [
        (h.id, h.receiver, str(h.quality), outcomes_state.get(h.status, h.status), _state(h.state),
         "–" if h.rating is None else f"{h.rating}/5", h.title,
         t("tables.list_sep").join(_part(p) for p in h.weakest) or "–") for h in side.handoffs],
        legend=t("tables.legend.sheet")))
    weak = [w for w in side.weak_parts if w.share < 1][:3]
    if weak:
        out.append(Paragraph(t("tables.person.weak", parts=t("tables.list_sep").join(
            f"{_part(w.part)} {w.share:.0%}" for w in weak))))
    out += _heading(t("tables.person.fields"))
    if side.fields:
        out.append(FitTable([Column(t("tables.column.field"), "key"), _value("missing", 0, right=True),
                             _value("wrong", 0, right=True)],
                            [(f"{f.title} ({f.field})" if f.title != f.field else f.field, str(f.missing),
                              str(f.wrong)) for f in side.fields]))
    else:
        out.append(Text(t("tables.person.fields_none"), style="dim"))
    if side.requests:
        out += _heading(t("tables.person.requests"))
        out += [Paragraph(plain("• " + t("tables.person.quote", text=q.text, receiver=q.receiver, id=q.id)), hang=2)
                for q in side.requests]
    if side.trend:
        out += [Text(""), trend_table(side.trend, t("report.trend.title"))]
    out += _heading(t("tables.person.best"))
    outcomes = _outcome_labels(None)
    for label, best in (("tables.person.yours", side.best), ("tables.person.peer", side.peer_best)):
        if best is None:
            out.append(Text(t(label + "_none"), style="dim"))
        else:
            out.append(Paragraph(plain(t(label, id=best.id, title=best.title, sender=best.sender,
                                         quality=best.quality, outcome=_word(best.outcome, outcomes),
                                         rating=best.rating))))
    out.append(Text(""))
    if side.rework:
        out.append(rework_table(side.rework, t("tables.rework.title", count=len(side.rework))))
    else:
        out.append(Text(t("tables.empty.rework"), style="dim"))
    if side.questions:
        out += _heading(t("tables.person.questions"))
        out += [Paragraph(plain(f"{n}. {q.question}" + t("tables.person.missed", count=q.missed)), hang=3)
                for n, q in enumerate(side.questions, 1)]
    return out
