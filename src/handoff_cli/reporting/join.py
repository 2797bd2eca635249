"""The report's join: each valid handoff's digest with its feedback, its git timeline and
its scores (an Assessment). Pure: `store.survey` gathers what it needs."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from handoff_cli.documents.model import Person
from handoff_cli.history.timelines import History
from handoff_cli.i18n import t
from handoff_cli.reporting.digests import (
    FeedbackDigest,
    HandoffDigest,
    feedback_state,
    person_from_record,
    person_record,
)
from handoff_cli.rules.formats import parse_datetime
from handoff_cli.sanitize import json_safe_bytes
from handoff_cli.scoring.leniency import leniency_offsets
from handoff_cli.scoring.quality import Quality, quality
from handoff_cli.scoring.responsiveness import outcome_due, receipt_due, receipt_on_time
from handoff_cli.scoring.weights import Weights

_AWAITING = {"none": "receipt", "received": "outcome"}  # by feedback state; others await nothing


@dataclass(slots=True)
class Assessment:
    """One handoff joined with its feedback, git timeline and scores: what aggregation needs,
    plus the handoff's score record, encoded once as inert JSON (`json_safe_bytes`): the
    report writes it as it is."""

    id: str
    kind: str
    title: str
    sender: Person
    receiver: Person
    safety_issue: bool
    feedback: FeedbackDigest | None
    handed_at: datetime
    handed_source: str  # git | uncommitted | file
    received_at: datetime | None
    feedback_at: datetime | None
    quality: int
    feedback_by_other: tuple[str, ...]  # who other than the receiver wrote feedback (names)
    disagreements: tuple[str, ...]
    receipt_due: date
    outcome_due: date
    score: bytes | memoryview  # the score record as inert JSON (UTF-8), written out as it is
    timed_now: bool = False  # a time stands in for "now": git does not have the commit yet
    unfilled: tuple[str, ...] = ()  # required and recommended fields left empty (HandoffDigest.unfilled)
    # derived once here, as every table asks for them
    final: bool = field(init=False)  # an outcome has arrived
    decision: str | None = field(init=False)  # of the latest receipt
    awaiting: str | None = field(init=False)  # receipt | outcome | None
    receipt_hours: float | None = field(init=False)
    outcome_hours: float | None = field(init=False)
    receipt_on_time: bool | None = field(init=False)

    def __post_init__(self) -> None:
        self.final = self.feedback is not None and self.feedback.final
        self.decision = self.feedback.decision if self.feedback else None
        self.awaiting = _AWAITING.get(feedback_state(self.feedback))
        self.receipt_hours = _hours(self.handed_at, self.received_at)
        self.outcome_hours = _hours(self.handed_at, self.feedback_at)
        self.receipt_on_time = None if self.received_at is None else receipt_on_time(self.handed_at, self.received_at)

    def overdue(self, as_of: datetime) -> bool:
        awaiting = self.awaiting
        if awaiting is None:
            return False
        return as_of.date() > (self.receipt_due if awaiting == "receipt" else self.outcome_due)

    def score_record(self) -> dict:
        return json.loads(bytes(self.score))

    def record(self) -> tuple:
        """Plain values, for the cache (the score is kept apart: see `survey`), with the
        derived ones, so that a hundred thousand are made again quickly (`from_record`)."""
        return (self.id, self.kind, self.title, person_record(self.sender), person_record(self.receiver),
                self.safety_issue, self.feedback.record() if self.feedback else None, self.handed_at.isoformat(),
                self.handed_source, _iso(self.received_at), _iso(self.feedback_at), self.quality,
                self.feedback_by_other, self.disagreements, self.receipt_due.toordinal(),
                self.outcome_due.toordinal(), self.unfilled, self.timed_now,
                (self.final, self.awaiting, self.receipt_hours, self.outcome_hours, self.receipt_on_time))

    @classmethod
    def from_record(cls, record: tuple, score: bytes | memoryview) -> "Assessment":
        (handoff_id, kind, title, sender, receiver, safety, feedback, handed_at, source, received_at, feedback_at,
         total, by_other, disagreements, receipt_day, outcome_day, unfilled, timed_now, derived) = record
        self = cls.__new__(cls)  # every field set here, the derived ones as they were computed
        self.id, self.kind, self.title = handoff_id, kind, title
        self.sender, self.receiver = person_from_record(sender), person_from_record(receiver)
        self.safety_issue = safety
        self.feedback = FeedbackDigest.from_record(feedback) if feedback else None
        self.handed_at, self.handed_source = datetime.fromisoformat(handed_at), source
        self.received_at, self.feedback_at = _from_iso(received_at), _from_iso(feedback_at)
        self.quality, self.feedback_by_other, self.disagreements = total, tuple(by_other), tuple(disagreements)
        self.receipt_due, self.outcome_due = date.fromordinal(receipt_day), date.fromordinal(outcome_day)
        self.score, self.timed_now, self.unfilled = score, timed_now, tuple(unfilled)
        self.final, self.awaiting, self.receipt_hours, self.outcome_hours, self.receipt_on_time = derived
        self.decision = self.feedback.decision if self.feedback else None
        return self


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def _disagrees(typed: datetime | None, actual: datetime | None) -> bool:
    return typed is not None and actual is not None and abs(typed - actual) > timedelta(days=1)


def ratings_by_receiver(digests: dict[str, HandoffDigest],
                        feedback_digests: dict[str, FeedbackDigest]) -> dict[str, list[int]]:
    """Every rating, by the receiver of the handoff it rates (what leniency is made of)."""
    ratings: dict[str, list[int]] = defaultdict(list)
    for handoff_id, feedback in feedback_digests.items():
        handoff = digests.get(handoff_id)
        if handoff and feedback.rating is not None:
            ratings[handoff.receiver.key].append(feedback.rating)
    return ratings


def assess(digests: dict[str, HandoffDigest], feedback_digests: dict[str, FeedbackDigest], history: History, *,
           due_days: int, weights: Weights, as_of: datetime) -> list[Assessment]:
    """Every valid handoff (its digest) with its feedback, timeline and scores."""
    leniency = leniency_offsets(ratings_by_receiver(digests, feedback_digests), weights.shrinkage)
    return [assess_one(handoff, feedback_digests.get(handoff.id), history, leniency, due_days=due_days,
                       weights=weights, as_of=as_of) for handoff in digests.values()]


def assess_one(handoff: HandoffDigest, feedback: FeedbackDigest | None, history: History,
               leniency: dict[str, float], *, due_days: int, weights: Weights, as_of: datetime) -> Assessment:
    """One handoff with its feedback, timeline and scores; `leniency` is every receiver's
    (`leniency_offsets` over all ratings): the only part that depends on other handoffs.

    In a shallow clone the oldest commit there holds everything that came before it, under
    its own date and author: the typed times are not compared with its date, nor its author
    with the receiver (the report says once that history is partial, not once per handoff)."""
    timeline = history.timeline(handoff.id)
    created = parse_datetime(handoff.created)
    disagreements: list[str] = []
    timed_now = False
    if history.available and timeline.handed_over:
        handed_at, handed_by, source = timeline.handed_over.at, timeline.handed_over.name, "git"
        if _disagrees(created, handed_at) and not history.shallow:
            disagreements.append(t("join.created", created=f"{created:%Y-%m-%d}",
                                   committed=f"{handed_at:%Y-%m-%d}"))
    elif history.available:
        handed_at, handed_by, source, timed_now = as_of, handoff.sender.name, "uncommitted", True
    else:
        handed_at, handed_by, source = created or as_of, handoff.sender.name, "file"
    received_at, received_now = _event_time(history, timeline.received, feedback and feedback.received_at,
                                            "receipt", as_of, disagreements)
    feedback_at, feedback_now = _event_time(history, timeline.feedback, feedback and feedback.outcome_at,
                                            "outcome", as_of, disagreements)
    missing = set(feedback.missing_fields) if feedback and feedback.final else set()
    rework_fields = [r.fields for r in timeline.rework] if history.available else None
    late = {f for r in timeline.rework for f in r.fields} & missing if history.available else set()
    others = [by.name for by in feedback.authors if not by.is_same(handoff.receiver)] if feedback else []
    for commit in (timeline.received, timeline.feedback):
        if commit and not history.shallow and not Person(commit.name, commit.email).is_same(handoff.receiver):
            others.append(commit.name)
    by_other = tuple(dict.fromkeys(others))
    score = quality(handoff.content, feedback, weights=weights, leniency=leniency.get(handoff.receiver.key, 0.0),
                    rework_fields=rework_fields, supplied_late=late)
    record = score_record(handoff, handed_at, handed_by, source, received_at, feedback_at, score,
                          len(timeline.rework), sorted(late), bool(by_other))
    return Assessment(
        handoff.id, handoff.kind, handoff.title, handoff.sender, handoff.receiver, handoff.safety_issue,
        feedback, handed_at, source, received_at, feedback_at, score.total, by_other, tuple(disagreements),
        receipt_due(handed_at), outcome_due(handed_at, due_days),
        json_safe_bytes(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()),
        timed_now or received_now or feedback_now, handoff.unfilled)


def score_record(handoff: HandoffDigest, handed_at: datetime, handed_by: str, source: str,
                 received_at: datetime | None, feedback_at: datetime | None, score: Quality, rework: int,
                 supplied_late: list[str], by_other: bool) -> dict:
    """One handoff's scores and times, as the report's `scores` and `show` give them."""
    return {
        "id": handoff.id, "kind": handoff.kind, "sender": handoff.sender.name, "receiver": handoff.receiver.name,
        "handed_over": handed_at.isoformat(), "handed_over_by": handed_by, "source": source,
        "received": _iso(received_at), "feedback": _iso(feedback_at),
        "quality": score.total, "status": score.status, "penalty": score.penalty,
        "parts": {p.name: {"value": None if p.value is None else round(p.value, 3), "weight": p.weight,
                           "detail": p.detail} for p in score.parts},
        "rework": rework, "supplied_late": supplied_late, "feedback_by_someone_else": by_other,
    }


def _event_time(history: History, commit, typed_text: str | None, phase: str, as_of: datetime,
                disagreements: list[str]) -> tuple[datetime | None, bool]:
    """When the receipt / outcome happened (git wins over the typed time), and whether that
    is "now" because git does not have it yet."""
    typed = parse_datetime(typed_text) if typed_text else None
    if typed is None:
        return None, False
    if not history.available:
        return typed, False
    if commit is None:
        return as_of, True  # in the working tree, not committed yet
    if _disagrees(typed, commit.at) and not history.shallow:
        disagreements.append(t("join.event", phase=t(f"phase.{phase}"), typed=f"{typed:%Y-%m-%d}",
                               committed=f"{commit.at:%Y-%m-%d}"))
    return commit.at, False
