"""Pure functions from loaded documents to rows for tables (no I/O, no printing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from handoff_cli.layout import display_path
from handoff_cli.model import Feedback, Handoff, Person, feedback_state
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
