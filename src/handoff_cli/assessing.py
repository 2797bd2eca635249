"""The report's join: each valid handoff's digest with its feedback, its git timeline and
its scores (an Assessment). `survey` gathers what the join needs, reading git history and
the files side by side, or takes the last join from the cache when nothing it depends on
has changed (same HEAD, a clean working tree, same configuration and version).
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from handoff_cli.cache import Cache
from handoff_cli.config import Config
from handoff_cli.digest import FeedbackDigest, HandoffDigest, feedback_state, person_from_record, person_record
from handoff_cli.history import History, start_history
from handoff_cli.model import Person
from handoff_cli.schemas import Kinds, parse_datetime
from handoff_cli.scoring import (Quality, Weights, leniency_offsets, outcome_due, quality, receipt_due,
                                 receipt_on_time)
from handoff_cli.store import DIGESTS, Store, load_store


_AWAITING = {"none": "receipt", "received": "outcome"}  # by feedback state; others await nothing


@dataclass(slots=True)
class Assessment:
    """One handoff joined with its feedback, git timeline and scores: what aggregation needs,
    plus the handoff's score record, encoded once as JSON (the report prints it as is)."""

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
    feedback_by_other: bool
    disagreements: tuple[str, ...]
    receipt_due: date
    outcome_due: date
    score: bytes | memoryview  # the score record as JSON (UTF-8), written out as it is
    timed_now: bool = False  # a time stands in for "now": git does not have the commit yet
    # derived once here, as every table asks for them
    final: bool = field(init=False)  # an outcome has arrived
    awaiting: str | None = field(init=False)  # receipt | outcome | None
    receipt_hours: float | None = field(init=False)
    outcome_hours: float | None = field(init=False)
    receipt_on_time: bool | None = field(init=False)

    def __post_init__(self) -> None:
        self.final = self.feedback is not None and self.feedback.final
        self.awaiting = _AWAITING.get(feedback_state(self.feedback))
        self.receipt_hours = _hours(self.handed_at, self.received_at)
        self.outcome_hours = _hours(self.handed_at, self.feedback_at)
        self.receipt_on_time = None if self.received_at is None else receipt_on_time(self.handed_at, self.received_at)

    @property
    def decision(self) -> str | None:
        return self.feedback.decision if self.feedback else None

    def overdue(self, as_of: datetime) -> bool:
        awaiting = self.awaiting
        if awaiting is None:
            return False
        return as_of.date() > (self.receipt_due if awaiting == "receipt" else self.outcome_due)

    def score_record(self) -> dict:
        return json.loads(bytes(self.score))

    def record(self) -> tuple:
        """Plain values, for the cache (the score is kept apart: see `survey`)."""
        return (self.id, self.kind, self.title, person_record(self.sender), person_record(self.receiver),
                self.safety_issue, self.feedback.record() if self.feedback else None, self.handed_at.isoformat(),
                self.handed_source, _iso(self.received_at), _iso(self.feedback_at), self.quality,
                self.feedback_by_other, self.disagreements, self.receipt_due.toordinal(),
                self.outcome_due.toordinal())

    @classmethod
    def from_record(cls, record: tuple, score: bytes | memoryview) -> "Assessment":
        (handoff_id, kind, title, sender, receiver, safety, feedback, handed_at, source, received_at, feedback_at,
         total, by_other, disagreements, receipt_day, outcome_day) = record
        return cls(handoff_id, kind, title, person_from_record(sender), person_from_record(receiver), safety,
                   FeedbackDigest.from_record(feedback) if feedback else None, datetime.fromisoformat(handed_at),
                   source, _from_iso(received_at), _from_iso(feedback_at), total, by_other, tuple(disagreements),
                   date.fromordinal(receipt_day), date.fromordinal(outcome_day), score)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def _disagrees(typed: datetime | None, actual: datetime | None) -> bool:
    return typed is not None and actual is not None and abs(typed - actual) > timedelta(days=1)


