"""What `list` and `show` display: rows of handoffs and one handoff's view (pure)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from handoff_cli.documents.layout import display_path
from handoff_cli.documents.model import Feedback, Handoff, Person
from handoff_cli.reporting.digests import FeedbackDigest, HandoffDigest, feedback_state
from handoff_cli.rules.kinds import Kind


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


def list_rows(digests: dict[str, HandoffDigest], feedback_digests: dict[str, FeedbackDigest],
              paths: dict[str, Path], *, kind: str | None = None, sender: str | None = None,
              receiver: str | None = None, pending: bool = False) -> list[ListRow]:
    """One row per valid handoff, safety issues first, then newest first."""
    rows = []
    for handoff in digests.values():
        state = feedback_state(feedback_digests.get(handoff.id))
        if kind and handoff.kind != kind:
            continue
        if not _matches(handoff.sender, sender) or not _matches(handoff.receiver, receiver):
            continue
        if pending and state == "done":
            continue
        rows.append(ListRow(handoff.id, handoff.kind, handoff.title, handoff.sender.name, handoff.receiver.name,
                            handoff.created, state, handoff.safety_issue, display_path(paths[handoff.id])))
    rows.sort(key=lambda r: r.id, reverse=True)
    rows.sort(key=lambda r: not r.safety_issue)
    return rows


@dataclass(frozen=True)
class HandoffView:
    """Everything `show` displays about one handoff."""

    handoff: Handoff
    feedback: Feedback | None
    state: str
    field_titles: dict = field(default_factory=dict)  # context field -> its title in the user's language
    score: dict | None = None  # the score record, when the report counts the handoff


def handoff_view(handoff: Handoff, feedback: Feedback | None, kind: Kind | None = None,
                 score: dict | None = None) -> HandoffView:
    titles = {f.name: f.title for f in kind.fields} if kind else {}
    return HandoffView(handoff, feedback, feedback_state(FeedbackDigest.of(feedback) if feedback else None),
                       titles, score)
