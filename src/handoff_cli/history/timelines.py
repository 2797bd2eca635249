"""Timelines: what git history says about each handoff (who handed over when, receipt,
outcome, rework). Plain values; `log` fills them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    at: datetime
    name: str
    email: str


@dataclass(frozen=True)
class Rework:
    commit: Commit
    fields: tuple[str, ...]  # context fields the commit changed


@dataclass
class Timeline:
    handoff_id: str
    handed_over: Commit | None = None
    received: Commit | None = None
    feedback: Commit | None = None
    rework: list[Rework] = field(default_factory=list)
    uncommitted: bool = False


@dataclass
class History:
    timelines: dict[str, Timeline]
    shallow: bool = False
    available: bool = True
    head: str | None = None
    git_processes: int = 0
    reason: str | None = None  # why history is unavailable
    warnings: tuple[str, ...] = ()  # one line per commit that could not be read (and was left out)
    # the handoffs whose timelines the commits since the cached HEAD touched (renames: both
    # ids); None when history was read in full, so any timeline may differ from the cache's
    changed: frozenset[str] | None = None
    changed_since: str | None = None  # the cached HEAD `changed` is counted from

    def timeline(self, handoff_id: str) -> Timeline:
        return self.timelines.get(handoff_id) or Timeline(handoff_id)


@dataclass(frozen=True)
class HistoryState:
    """Whether history could be read, and how completely (what the report warns about)."""

    available: bool
    shallow: bool
    reason: str | None  # why history is unavailable
    warnings: tuple[str, ...] = ()  # e.g. commits whose fields could not be read