def assess(store: Store, history: History, *, weights: Weights, as_of: datetime) -> list[Assessment]:
    """Every valid handoff (from the store's digests) with its timeline and scores."""
    ratings: dict[str, list[int]] = defaultdict(list)
    for handoff_id, feedback in store.feedback_digests.items():
        handoff = store.digests.get(handoff_id)
        if handoff and feedback.rating is not None:
            ratings[handoff.receiver.key].append(feedback.rating)
    leniency = leniency_offsets(ratings, weights.shrinkage)
    due_days = store.config.feedback_due_days
    result = []
    for handoff in store.digests.values():
        feedback = store.feedback_digests.get(handoff.id)
        timeline = history.timeline(handoff.id)
        created = parse_datetime(handoff.created)
        disagreements: list[str] = []
        timed_now = False
        if history.available and timeline.handed_over:
            handed_at, handed_by, source = timeline.handed_over.at, timeline.handed_over.name, "git"
            if _disagrees(created, handed_at):
                disagreements.append(f"created {created:%Y-%m-%d} but committed {handed_at:%Y-%m-%d}")
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
        by_other = bool(feedback) and any(not by.is_same(handoff.receiver) for by in feedback.authors)
        for commit in (timeline.received, timeline.feedback):
            if commit and not Person(commit.name, commit.email).is_same(handoff.receiver):
                by_other = True
        score = quality(handoff.content, feedback, weights=weights, leniency=leniency.get(handoff.receiver.key, 0.0),
                        rework_fields=rework_fields, supplied_late=late)
        record = score_record(handoff, handed_at, handed_by, source, received_at, feedback_at, score,
                              len(timeline.rework), sorted(late), by_other)
        result.append(Assessment(
            handoff.id, handoff.kind, handoff.title, handoff.sender, handoff.receiver, handoff.safety_issue,
            feedback, handed_at, source, received_at, feedback_at, score.total, by_other, tuple(disagreements),
            receipt_due(handed_at), outcome_due(handed_at, due_days),
            json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode(),
            timed_now or received_now or feedback_now))
    return result


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
    if _disagrees(typed, commit.at):
        disagreements.append(f"{phase} at {typed:%Y-%m-%d} but committed {commit.at:%Y-%m-%d}")
    return commit.at, False


# ---------------------------------------------------------------- gathering, with the last join cached

@dataclass(frozen=True)
class HistoryState:
    available: bool
    shallow: bool
    reason: str | None  # why history is unavailable


@dataclass
class Survey:
    assessments: list[Assessment]
    history: HistoryState
    files_with_findings: int
    from_snapshot: bool = False


SNAPSHOT = "report"
SNAPSHOT_FORMAT = 4  # the layout of the records below; part of the key


def survey(config: Config, kinds: Kinds, cache: Cache, *, weights: Weights, as_of: datetime) -> Survey:
    """Every handoff's assessment; the caller saves the cache.

    Memory stays in proportion to the assessments: each cache part is written and let go
    as soon as it is complete, and the collector is paused (these objects form no cycles,
    and scanning hundreds of thousands of them again and again costs more than the work).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _survey(config, kinds, cache, weights=weights, as_of=as_of)
    finally:
        if collecting:
            gc.enable()


def _survey(config: Config, kinds: Kinds, cache: Cache, *, weights: Weights, as_of: datetime) -> Survey:
    key = _snapshot_key(config, cache)
    if key is not None:
        stored = cache.part(SNAPSHOT).get("snapshot")
        cache.flush(SNAPSHOT)
        blob = cache.read_blob(SNAPSHOT) if isinstance(stored, tuple) and len(stored) == 6 and stored[0] == key else None
        if blob is not None and blob.startswith(stored[1]):  # the scores written with these records
            _, token, records, lengths, history_state, files_with_findings = stored
            view, start, assessments = memoryview(blob), len(token), []
            for record, length in zip(records, lengths):
                assessments.append(Assessment.from_record(record, view[start:start + length]))
                start += length
            return Survey(assessments, HistoryState(*history_state), files_with_findings, from_snapshot=True)
    history_reader = start_history(config.root, config.dir, cache)  # git works on another core meanwhile
    store = load_store(config, kinds, cache=cache, want=DIGESTS)
    for part in ("results", "digests"):
        cache.flush(part)
    history = history_reader()
    cache.flush("history")
    assessments = assess(store, history, weights=weights, as_of=as_of)
    state = HistoryState(history.available, history.shallow, history.reason)
    files_with_findings = store.files_with_findings
    del store, history
    if key is not None and not any(a.timed_now for a in assessments):
        token = os.urandom(16).hex().encode()  # ties the records to the scores file written with them
        cache.write_blob(SNAPSHOT, itertools.chain([token], (a.score for a in assessments)))
        cache.replace(SNAPSHOT, {"snapshot": (
            key, token, [a.record() for a in assessments], [len(a.score) for a in assessments],
            (state.available, state.shallow, state.reason), files_with_findings)})
        cache.flush(SNAPSHOT)
    return Survey(assessments, state, files_with_findings)


def _snapshot_key(config: Config, cache: Cache) -> str | None:
    """What the join depends on besides the code's version, or None when it cannot be reused:
    no cache, no commit yet, or anything under the handoffs folder differs from HEAD
    (changed, staged, untracked or ignored files)."""
    if not cache.enabled:
        return None
    try:
        head = subprocess.Popen(["git", "rev-parse", "--show-prefix", "--is-shallow-repository", "--verify", "-q",
                                 "HEAD"], cwd=config.root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        status = subprocess.Popen(["git", "status", "--porcelain", "-z", "--untracked-files=all", "--ignored",
                                   "--", config.dir], cwd=config.root, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        head_out, _ = head.communicate()
        status_out, _ = status.communicate()
    except OSError:
        return None
    if head.returncode or status.returncode or status_out:
        return None
    facts = f"{SNAPSHOT_FORMAT}\0{cache.stamp}\0{config!r}\0{head_out.decode('utf-8', 'replace')}"
    return hashlib.sha1(facts.encode()).hexdigest()
