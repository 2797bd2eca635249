"""The report: pure functions from assessments to the rows of each table (no I/O, no printing)."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from itertools import chain

from handoff_cli.history.timelines import HistoryState
from handoff_cli.i18n import t
from handoff_cli.reporting.join import Assessment
from handoff_cli.rules.formats import parse_datetime
from handoff_cli.rules.kinds import Kinds
from handoff_cli.scoring.leniency import shrunk_mean
from handoff_cli.scoring.responsiveness import percentile

GOOD_RATING = 4  # a "best handoff to share" was rated at least this

# Rows are plain values nothing changes once made; the two kinds a report has tens of
# thousands of (pending, rework) are not frozen dataclasses, which are made several
# times more slowly.


@dataclass
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


@dataclass
class ReworkRow:
    """A handoff its receiver sent back (rejected) or took on a condition: its sender must act."""

    id: str
    title: str
    kind: str
    sender: str
    receiver: str
    decision: str  # rejected | conditional
    reason: str | None  # rejected: procedural | clerical | definitional
    note: str | None  # the receiver's words: the rejection note or the condition
    fields: tuple[str, ...]  # the fields the receipt names as missing or wrong
    since: str  # when the receipt was recorded (git wins)
    age_days: int
    safety_issue: bool


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
    rework: list[ReworkRow]
    groups: list[GroupRow]
    trend: list[TrendRow]
    best: list[BestRow]
    funnel: list[FunnelRow]
    responsiveness: Responsiveness
    scores: list[bytes | memoryview]  # one JSON text (UTF-8) per handoff (see Assessment.score)
    warnings: list[str]
    history: str  # complete | partial (shallow) | unavailable

    def as_dict(self) -> dict:
        """Plain values, without the per-handoff score records (already JSON text: see `score_records`).
        Rows hold flat values, so their fields are copied, not deep-copied as `asdict` would."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "scores"}
        for key, value in values.items():
            if isinstance(value, list) and value and is_dataclass(value[0]):
                values[key] = [dict(vars(item)) for item in value]
            elif is_dataclass(value):
                values[key] = dict(vars(value))
        return values

    def score_records(self) -> list[dict]:
        return [json.loads(bytes(score)) for score in self.scores]

    def record(self) -> tuple:
        """Plain values (marshal-able), without `as_of` and the scores: what a report kept
        for the same join, day and options is made again from (`from_record`)."""
        return (self.by, self.handoffs, *([tuple(vars(row).values()) for row in rows] for rows in (
            self.pending, self.rework, self.groups, self.trend, self.best, self.funnel)),
            tuple(vars(self.responsiveness).values()), self.warnings, self.history)

    @classmethod
    def from_record(cls, record: tuple, *, as_of: datetime, scores: list) -> Report:
        by, handoffs, pending, rework, groups, trend, best, funnel, responsive, warnings, history = record
        return cls(as_of.isoformat(), by, handoffs, [PendingRow(*row) for row in pending],
                   [ReworkRow(*row) for row in rework], [GroupRow(*row) for row in groups],
                   [TrendRow(*row) for row in trend], [BestRow(*row) for row in best],
                   [FunnelRow(*row) for row in funnel], Responsiveness(*responsive), scores, warnings, history)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _group_key(a: Assessment, by: str) -> str:
    if by == "sender":
        return a.sender.name
    if by == "receiver":
        return a.receiver.name
    if by == "team":
        return f"{a.sender.team or t('report.no_team')} → {a.receiver.team or t('report.no_team')}"
    if by == "pair":
        return f"{a.sender.name} → {a.receiver.name}"
    return a.kind


# (the counts below are taken over lists, not generators: Counter counts a list faster)

def _top_missing(items: list[Assessment], limit: int = 3) -> list:
    counts = Counter(chain.from_iterable([a.feedback.missing_fields for a in items if a.final]))
    return [f"{name} ({n})" for name, n in counts.most_common(limit)]


def _outcomes(items: list[Assessment]) -> dict:
    return dict(Counter([a.feedback.outcome for a in items if a.final]).most_common())


def _accepted(items: list[Assessment]) -> tuple[int, int, int]:
    decisions = Counter([a.decision for a in items])
    return decisions["accepted"], decisions["conditional"], decisions["rejected"]


def quality_prior(assessments: list[Assessment]) -> float:
    """What a group's mean quality is pulled toward: everyone's mean (0 with nobody)."""
    return statistics.fmean([a.quality for a in assessments]) if assessments else 0.0


def shrunk_quality(items: list[Assessment], prior: float, shrinkage: float) -> float | None:
    """The mean quality of `items` pulled toward `prior` (scoring.leniency.shrunk_mean), to
    one decimal: what the quality table and the 1on1 sheet both show."""
    shrunk = shrunk_mean([a.quality for a in items], prior, shrinkage)
    return None if shrunk is None else round(shrunk, 1)


