"""Pure functions from loaded documents to rows for tables (no I/O, no printing)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta

from handoff_cli.layout import display_path
from handoff_cli.history import History
from handoff_cli.model import Feedback, Handoff, Person, feedback_state
from handoff_cli.schemas import parse_datetime
from handoff_cli.scoring import (Quality, Weights, content_parts, leniency_offsets, outcome_due, percentile, quality,
                                 receipt_due, receipt_on_time, shrunk_mean)
from handoff_cli.store import Store


@dataclass(frozen=True)
class ListRow:
    id: str
    kind: str
    title: str
    sender: str
    receiver: str
    created: str
    state: str  # none | received | rejected | done
    safety_issue: bool
    path: str

    def as_dict(self) -> dict:
        return asdict(self)


def _matches(person: Person, query: str | None) -> bool:
    if not query:
        return True
    query = query.casefold()
    return any(query in (value or "").casefold() for value in (person.name, person.email, person.team))


def list_rows(store: Store, *, kind: str | None = None, sender: str | None = None,
              receiver: str | None = None, pending: bool = False) -> list[ListRow]:
    """One row per valid handoff, safety issues first, then newest first."""
    rows = []
    for handoff in store.handoffs.values():
        state = feedback_state(store.feedback.get(handoff.id))
        if kind and handoff.kind != kind:
            continue
        if not _matches(handoff.sender, sender) or not _matches(handoff.receiver, receiver):
            continue
        if pending and state == "done":
            continue
        rows.append(ListRow(handoff.id, handoff.kind, handoff.title, handoff.sender.name, handoff.receiver.name,
                            handoff.created, state, handoff.safety_issue, display_path(handoff.path)))
    rows.sort(key=lambda r: r.id, reverse=True)
    rows.sort(key=lambda r: not r.safety_issue)
    return rows


@dataclass(frozen=True)
class HandoffView:
    """Everything `show` displays about one handoff."""

    handoff: Handoff
    feedback: Feedback | None
    state: str


def handoff_view(store: Store, handoff_id: str) -> HandoffView:
    feedback = store.feedback.get(handoff_id)
    return HandoffView(store.handoffs[handoff_id], feedback, feedback_state(feedback))


# ---------------------------------------------------------------- the report

GOOD_RATING = 4


@dataclass
class Assessment:
    """One handoff joined with its feedback, git timeline and scores."""

    handoff: Handoff
    feedback: Feedback | None
    handed_at: datetime
    handed_by: str
    handed_source: str  # git | uncommitted | file
    received_at: datetime | None
    feedback_at: datetime | None
    quality: Quality
    rework: int
    supplied_late: tuple[str, ...]
    feedback_by_other: bool
    disagreements: list[str]
    receipt_due: date
    outcome_due: date

    @property
    def receipt(self):
        return self.feedback.latest_receipt if self.feedback else None

    @property
    def outcome(self):
        return self.feedback.outcome if self.feedback else None

    @property
    def decision(self) -> str | None:
        return self.receipt.get("decision") if self.receipt else None

    @property
    def awaiting(self) -> str | None:
        if self.outcome is not None or self.decision == "rejected":
            return None
        return "outcome" if self.receipt is not None else "receipt"

    def overdue(self, as_of: datetime) -> bool:
        if self.awaiting is None:
            return False
        due = self.receipt_due if self.awaiting == "receipt" else self.outcome_due
        return as_of.date() > due

    @property
    def receipt_latency_hours(self) -> float | None:
        return _hours(self.handed_at, self.received_at)

    @property
    def outcome_latency_hours(self) -> float | None:
        return _hours(self.handed_at, self.feedback_at)


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def _entry_time(feedback: Feedback | None, phase: str) -> datetime | None:
    if not feedback:
        return None
    entry = next((e for e in feedback.entries if e.phase == phase), None)
    return parse_datetime(entry.at) if entry else None


def _disagrees(typed: datetime | None, actual: datetime | None) -> bool:
    return typed is not None and actual is not None and abs(typed - actual) > timedelta(days=1)


def assess(store: Store, history: History, *, weights: Weights, as_of: datetime,
           content_cache: dict | None = None) -> list[Assessment]:
    """Every valid handoff with its timeline and scores.

    `content_cache` (blob id -> content parts) spares re-scoring documents that did not change;
    new entries are added to it.
    """
    ratings: dict[str, list[int]] = defaultdict(list)
    for handoff_id, feedback in store.feedback.items():
        outcome = feedback.outcome
        handoff = store.handoffs.get(handoff_id)
        if handoff and outcome and isinstance(outcome.get("rating"), int):
            ratings[handoff.receiver.key].append(outcome.get("rating"))
    leniency = leniency_offsets(ratings, weights.shrinkage)
    due_days = store.config.feedback_due_days
    result = []
    for handoff in store.handoffs.values():
        kind = store.kinds.get(handoff.kind)
        feedback = store.feedback.get(handoff.id)
        timeline = history.timeline(handoff.id)
        created = parse_datetime(handoff.created)
        disagreements = []
        if history.available and timeline.handed_over:
            handed_at, handed_by, source = timeline.handed_over.at, timeline.handed_over.name, "git"
            if _disagrees(created, handed_at):
                disagreements.append(f"created {created:%Y-%m-%d} but committed {handed_at:%Y-%m-%d}")
        elif history.available:
            handed_at, handed_by, source = as_of, handoff.sender.name, "uncommitted"
        else:
            handed_at, handed_by, source = created or as_of, handoff.sender.name, "file"
        received_at = _event_time(history, timeline.received, feedback, "receipt", as_of, disagreements)
        feedback_at = _event_time(history, timeline.feedback, feedback, "outcome", as_of, disagreements)
        outcome = feedback.outcome if feedback else None
        missing = set(outcome.get("missing_fields") or []) if outcome else set()
        rework_fields = [r.fields for r in timeline.rework] if history.available else None
        late = {f for r in timeline.rework for f in r.fields} & missing if history.available else set()
        by_other = bool(feedback) and any(not e.by.is_same(handoff.receiver) for e in feedback.entries)
        for commit in (timeline.received, timeline.feedback):
            if commit and not Person(commit.name, commit.email).is_same(handoff.receiver):
                by_other = True
        blob = store.blobs.get(handoff.id)
        content = content_cache.get(blob) if content_cache is not None and blob else None
        if content is None:
            content = content_parts(handoff, kind)
            if content_cache is not None and blob:
                content_cache[blob] = content
        score = quality(handoff, kind, feedback, weights=weights,
                        leniency=leniency.get(handoff.receiver.key, 0.0),
                        rework_fields=rework_fields, supplied_late=late, content=content)
        result.append(Assessment(
            handoff, feedback, handed_at, handed_by, source, received_at, feedback_at, score,
            len(timeline.rework), tuple(sorted(late)), by_other, disagreements,
            receipt_due(handed_at), outcome_due(handed_at, due_days)))
    return result


def _event_time(history: History, commit, feedback: Feedback | None, phase: str, as_of: datetime,
                disagreements: list[str]) -> datetime | None:
    typed = _entry_time(feedback, phase)
    if typed is None:
        return None
    if not history.available:
        return typed
    if commit is None:
        return as_of  # in the working tree, not committed yet
    if _disagrees(typed, commit.at):
        disagreements.append(f"{phase} at {typed:%Y-%m-%d} but committed {commit.at:%Y-%m-%d}")
    return commit.at


# ---------------------------------------------------------------- rows

@dataclass(frozen=True)
class PendingRow:
    id: str
    title: str
    kind: str
    receiver: str
    handed_over: str
    age_days: int
    awaiting: str
    due: str
    overdue: bool
    safety_issue: bool
    uncommitted: bool


@dataclass(frozen=True)
class GroupRow:
    group: str
    count: int
    quality: float | None  # mean, shrunk toward the overall mean
    quality_raw: float | None
    final: int
    feedback_rate: float
    receipt_on_time_rate: float | None
    median_latency_days: float | None
    acceptance_rate: float | None
    outcomes: dict
    top_missing: list


@dataclass(frozen=True)
class TrendRow:
    month: str
    count: int
    quality: float | None
    median_latency_days: float | None
    feedback_rate: float


@dataclass(frozen=True)
class BestRow:
    id: str
    title: str
    sender: str
    receiver: str
    quality: int
    outcome: str
    rating: int


@dataclass(frozen=True)
class FunnelRow:
    kind: str
    handed_over: int
    received: int
    accepted: int
    conditional: int
    rejected: int
    acceptance_rate: float | None
    rejection_reasons: dict
    outcomes: dict
    loss_reasons: list
    top_missing: list


@dataclass(frozen=True)
class Responsiveness:
    receipts: int
    receipt_on_time_rate: float | None
    receipt_median_hours: float | None
    receipt_p90_hours: float | None
    outcomes: int
    outcome_on_time_rate: float | None
    outcome_median_days: float | None
    outcome_p90_days: float | None
    overdue: int


@dataclass
class Report:
    as_of: str
    by: str
    handoffs: int
    pending: list[PendingRow]
    groups: list[GroupRow]
    trend: list[TrendRow]
    best: list[BestRow]
    funnel: list[FunnelRow]
    responsiveness: Responsiveness
    scores: list[dict]
    warnings: list[str]
    history: str  # complete | partial (shallow) | unavailable

    def as_dict(self) -> dict:
        """Plain values; the per-handoff score records are dicts already and are not copied."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in values.items():
            if isinstance(value, list) and value and is_dataclass(value[0]):
                values[key] = [asdict(item) for item in value]
            elif is_dataclass(value):
                values[key] = asdict(value)
        return values


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _group_key(a: Assessment, by: str) -> str:
    h = a.handoff
    return {
        "sender": h.sender.name,
        "receiver": h.receiver.name,
        "team": f"{h.sender.team or '(no team)'} → {h.receiver.team or '(no team)'}",
        "pair": f"{h.sender.name} → {h.receiver.name}",
        "kind": h.kind,
    }[by]


