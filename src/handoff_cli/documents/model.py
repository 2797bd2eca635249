"""Handoff, Feedback and Person, built from validated documents; canonical key order."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from handoff_cli.documents.writing import DateText

ENVELOPE_ORDER = ("id", "kind", "title", "created", "from", "to", "customer", "context",
                  "next_actions", "contingencies", "open_questions", "links")
PERSON_ORDER = ("name", "email", "team")
CUSTOMER_ORDER = ("company", "contact", "role")
ACTION_ORDER = ("what", "owner", "due")
CONTINGENCY_ORDER = ("if", "then")
FEEDBACK_ORDER = ("handoff", "entries")
ENTRY_ORDER = ("phase", "at", "by", "decision", "synthesis", "condition", "rejection_reason", "rejection_note",
               "outcome", "rating",
               "useful", "missing", "missing_fields", "wrong_fields", "reason", "request")


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None
    team: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> "Person":
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("name") or ""), data.get("email") or None, data.get("team") or None)

    @property
    def key(self) -> str:
        """What identifies the person across documents: the email, else the name."""
        return self.email.lower() if self.email else self.name.strip()

    def is_same(self, other: "Person") -> bool:
        if self.email and other.email:
            return self.email.lower() == other.email.lower()
        return self.name.strip() == other.name.strip()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Handoff:
    id: str
    kind: str
    title: str
    created: str
    sender: Person
    receiver: Person
    customer: dict
    context: dict
    path: Path
    data: dict = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict, path: Path) -> "Handoff":
        return cls(
            id=data["id"], kind=data["kind"], title=data["title"], created=str(data["created"]),
            sender=Person.from_dict(data.get("from")), receiver=Person.from_dict(data.get("to")),
            customer=data.get("customer") or {}, context=data.get("context") or {}, path=path, data=data,
        )

    @property
    def next_actions(self) -> list[dict]:
        return self.data.get("next_actions") or []

    @property
    def contingencies(self) -> list[dict]:
        return self.data.get("contingencies") or []

    @property
    def open_questions(self) -> list[str]:
        return self.data.get("open_questions") or []

    @property
    def links(self) -> list[str]:
        return self.data.get("links") or []


@dataclass(frozen=True)
class FeedbackEntry:
    phase: str
    at: str
    by: Person
    data: dict = field(repr=False)

    @classmethod
    def from_dict(cls, data: dict) -> "FeedbackEntry":
        return cls(data.get("phase", "outcome"), str(data.get("at")), Person.from_dict(data.get("by")), data)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass(frozen=True)
class Feedback:
    handoff_id: str
    entries: tuple[FeedbackEntry, ...]
    path: Path

    @classmethod
    def from_dict(cls, data: dict, path: Path) -> "Feedback":
        return cls(data["handoff"], tuple(FeedbackEntry.from_dict(e) for e in data["entries"]), path)

    @cached_property
    def receipt(self) -> FeedbackEntry | None:
        return next((e for e in self.entries if e.phase == "receipt"), None)

    @cached_property
    def latest_receipt(self) -> FeedbackEntry | None:
        return next((e for e in reversed(self.entries) if e.phase == "receipt"), None)

    @cached_property
    def outcome(self) -> FeedbackEntry | None:
        """The newest outcome entry: the current state."""
        return next((e for e in reversed(self.entries) if e.phase == "outcome"), None)


def _ordered(data: dict, order: tuple[str, ...], children: dict | None = None) -> dict:
    children = children or {}
    result = {}
    for key in [k for k in order if k in data] + [k for k in data if k not in order]:
        value = data[key]
        shape = children.get(key)
        if shape is not None and isinstance(value, dict):
            value = _ordered(value, shape)
        elif shape is not None and isinstance(value, list):
            value = [_ordered(item, shape) if isinstance(item, dict) else item for item in value]
        result[key] = value
    return result


ENVELOPE_DATE_PATHS = (("created",), ("next_actions", "*", "due"))


def mark_dates(data: Any, paths: tuple[tuple[str, ...], ...]) -> Any:
    """`data` with the strings at `paths` ("*" = every list item) marked as dates for writing."""
    for path in paths:
        _mark(data, path)
    return data


def _mark(node: Any, path: tuple[str, ...]) -> None:
    head, rest = path[0], path[1:]
    if head == "*":
        children = [(i, v) for i, v in enumerate(node)] if isinstance(node, list) else []
    else:
        children = [(head, node[head])] if isinstance(node, dict) and head in node else []
    for key, value in children:
        if rest:
            _mark(value, rest)
        elif isinstance(value, str):
            node[key] = DateText(value)


def canonical_handoff(data: dict, context_order: tuple[str, ...] = (),
                      date_paths: tuple[tuple[str, ...], ...] = ()) -> dict:
    """The document with keys in FORMAT.md's order (unknown keys kept, after the known ones),
    date fields marked so they are written unquoted."""
    ordered = _ordered(data, ENVELOPE_ORDER, {
        "from": PERSON_ORDER, "to": PERSON_ORDER, "customer": CUSTOMER_ORDER, "context": context_order,
        "next_actions": ACTION_ORDER, "contingencies": CONTINGENCY_ORDER,
    })
    return mark_dates(ordered, ENVELOPE_DATE_PATHS + tuple(date_paths))


def canonical_entry(entry: dict) -> dict:
    return mark_dates(_ordered(entry, ENTRY_ORDER, {"by": ("name", "email")}), (("at",),))


def canonical_feedback(data: dict) -> dict:
    ordered = _ordered(data, FEEDBACK_ORDER)
    if isinstance(ordered.get("entries"), list):
        ordered["entries"] = [canonical_entry(e) if isinstance(e, dict) else e for e in ordered["entries"]]
    return ordered
