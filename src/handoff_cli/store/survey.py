"""Gathering the report's join: git history and the files read side by side, or the last
join taken from the cache when nothing it depends on has changed (same HEAD, a handoffs
folder identical to HEAD, same configuration and code)."""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
from dataclasses import dataclass
from datetime import datetime

from handoff_cli.documents.config import Config
from handoff_cli.git import Git
from handoff_cli.history.log import start_history
from handoff_cli.history.timelines import HistoryState
from handoff_cli.reporting.join import Assessment, assess
from handoff_cli.rules.kinds import Kinds
from handoff_cli.scoring.weights import Weights
from handoff_cli.store.cache import Cache
from handoff_cli.store.loader import DIGESTS, load_store


@dataclass
class Survey:
    assessments: list[Assessment]
    history: HistoryState
    files_with_findings: int
    from_snapshot: bool = False


SNAPSHOT = "report"
SNAPSHOT_FORMAT = 5  # the layout of the records below; part of the key


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
            available, shallow, reason, warnings = history_state
            return Survey(assessments, HistoryState(available, shallow, reason, tuple(warnings)), files_with_findings,
                          from_snapshot=True)
    history_reader = start_history(config.root, config.dir, cache)  # git works on another core meanwhile
    store = load_store(config, kinds, cache=cache, want=DIGESTS)
    for part in ("results", "digests"):
        cache.flush(part)
    history = history_reader()
    cache.flush("history")
    assessments = assess(store.digests, store.feedback_digests, history, due_days=config.feedback_due_days,
                         weights=weights, as_of=as_of)
    state = HistoryState(history.available, history.shallow, history.reason, history.warnings)
    files_with_findings = store.files_with_findings
    del store, history
    if key is not None and not any(a.timed_now for a in assessments):
        token = os.urandom(16).hex().encode()  # ties the records to the scores file written with them
        cache.write_blob(SNAPSHOT, itertools.chain([token], (a.score for a in assessments)))
        cache.replace(SNAPSHOT, {"snapshot": (
            key, token, [a.record() for a in assessments], [len(a.score) for a in assessments],
            (state.available, state.shallow, state.reason, list(state.warnings)), files_with_findings)})
        cache.flush(SNAPSHOT)
    return Survey(assessments, state, files_with_findings)


def _snapshot_key(config: Config, cache: Cache) -> str | None:
    """What the join depends on besides the code's version, or None when it cannot be reused:
    no cache, no commit yet, or anything under the handoffs folder differs from HEAD
    (changed, staged, untracked or ignored files)."""
    if not cache.enabled:
        return None
    state = Git(config.root).head_if_clean(config.dir)
    if state is None:
        return None
    facts = f"{SNAPSHOT_FORMAT}\0{cache.stamp}\0{config!r}\0{state}"
    return hashlib.sha1(facts.encode()).hexdigest()