def _top_missing(items: list[Assessment], limit: int = 3) -> list:
    counts = Counter(f for a in items if a.outcome for f in (a.outcome.get("missing_fields") or []))
    return [f"{name} ({n})" for name, n in counts.most_common(limit)]


def _accepted(items: list[Assessment]) -> tuple[int, int, int]:
    decisions = Counter(a.decision for a in items if a.decision)
    return decisions["accepted"], decisions["conditional"], decisions["rejected"]


def group_rows(assessments: list[Assessment], by: str, shrinkage: float) -> list[GroupRow]:
    overall = [a.quality.total for a in assessments]
    prior = statistics.fmean(overall) if overall else 0.0
    groups: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        groups[_group_key(a, by)].append(a)
    rows = []
    for name, items in groups.items():
        scores = [a.quality.total for a in items]
        accepted, conditional, rejected = _accepted(items)
        received = [a for a in items if a.received_at]
        latencies = [a.outcome_latency_hours / 24 for a in items if a.outcome_latency_hours is not None]
        shrunk = shrunk_mean(scores, prior, shrinkage)
        rows.append(GroupRow(
            group=name, count=len(items), quality=round(shrunk, 1) if shrunk is not None else None,
            quality_raw=round(statistics.fmean(scores), 1), final=sum(a.quality.final for a in items),
            feedback_rate=_rate(sum(1 for a in items if a.outcome), len(items)) or 0.0,
            receipt_on_time_rate=_rate(sum(receipt_on_time(a.handed_at, a.received_at) for a in received),
                                       len(received)),
            median_latency_days=_median(latencies),
            acceptance_rate=_rate(accepted + conditional, accepted + conditional + rejected),
            outcomes=dict(Counter(a.outcome.get("outcome") for a in items if a.outcome).most_common()),
            top_missing=_top_missing(items)))
    rows.sort(key=lambda r: (-(r.quality or 0), r.group))
    return rows