def group_rows(assessments: list[Assessment], by: str, shrinkage: float) -> list[GroupRow]:
    prior = quality_prior(assessments)
    groups: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        groups[_group_key(a, by)].append(a)
    rows = []
    for name, items in groups.items():
        scores = [a.quality for a in items]
        accepted, conditional, rejected = _accepted(items)
        received = [a for a in items if a.received_at]
        latencies = [a.outcome_hours / 24 for a in items if a.outcome_hours is not None]
        final = sum([a.final for a in items])
        rows.append(GroupRow(
            group=name, count=len(items), quality=shrunk_quality(items, prior, shrinkage),
            quality_raw=round(statistics.fmean(scores), 1), final=final,
            feedback_rate=_rate(final, len(items)) or 0.0,
            receipt_on_time_rate=_rate(sum(a.receipt_on_time for a in received),
                                       len(received)),
            median_latency_days=_median(latencies),
            acceptance_rate=_rate(accepted + conditional, accepted + conditional + rejected),
            outcomes=_outcomes(items), top_missing=_top_missing(items)))
    rows.sort(key=lambda r: (-(r.quality or 0), r.group))
    return rows


def trend_rows(assessments: list[Assessment]) -> list[TrendRow]:
    months: dict[tuple[int, int], list[Assessment]] = defaultdict(list)
    for a in assessments:
        months[a.handed_at.year, a.handed_at.month].append(a)
    rows = []
    for year, month in sorted(months):
        items = months[year, month]
        latencies = [a.outcome_hours / 24 for a in items if a.outcome_hours is not None]
        rows.append(TrendRow(f"{year:04d}-{month:02d}", len(items), round(statistics.fmean(a.quality for a in items), 1),
                             _median(latencies), _rate(sum(1 for a in items if a.final), len(items)) or 0.0))
    return rows


def best_rows(assessments: list[Assessment], kinds: Kinds, limit: int = 5) -> list[BestRow]:
    good, losses = [], {}
    for a in assessments:
        feedback = a.feedback
        if not (a.final and feedback.rating is not None):
            continue
        if a.kind not in losses:
            losses[a.kind] = kinds.get(a.kind).loss_outcomes
        if feedback.outcome in losses[a.kind] or feedback.rating < GOOD_RATING:
            continue
        good.append(a)
    good.sort(key=lambda a: (-a.quality, a.id))
    return [BestRow(a.id, a.title, a.sender.name, a.receiver.name,
                    a.quality, a.feedback.outcome, a.feedback.rating) for a in good[:limit]]


def funnel_rows(assessments: list[Assessment]) -> list[FunnelRow]:
    kinds: dict[str, list[Assessment]] = defaultdict(list)
    for a in assessments:
        kinds[a.kind].append(a)
    rows = []
    for kind in sorted(kinds):
        items = kinds[kind]
        accepted, conditional, rejected = _accepted(items)
        rows.append(FunnelRow(
            kind=kind, handed_over=len(items), received=sum(1 for a in items if a.feedback and a.feedback.receipt),
            accepted=accepted, conditional=conditional, rejected=rejected,
            acceptance_rate=_rate(accepted + conditional, accepted + conditional + rejected),
            rejection_reasons=dict(Counter(a.feedback.rejection_reason for a in items
                                           if a.decision == "rejected").most_common()),
            outcomes=_outcomes(items),
            loss_reasons=[f"{a.id}: {a.feedback.reason}" for a in items if a.final and a.feedback.reason],
            top_missing=_top_missing(items, 5)))
    return rows


def pending_rows(assessments: list[Assessment], as_of: datetime) -> list[PendingRow]:
    """Handoffs awaiting a receipt or an outcome, grouped by receiver: the receiver with a
    safety issue, then the one with the earliest due date, first; within a receiver, safety
    issues first, then by due date (so overdue ones come first), then oldest first."""
    rows = []
    for a in assessments:
        if a.awaiting is None:
            continue
        due = a.receipt_due if a.awaiting == "receipt" else a.outcome_due
        rows.append(PendingRow(
            a.id, a.title, a.kind, a.receiver.name, a.handed_at.isoformat(),
            max(0, (as_of.date() - a.handed_at.date()).days), a.awaiting, due.isoformat(), a.overdue(as_of),
            a.safety_issue, a.handed_source == "uncommitted"))
    rows.sort(key=urgency)
    first: dict[str, int] = {}
    for index, row in enumerate(rows):
        first.setdefault(row.receiver, index)
    rows.sort(key=lambda r: first[r.receiver])  # stable: each receiver's rows keep their order
    return rows


def _latest_receipt_time(a: Assessment) -> datetime:
    """When the receipt that decided the rework was recorded: git's time for the first
    receipt; a later one (a handoff rejected, reworked and received again) by its typed time."""
    feedback = a.feedback
    if feedback and feedback.latest_receipt_at and feedback.latest_receipt_at != feedback.received_at:
        typed = parse_datetime(feedback.latest_receipt_at)
        if typed is not None:
            return typed
    return a.received_at or a.handed_at


