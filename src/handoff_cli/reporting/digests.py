"""Digests: what `list`, `show` and `report` need of a handoff and of its feedback, without
the document.

A digest is computed once per git blob and cached, so commands over tens of thousands of
handoffs hold small records, not parsed documents. Records are plain tuples (marshal-able).
People and the scores' explanations repeat across thousands of handoffs: one object each.
Digests are not frozen dataclasses, though nothing changes one once made: a report makes
a hundred thousand again from their records, and a frozen dataclass is made ten times
more slowly (each field set through `object.__setattr__`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from handoff_cli.documents.model import Feedback, Handoff, Person
from handoff_cli.rules.kinds import Kind
from handoff_cli.scoring.quality import ContentParts, content_parts, unfilled_fields

_people: dict[tuple, Person] = {}


def person_from_record(record) -> Person:
    """One Person object per distinct person: thousands of records name a few dozen people."""
    key = tuple(record)
    person = _people.get(key)
    if person is None:
        person = _people[key] = Person(*key)
    return person


def person_record(person: Person) -> tuple:
    return (person.name, person.email, person.team)


def _shared(person: Person) -> Person:
    return person_from_record(person_record(person))


@dataclass(slots=True)
class HandoffDigest:
    id: str
    kind: str
    title: str
    created: str
    sender: Person
    receiver: Person
    safety_issue: bool
    content: ContentParts  # the quality parts that depend on the document alone
    unfilled: tuple[str, ...] = ()  # required and recommended fields left empty (scoring.unfilled_fields)

    @classmethod
    def of(cls, handoff: Handoff, kind: Kind) -> "HandoffDigest":
        content = tuple((name, value, sys.intern(detail)) for name, value, detail in content_parts(handoff, kind))
        return cls(handoff.id, sys.intern(handoff.kind), handoff.title, handoff.created, _shared(handoff.sender),
                   _shared(handoff.receiver), kind.safety_issue(handoff.context), content,
                   tuple(sys.intern(name) for name in unfilled_fields(handoff, kind)))

    def record(self) -> tuple:
        return (self.id, self.kind, self.title, self.created, person_record(self.sender),
                person_record(self.receiver), self.safety_issue, self.content, self.unfilled)

    @classmethod
    def from_record(cls, record: tuple) -> "HandoffDigest":
        handoff_id, kind, title, created, sender, receiver, safety, content, unfilled = record
        return cls(handoff_id, kind, title, created, person_from_record(sender), person_from_record(receiver), safety,
                   tuple(tuple(part) for part in content), tuple(unfilled))


@dataclass(slots=True)
class FeedbackDigest:
    handoff_id: str
    received_at: str | None  # the first receipt entry's typed time
    outcome_at: str | None  # the first outcome entry's typed time
    receipt: bool
    decision: str | None  # of the latest receipt
    rejection_reason: str | None
    outcome: str | None  # of the newest outcome entry: the current state
    rating: int | None
    missing_fields: tuple[str, ...]
    reason: str | None
    authors: tuple[Person, ...]  # who wrote each entry
    # the receiver's words, for the rework table and the 1on1 sheet
    condition: str | None = None  # of a conditional latest receipt
    rejection_note: str | None = None  # of a rejected latest receipt
    receipt_missing: tuple[str, ...] = ()  # fields the latest receipt names as missing
    receipt_wrong: tuple[str, ...] = ()  # fields the latest receipt names as wrong
    latest_receipt_at: str | None = None  # the latest receipt entry's typed time
    wrong_fields: tuple[str, ...] = ()  # of the newest outcome
    missing_note: str | None = None  # the newest outcome's `missing` text
    request: str | None = None  # the newest outcome's `request` text

    @classmethod
    def of(cls, feedback: Feedback) -> "FeedbackDigest":
        first = {}
        for entry in feedback.entries:
            first.setdefault(entry.phase, entry.at)
        receipt, outcome = feedback.latest_receipt, feedback.outcome
        rating = outcome.get("rating") if outcome else None
        return cls(
            feedback.handoff_id, first.get("receipt"), first.get("outcome"), receipt is not None,
            receipt.get("decision") if receipt else None, receipt.get("rejection_reason") if receipt else None,
            outcome.get("outcome") if outcome else None,
            rating if isinstance(rating, int) and not isinstance(rating, bool) else None,
            _names(outcome.get("missing_fields")) if outcome else (),
            _text(outcome.get("reason")) if outcome else None,
            tuple(_shared(entry.by) for entry in feedback.entries),
            _text(receipt.get("condition")) if receipt else None,
            _text(receipt.get("rejection_note")) if receipt else None,
            _names(receipt.get("missing_fields")) if receipt else (),
            _names(receipt.get("wrong_fields")) if receipt else (),
            receipt.at if receipt else None,
            _names(outcome.get("wrong_fields")) if outcome else (),
            _text(outcome.get("missing")) if outcome else None,
            _text(outcome.get("request")) if outcome else None)

    @property
    def final(self) -> bool:
        """An outcome has arrived."""
        return self.outcome_at is not None

    @property
    def state(self) -> str:
        """'none' (awaiting receipt), 'rejected', 'received' (awaiting outcome) or 'done'."""
        if self.final:
            return "done"
        if self.decision == "rejected":
            return "rejected"
        return "received" if self.receipt else "none"

    @property
    def receipt_fields(self) -> tuple[str, ...]:
        """The fields the latest receipt names as missing or wrong."""
        return self.receipt_missing + tuple(f for f in self.receipt_wrong if f not in self.receipt_missing)

    def record(self) -> tuple:
        return (self.handoff_id, self.received_at, self.outcome_at, self.receipt, self.decision,
                self.rejection_reason, self.outcome, self.rating, self.missing_fields, self.reason,
                tuple(person_record(p) for p in self.authors), self.condition, self.rejection_note,
                self.receipt_missing, self.receipt_wrong, self.latest_receipt_at, self.wrong_fields,
                self.missing_note, self.request)

    @classmethod
    def from_record(cls, record: tuple) -> "FeedbackDigest":
        (*head, missing, reason, authors, condition, rejection_note, receipt_missing, receipt_wrong, latest_receipt_at,
         wrong, missing_note, request) = record
        return cls(*head, tuple(missing), reason, tuple(person_from_record(p) for p in authors), condition,
                   rejection_note, tuple(receipt_missing), tuple(receipt_wrong), latest_receipt_at, tuple(wrong),
                   missing_note, request)


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _names(value) -> tuple[str, ...]:
    """Field names from a list that passed validation (strings), as a tuple."""
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def feedback_state(feedback: FeedbackDigest | None) -> str:
    return feedback.state if feedback else "none"