def trend_rows(assessments: list[Assessment]) -> list[TrendRow]:
    months: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        months[f"{a.handed_at:%Y-%m}"].append(a)
    rows = []
    for month in sorted(months):
        items = months[month]
        latencies = [a.outcome_latency_hours / 24 for a in items if a.outcome_latency_hours is not None]
        rows.append(TrendRow(month, len(items), round(statistics.fmean(a.quality.total for a in items), 1),
                             _median(latencies), _rate(sum(1 for a in items if a.outcome), len(items)) or 0.0))
    return rows


def best_rows(assessments: list[Assessment], store: Store, limit: int = 5) -> list[BestRow]:
    good = []
    for a in assessments:
        outcome = a.outcome
        if not (a.quality.final and outcome and isinstance(outcome.get("rating"), int)):
            continue
        kind = store.kinds.get(a.handoff.kind)
        if outcome.get("outcome") in kind.loss_outcomes or outcome.get("rating") < GOOD_RATING:
            continue
        good.append(a)
    good.sort(key=lambda a: (-a.quality.total, a.handoff.id))
    return [BestRow(a.handoff.id, a.handoff.title, a.handoff.sender.name, a.handoff.receiver.name,
                    a.quality.total, a.outcome.get("outcome"), a.outcome.get("rating")) for a in good[:limit]]


def funnel_rows(assessments: list[Assessment]) -> list[FunnelRow]:
    kinds: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        kinds[a.handoff.kind].append(a)
    rows = []
    for kind in sorted(kinds):
        items = kinds[kind]
        accepted, conditional, rejected = _accepted(items)
        rows.append(FunnelRow(
            kind=kind, handed_over=len(items), received=sum(1 for a in items if a.receipt),
            accepted=accepted, conditional=conditional, rejected=rejected,
            acceptance_rate=_rate(accepted + conditional, accepted + conditional + rejected),
            rejection_reasons=dict(Counter(a.receipt.get("rejection_reason") for a in items
                                           if a.decision == "rejected").most_common()),
            outcomes=dict(Counter(a.outcome.get("outcome") for a in items if a.outcome).most_common()),
            loss_reasons=[f"{a.handoff.id}: {a.outcome.get('reason')}" for a in items
                          if a.outcome and a.outcome.get("reason")],
            top_missing=_top_missing(items, 5)))
    return rows


