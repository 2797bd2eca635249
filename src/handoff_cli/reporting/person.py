"""The 1on1 sheet (`report --person NAME`): one person's side of the baton, to talk over.

As a sender: their handoffs in the period with quality and its weakest parts, the fields
receivers most often named missing or wrong (with their requests, in their words), the
trend by month, their best handoff beside the best of the same kind by a peer, what they
must rework, and three questions to ask next time. As a receiver: how quickly they return
the baton, and what they still owe. Pure: values in, values out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime

from handoff_cli.documents.model import Person
from handoff_cli.errors import UserError
from handoff_cli.history.timelines import HistoryState
from handoff_cli.i18n import t
from handoff_cli.reporting.join import Assessment
from handoff_cli.reporting.report import (
    BestRow,
    PendingRow,
    Responsiveness,
    ReworkRow,
    TrendRow,
    best_rows,
    history_state,
    history_warnings,
    in_period,
    pending_rows,
    quality_prior,
    responsiveness,
    rework_rows,
    shrunk_quality,
    trend_rows,
)
from handoff_cli.rules.kinds import Kinds

QUESTIONS = 3  # "ask this next time" questions on a sheet
WEAK_BELOW = 0.7  # a quality part under this share of its points is one of the handoff's weak parts
WEAK_SHOWN = 2  # weak parts named per handoff
QUOTES_SHOWN = 5  # receivers' requests quoted on a sheet


class PersonNotFound(UserError):
    pass


class AmbiguousPerson(UserError):
    pass


@dataclass(frozen=True)
class SheetHandoff:
    """One of a sender's handoffs, as the sheet lists it."""

    id: str
    title: str
    kind: str
    receiver: str
    handed_over: str  # date
    quality: int
    status: str  # final | provisional
    weakest: tuple[str, ...]  # quality parts (scoring names) under WEAK_BELOW, weakest first
    state: str  # none | received | rejected | done (reporting.digests.FeedbackDigest.state)
    rating: int | None
    missing_fields: tuple[str, ...]
    wrong_fields: tuple[str, ...]


@dataclass(frozen=True)
class WeakPart:
    part: str  # a quality part (scoring name)
    share: float  # the mean share of its points, 0..1


@dataclass(frozen=True)
class FieldNote:
    """A field receivers named as missing or wrong in this sender's handoffs."""

    field: str
    title: str  # in the user's language, from the kind's schema
    missing: int
    wrong: int


@dataclass(frozen=True)
class Quote:
    """A receiver's own words about one handoff."""

    id: str
    receiver: str
    text: str


@dataclass(frozen=True)
class Question:
    """Something to ask the customer (or the team) next time, for a field often missed."""

    field: str
    title: str
    question: str
    missed: int  # how often receivers named it, or it was left empty


@dataclass(frozen=True)
class SenderSide:
    handoffs: list[SheetHandoff]
    quality: float | None  # mean
    weak_parts: list[WeakPart]  # every part, weakest first
    fields: list[FieldNote]
    requests: list[Quote]
    trend: list[TrendRow]
    best: BestRow | None
    peer_best: BestRow | None  # the best handoff of the same kind by someone else
    rework: list[ReworkRow]
    questions: list[Question]


@dataclass(frozen=True)
class ReceiverSide:
    received: int  # handoffs handed to them in the period
    responsiveness: Responsiveness
    owed: list[PendingRow]  # what they still owe: receipts and outcomes, most urgent first


@dataclass
class PersonSheet:
    as_of: str
    name: str
    email: str | None
    team: str | None
    since: str | None
    until: str | None
    sender: SenderSide | None  # None: handed nothing over in the period
    receiver: ReceiverSide | None  # None: received nothing in the period
    warnings: list[str]
    history: str  # complete | partial (shallow) | unavailable

    def as_dict(self) -> dict:
        """Plain values (JSON, and the web page's template)."""
        return _plain(self)


def _plain(value):
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


# ---------------------------------------------------------------- who

def people(assessments: list[Assessment]) -> list[Person]:
    """Everyone who handed over or received, one entry per person (Person.key)."""
    found: dict[str, Person] = {}
    for a in assessments:
        for person in (a.sender, a.receiver):
            found.setdefault(person.key, person)
    named: dict[str, list[Person]] = {}
    for person in found.values():
        if person.email:
            named.setdefault(person.name.strip(), []).append(person)
    # a document without the email names the same person as the one emailed person of that name
    merged = [p for p in found.values() if p.email or len(named.get(p.name.strip(), [])) != 1]
    return sorted(merged, key=lambda p: (p.name, p.email or ""))


def _label(person: Person) -> str:
    return f"{person.name} <{person.email}>" if person.email else person.name


def find_person(assessments: list[Assessment], query: str) -> Person:
    """The one person whose name or email is `query`, or contains it (case-insensitive).
    An exact name or email wins over a part; several or none is a usage error."""
    wanted = query.strip().casefold()
    everyone = people(assessments)
    if not wanted:
        raise PersonNotFound(t("person.empty"))
    for match in (lambda v: v.casefold() == wanted, lambda v: wanted in v.casefold()):
        found = [p for p in everyone if any(match(v) for v in (p.name.strip(), p.email or "") if v)]
        if len(found) == 1:
            return found[0]
        if found:
            labels = [_label(p) for p in found]
            raise AmbiguousPerson(t("person.ambiguous", query=query, count=len(found)),
                                  hint=t("person.candidates", people="; ".join(labels[:8])))
    names = "; ".join(_label(p) for p in everyone[:8]) + ("; …" if len(everyone) > 8 else "")
    raise PersonNotFound(t("person.not_found", query=query),
                         hint=t("person.known", people=names) if everyone else t("person.nobody"))