def urgency(row: PendingRow) -> tuple:
    """How urgent a pending row is, most urgent first: a safety issue, then an overdue one,
    then the earliest due date, then the oldest."""
    return (not row.safety_issue, not row.overdue, row.due, -row.age_days, row.id)


def most_urgent(rows: list[PendingRow], limit: int) -> list[PendingRow]:
    """At most `limit` of the pending rows, the most urgent, kept in their order (grouped by
    receiver): what a page shows when there are too many."""
    if len(rows) <= limit:
        return rows
    chosen = {id(r) for r in sorted(rows, key=urgency)[:limit]}
    return [r for r in rows if id(r) in chosen]


def rework_rows(assessments: list[Assessment], as_of: datetime) -> list[ReworkRow]:
    """Handoffs whose latest receipt is `rejected` or `conditional` and that have no outcome
    yet: safety issues first, then rejected before conditional, then oldest first."""
    rows = []
    for a in assessments:
        feedback = a.feedback
        if feedback is None or a.final or feedback.decision not in ("rejected", "conditional"):
            continue
        since = _latest_receipt_time(a)
        rejected = feedback.decision == "rejected"
        rows.append(ReworkRow(
            a.id, a.title, a.kind, a.sender.name, a.receiver.name, feedback.decision,
            feedback.rejection_reason if rejected else None,
            feedback.rejection_note if rejected else feedback.condition, feedback.receipt_fields,
            since.isoformat(), max(0, (as_of.date() - since.date()).days), a.safety_issue))
    rows.sort(key=lambda r: (not r.safety_issue, r.decision != "rejected", -r.age_days, r.id))
    return rows


def responsiveness(assessments: list[Assessment], as_of: datetime) -> Responsiveness:
    received = [a for a in assessments if a.received_at]
    finished = [a for a in assessments if a.feedback_at]
    receipt_hours = [a.receipt_hours for a in received]
    outcome_days = [a.outcome_hours / 24 for a in finished]
    return Responsiveness(
        receipts=len(received),
        receipt_on_time_rate=_rate(sum(a.receipt_on_time for a in received), len(received)),
        receipt_median_hours=_median(receipt_hours),
        receipt_p90_hours=round(percentile(receipt_hours, 0.9), 2) if receipt_hours else None,
        outcomes=len(finished),
        outcome_on_time_rate=_rate(sum(a.feedback_at.date() <= a.outcome_due for a in finished), len(finished)),
        outcome_median_days=_median(outcome_days),
        outcome_p90_days=round(percentile(outcome_days, 0.9), 2) if outcome_days else None,
        overdue=sum(a.overdue(as_of) for a in assessments))


def history_warnings(history: HistoryState) -> list[str]:
    """What the reader must know about the history the figures come from."""
    warnings = []
    if not history.available:
        warnings.append(t("report.warning.no_history", reason=history.reason))
    elif history.shallow:
        warnings.append(t("report.warning.shallow"))
    warnings.extend(history.warnings)
    return warnings


def history_state(history: HistoryState) -> str:
    """complete | partial (a shallow clone) | unavailable"""
    return "unavailable" if not history.available else "partial" if history.shallow else "complete"


def in_period(assessments: list[Assessment], since: date | None, until: date | None,
              kind: str | None) -> list[Assessment]:
    """The handoffs handed over in [since, until] (either may be open), of `kind` if given."""
    return [a for a in assessments
            if (since is None or a.handed_at.date() >= since) and (until is None or a.handed_at.date() <= until)
            and (kind is None or a.kind == kind)]


def build_report(assessments: list[Assessment], history: HistoryState, kinds: Kinds, *, shrinkage: float,
                 as_of: datetime, by: str = "sender", since: date | None = None, until: date | None = None,
                 kind: str | None = None) -> Report:
    chosen = sorted(in_period(assessments, since, until, kind), key=lambda a: a.id)
    warnings = history_warnings(history)
    for a in chosen:
        for disagreement in a.disagreements:
            warnings.append(t("report.warning.disagreement", id=a.id, disagreement=disagreement))
        if a.feedback_by_other:
            warnings.append(t("report.warning.feedback_by_other", id=a.id, receiver=a.receiver.name,
                              others=", ".join(a.feedback_by_other)))
    return Report(
        as_of=as_of.isoformat(), by=by, handoffs=len(chosen), pending=pending_rows(chosen, as_of),
        rework=rework_rows(chosen, as_of),
        groups=group_rows(chosen, by, shrinkage), trend=trend_rows(chosen),
        best=best_rows(chosen, kinds), funnel=funnel_rows(chosen), responsiveness=responsiveness(chosen, as_of),
        scores=[a.score for a in chosen], warnings=warnings, history=history_state(history))