def pending_rows(assessments: list[Assessment], as_of: datetime) -> list[PendingRow]:
    rows = []
    for a in assessments:
        if a.awaiting is None:
            continue
        due = a.receipt_due if a.awaiting == "receipt" else a.outcome_due
        rows.append(PendingRow(
            a.handoff.id, a.handoff.title, a.handoff.kind, a.handoff.receiver.name, a.handed_at.isoformat(),
            max(0, (as_of.date() - a.handed_at.date()).days), a.awaiting, due.isoformat(), a.overdue(as_of),
            a.handoff.safety_issue, a.handed_source == "uncommitted"))
    rows.sort(key=lambda r: (not r.safety_issue, not r.overdue, -r.age_days, r.id))
    return rows


def responsiveness(assessments: list[Assessment], as_of: datetime) -> Responsiveness:
    received = [a for a in assessments if a.received_at]
    finished = [a for a in assessments if a.feedback_at]
    receipt_hours = [a.receipt_latency_hours for a in received]
    outcome_days = [a.outcome_latency_hours / 24 for a in finished]
    return Responsiveness(
        receipts=len(received),
        receipt_on_time_rate=_rate(sum(receipt_on_time(a.handed_at, a.received_at) for a in received), len(received)),
        receipt_median_hours=_median(receipt_hours),
        receipt_p90_hours=round(percentile(receipt_hours, 0.9), 2) if receipt_hours else None,
        outcomes=len(finished),
        outcome_on_time_rate=_rate(sum(a.feedback_at.date() <= a.outcome_due for a in finished), len(finished)),
        outcome_median_days=_median(outcome_days),
        outcome_p90_days=round(percentile(outcome_days, 0.9), 2) if outcome_days else None,
        overdue=sum(a.overdue(as_of) for a in assessments))


def score_record(a: Assessment) -> dict:
    return {
        "id": a.handoff.id, "kind": a.handoff.kind, "sender": a.handoff.sender.name,
        "receiver": a.handoff.receiver.name, "handed_over": a.handed_at.isoformat(), "handed_over_by": a.handed_by,
        "source": a.handed_source,
        "received": a.received_at.isoformat() if a.received_at else None,
        "feedback": a.feedback_at.isoformat() if a.feedback_at else None,
        "quality": a.quality.total, "status": a.quality.status, "penalty": a.quality.penalty,
        "parts": {p.name: {"value": None if p.value is None else round(p.value, 3), "weight": p.weight,
                           "detail": p.detail} for p in a.quality.parts},
        "rework": a.rework, "supplied_late": list(a.supplied_late), "feedback_by_someone_else": a.feedback_by_other,
    }


def build_report(store: Store, history: History, *, weights: Weights, as_of: datetime, by: str = "sender",
                 since: date | None = None, until: date | None = None, kind: str | None = None,
                 content_cache: dict | None = None) -> Report:
    everything = assess(store, history, weights=weights, as_of=as_of, content_cache=content_cache)
    chosen = [a for a in everything
              if (since is None or a.handed_at.date() >= since) and (until is None or a.handed_at.date() <= until)
              and (kind is None or a.handoff.kind == kind)]
    chosen.sort(key=lambda a: a.handoff.id)
    warnings = []
    if not history.available:
        warnings.append(f"{history.reason}: handover, receipt and feedback times come from the files' own "
                        "fields, and rework cannot be computed")
    elif history.shallow:
        warnings.append("shallow clone: history is partial, so handover times, latencies and rework may be wrong; "
                        "run `git fetch --unshallow` (in GitHub Actions: actions/checkout with fetch-depth: 0)")
    for a in chosen:
        for disagreement in a.disagreements:
            warnings.append(f"{a.handoff.id}: {disagreement} (git wins)")
        if a.feedback_by_other:
            warnings.append(f"{a.handoff.id}: feedback by someone else than the receiver {a.handoff.receiver.name}")
    state = "unavailable" if not history.available else "partial" if history.shallow else "complete"
    return Report(
        as_of=as_of.isoformat(), by=by, handoffs=len(chosen), pending=pending_rows(chosen, as_of),
        groups=group_rows(chosen, by, weights.shrinkage), trend=trend_rows(chosen),
        best=best_rows(chosen, store), funnel=funnel_rows(chosen), responsiveness=responsiveness(chosen, as_of),
        scores=[score_record(a) for a in chosen], warnings=warnings, history=state)