# ---------------------------------------------------------------- the sheet

def _weakest(record: dict) -> tuple[str, ...]:
    parts = [(p["value"], name) for name, p in record["parts"].items()
             if p["value"] is not None and p["weight"] and p["value"] < WEAK_BELOW]
    return tuple(name for _, name in sorted(parts)[:WEAK_SHOWN])


def _weak_parts(records: list[dict]) -> list[WeakPart]:
    values: dict[str, list[float]] = {}
    for record in records:
        for name, part in record["parts"].items():
            if part["value"] is not None and part["weight"]:
                values.setdefault(name, []).append(part["value"])
    means = [WeakPart(name, round(statistics.fmean(v), 3)) for name, v in values.items()]
    return sorted(means, key=lambda item: (item.share, item.part))


def _field_title(kinds: Kinds, kind_names: list[str], name: str) -> str:
    for kind_name in kind_names:
        if kind_name in kinds:
            spec = kinds.get(kind_name).field(name)
            if spec is not None:
                return spec.title
    return name


def _questions(kinds: Kinds, kind_names: list[str], named: Counter, unfilled: Counter) -> list[Question]:
    """Up to QUESTIONS questions: first for the fields receivers named most often, then for
    the ones the sender left empty most often; each from the field's `x-handoff-ask`, else
    from its description, in the user's language."""
    ranked = [name for name, _ in named.most_common()] + [name for name, _ in unfilled.most_common()]
    out: list[Question] = []
    for name in dict.fromkeys(ranked):
        spec = next((kinds.get(k).field(name) for k in kind_names if k in kinds and kinds.get(k).field(name)), None)
        if spec is None:
            continue
        out.append(Question(name, spec.title, spec.ask, named[name] or unfilled[name]))
        if len(out) == QUESTIONS:
            break
    return out


def _sender_side(mine: list[Assessment], everyone: list[Assessment], person: Person, kinds: Kinds,
                 as_of: datetime, prior: float, shrinkage: float) -> SenderSide:
    records = {a.id: a.score_record() for a in mine}
    handoffs = []
    for a in sorted(mine, key=lambda a: (a.handed_at, a.id), reverse=True):
        feedback = a.feedback
        record = records[a.id]
        handoffs.append(SheetHandoff(
            a.id, a.title, a.kind, a.receiver.name, a.handed_at.date().isoformat(), a.quality, record["status"],
            _weakest(record), feedback.state if feedback else "none", feedback.rating if feedback else None,
            feedback.missing_fields if feedback and a.final else (),
            feedback.wrong_fields if feedback and a.final else ()))
    missing: Counter = Counter()
    wrong: Counter = Counter()
    quotes = []
    for a in mine:
        feedback = a.feedback
        if feedback is None:
            continue
        missing.update(feedback.missing_fields if a.final else ())
        missing.update(f for f in feedback.receipt_missing if not (a.final and f in feedback.missing_fields))
        wrong.update(feedback.wrong_fields if a.final else ())
        wrong.update(f for f in feedback.receipt_wrong if not (a.final and f in feedback.wrong_fields))
        for text in (feedback.request, feedback.missing_note, feedback.condition, feedback.rejection_note):
            if text:
                quotes.append(Quote(a.id, a.receiver.name, text))
    kind_names = [k for k, _ in Counter(a.kind for a in mine).most_common()]
    named = missing + wrong
    notes = [FieldNote(name, _field_title(kinds, kind_names, name), missing[name], wrong[name])
             for name, _ in sorted(named.items(), key=lambda item: (-item[1], item[0]))]
    best = next(iter(best_rows(mine, kinds, limit=1)), None)
    peer_kind = next(a.kind for a in mine if a.id == best.id) if best else kind_names[0]
    peers = [a for a in everyone if a.kind == peer_kind and not a.sender.is_same(person)]
    return SenderSide(
        handoffs=handoffs, quality=shrunk_quality(mine, prior, shrinkage),
        weak_parts=_weak_parts(list(records.values())), fields=notes,
        requests=sorted(quotes, key=lambda q: q.id, reverse=True)[:QUOTES_SHOWN], trend=trend_rows(mine), best=best,
        peer_best=next(iter(best_rows(peers, kinds, limit=1)), None),
        rework=rework_rows([a for a in everyone if a.sender.is_same(person)], as_of),
        questions=_questions(kinds, kind_names, named, Counter(f for a in mine for f in a.unfilled)))


def build_sheet(assessments: list[Assessment], person: Person, history: HistoryState, kinds: Kinds, *, as_of: datetime,
                shrinkage: float, since: date | None = None, until: date | None = None,
                kind: str | None = None) -> PersonSheet:
    """`person`'s sheet over the handoffs handed over in [since, until] (of `kind`). What they
    must still rework or still owe is listed whenever it was handed over, and a peer's best
    handoff may come from any time. The sender's quality is pulled toward the period's mean
    as the report's quality table does (`shrunk_quality`), so both say the same."""
    chosen = in_period(assessments, since, until, kind)
    sent = [a for a in chosen if a.sender.is_same(person)]
    received = [a for a in chosen if a.receiver.is_same(person)]
    everyone = in_period(assessments, None, None, kind)
    prior = quality_prior(chosen)
    return PersonSheet(
        as_of=as_of.isoformat(), name=person.name, email=person.email, team=person.team,
        since=since.isoformat() if since else None, until=until.isoformat() if until else None,
        sender=_sender_side(sent, everyone, person, kinds, as_of, prior, shrinkage) if sent else None,
        receiver=ReceiverSide(len(received), responsiveness(received, as_of),
                              pending_rows([a for a in everyone if a.receiver.is_same(person)], as_of))
        if received else None,
        warnings=history_warnings(history), history=history_state(history))
