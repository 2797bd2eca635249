"""Gathering the report's join: git history and the files read side by side, or the last
join taken from the cache.

Three ways, all giving what a cold run gives (tests/unit/test_incremental.py):
- **warm**: nothing the join depends on has changed (same HEAD, a handoffs folder identical
  to HEAD, same configuration and code): the last join is loaded as it is;
- **after commits**: HEAD moved on from the cached join's HEAD (a descendant), the folder
  is clean, and every file the commits changed is a valid handoff or feedback file in its
  place: only the handoffs those commits touched (their files, or their git timelines) are
  read and scored again; the rest keep their cached records. Leniency, the one part of a
  score that depends on every handoff, is computed again exactly from all the ratings; when
  it moved for a receiver whose untouched handoffs carry a rating, their scores would
  change too, and the join is done in full instead;
- **in full**: everything else, from the per-file caches (store.loader) and the cached
  timelines (history.log).
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import itertools
import os
import stat
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from handoff_cli.documents import layout
from handoff_cli.documents.config import Config
from handoff_cli.documents.ids import is_valid_id
from handoff_cli.git import Git
from handoff_cli.history.log import start_history
from handoff_cli.history.timelines import History, HistoryState
from handoff_cli.reporting.join import Assessment, assess, assess_one, ratings_by_receiver
from handoff_cli.rules.kinds import Kinds
from handoff_cli.scoring.leniency import leniency_offsets
from handoff_cli.scoring.weights import Weights
from handoff_cli.store.cache import Cache
from handoff_cli.store.loader import DIGESTS, load_store
from handoff_cli.store.reader import read_document, read_feedback


@dataclass
class Survey:
    """The join, with what the report says about its history. Taken from the cache as it
    is, its assessments are made again from their records only when asked for: a report
    kept for this join (store.reports) needs only the score records."""

    history: HistoryState
    files_with_findings: int
    token: str | None = None  # names the stored join: the same token, the same assessments (None: not stored)
    from_snapshot: bool = False
    _assessments: list[Assessment] | None = None
    _stored: _Snapshot | None = None  # the stored join the assessments are made from
    _redo: Callable[[], Survey] | None = None  # the join made again, should the stored one lack records

    @property
    def assessments(self) -> list[Assessment]:
        if self._assessments is None:
            with _collector_paused():
                self._assessments = self._stored.assessments()
                if self._assessments is None:  # the stored join lacks its records: made again, and stored
                    redone = self._redo()
                    self._assessments, self.token, self.from_snapshot = redone.assessments, redone.token, False
            self._stored = self._redo = None
        return self._assessments

    @property
    def scores(self) -> list:
        """Every handoff's score record (inert JSON), in the order of the assessments (by id)."""
        if self._assessments is None:
            return self._stored.scores
        return [a.score for a in self._assessments]


SNAPSHOT = "report"  # what the join was made from, its handoffs' ids, and where each score is in the blob
RECORDS = "report-records"  # the assessments' records, read only when the assessments are wanted
SNAPSHOT_FORMAT = 9  # the layout of the records below; part of the key
DELTA_LIMIT = 1000  # changed files or touched handoffs beyond which the join is done again in full
OVERLAY = "report-delta"  # the handoffs scored again since the stored join was written whole
OVERLAY_LIMIT = 2000  # beyond this many (or a tenth of all), the join is written whole again


@dataclass
class _Snapshot:
    """The last join, as stored: its handoffs' ids and score JSON (in the blob), what they
    were computed from (HEAD, every receiver's leniency), and their records (read from
    the cache when first asked for: a kept report needs only the scores)."""

    key: str  # what it depended on besides HEAD (`_repository_state`)
    head: str
    base_ids: list[str]  # of the join written whole, by id
    scores: list  # memoryviews into the blob (or the overlay's), one per handoff, by id
    history_state: tuple
    files_with_findings: int
    leniency: dict
    cache: Cache
    token: bytes = b""  # the stored join's (base's) token
    overlay: dict = field(default_factory=dict)  # id -> (record, score): scored again since the base was written
    overlay_token: bytes = b""  # written with the overlay
    _records: list | None = None

    @property
    def join_token(self) -> str:
        return _join_token(self.token, self.overlay_token)

    def records(self) -> list | None:
        """The assessments' records, in the order of `scores`; None when the cache does not
        have them as written. The records part is written before the part that names it,
        and that one only if the records were written (`_store_snapshot`); still, a crash
        (parts are not flushed to disk), another run writing meanwhile, or a hand in the
        cache can leave them missing: then the join is made again."""
        if self._records is None:
            stored = self.cache.part(RECORDS).get("records")
            self.cache.flush(RECORDS)
            if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.token
                    and len(stored[1]) == len(self.base_ids)):
                return None
            self._records = _overlaid(self.base_ids, stored[1], self.overlay, 0)
        return self._records

    def assessments(self) -> list[Assessment] | None:
        records = self.records()
        return None if records is None else [Assessment.from_record(r, s) for r, s in zip(records, self.scores)]


def survey(config: Config, kinds: Kinds, cache: Cache, *, weights: Weights, as_of: datetime) -> Survey:
    """Every handoff's assessment; the caller saves the cache.

    Memory stays in proportion to the assessments: each cache part is written and let go
    as soon as it is complete, and the collector is paused (`_collector_paused`)."""
    with _collector_paused():
        return _survey(config, kinds, cache, weights=weights, as_of=as_of)


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off while the join is made, and what was made moved out
    of its sight afterwards (`gc.freeze`): these objects form no cycles, they are kept to
    the end of the command, and scanning hundreds of thousands of them again and again,
    while they are made and while the report's tables are built over them, costs more
    than the work itself."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _survey(config: Config, kinds: Kinds, cache: Cache, *, weights: Weights, as_of: datetime) -> Survey:
    answer = Git(config.root).start_head_if_clean(config.dir) if cache.enabled else None
    # while git tells whether the folder is clean, the last join is loaded (it is what is
    # wanted in every case but a changed folder or configuration); after commits (HEAD has
    # moved on) its assessments are made again meanwhile too
    snapshot = _load_snapshot(cache) if answer is not None else None
    # (a changed folder makes them in vain, but they take about as long as git status)
    kept = snapshot.assessments() if snapshot is not None and answer.head() != snapshot.head else None
    state = _repository_state(config, cache, answer()) if answer is not None else None
    if snapshot is not None and (state is None or snapshot.key != state[0]):
        snapshot = None
    if snapshot is not None and snapshot.head == state[1]:  # warm: nothing has changed
        available, shallow, reason, warnings = snapshot.history_state

        def redo() -> Survey:
            history_reader = start_history(config.root, config.dir, cache, clean=True)
            return _full(config, kinds, cache, history_reader, state, weights=weights, as_of=as_of)

        return Survey(HistoryState(available, shallow, reason, tuple(warnings)), snapshot.files_with_findings,
                      token=snapshot.join_token, from_snapshot=True, _stored=snapshot, _redo=redo)
    # git works on another core meanwhile; a clean folder (`state`) has nothing uncommitted
    history_reader = start_history(config.root, config.dir, cache, clean=state is not None)
    if snapshot is not None:
        changes = Git(config.root).changed_between(snapshot.head, state[1], config.dir)
        if _simple(changes, config) and kept is not None:
            history = history_reader()
            cache.flush("history")
            delta = _after_commits(config, kinds, snapshot, kept, changes, history, weights=weights, as_of=as_of)
            kept = None
            if delta is not None:
                assessments, leniency, rescored = delta
                state_now = HistoryState(history.available, history.shallow, history.reason, history.warnings)
                token = _store_snapshot(cache, state, assessments, state_now, 0, leniency, snapshot, rescored)
                return Survey(state_now, 0, token=token, _assessments=[a for a, _ in assessments])
            history_reader = lambda: history  # noqa: E731  (read once; the full join takes it as it is)
    del snapshot, kept
    return _full(config, kinds, cache, history_reader, state, weights=weights, as_of=as_of)


def _full(config: Config, kinds: Kinds, cache: Cache, history_reader, state, *, weights: Weights,
          as_of: datetime) -> Survey:
    store = load_store(config, kinds, cache=cache, want=DIGESTS)
    for part in ("results", "digests"):
        cache.flush(part)
    history = history_reader()
    cache.flush("history")
    assessments = assess(store.digests, store.feedback_digests, history, due_days=config.feedback_due_days,
                         weights=weights, as_of=as_of)
    leniency = leniency_offsets(ratings_by_receiver(store.digests, store.feedback_digests), weights.shrinkage)
    history_state = HistoryState(history.available, history.shallow, history.reason, history.warnings)
    files_with_findings = store.files_with_findings
    del store, history
    token = _store_snapshot(cache, state, [(a, None) for a in assessments], history_state, files_with_findings,
                            leniency)
    return Survey(history_state, files_with_findings, token=token, _assessments=assessments)


# ---------------------------------------------------------------- the stored join

def _repository_state(config: Config, cache: Cache, clean: str | None) -> tuple[str, str] | None:
    """(what the join depends on besides HEAD and the files, HEAD), or None when the join
    cannot be stored or reused: no cache, no commit yet, or anything under the handoffs
    folder differs from HEAD (changed, staged, untracked or ignored files: `clean` is None,
    else `Git.start_head_if_clean`'s answer)."""
    if not cache.enabled or clean is None:
        return None
    where, _, head = clean.rstrip("\n").rpartition("\n")  # the folder's prefix and shallowness; HEAD
    if not head:
        return None
    if where.endswith("true"):  # a shallow clone: which history it holds changes with `git fetch --deepen`
        where += "\0" + Git(config.root).history_extent
    facts = f"{SNAPSHOT_FORMAT}\0{cache.stamp}\0{config!r}\0{where}"
    return hashlib.sha1(facts.encode()).hexdigest(), head


def _load_snapshot(cache: Cache) -> _Snapshot | None:
    """The stored join: the last one written whole, with the handoffs scored again since
    (the overlay: a small part, so a report after a commit does not write a hundred
    thousand records again)."""
    stored = cache.part(SNAPSHOT).get("snapshot")
    cache.flush(SNAPSHOT)
    if not (isinstance(stored, tuple) and len(stored) == 8):
        return None
    key, head, token, ids, lengths, history_state, files_with_findings, leniency = stored
    blob = cache.read_blob(SNAPSHOT)
    if blob is None or blob[:len(token)] != token or len(ids) != len(lengths):  # the scores written with these ids
        return None
    view, start, scores = memoryview(blob), len(token), []
    for length in lengths:
        scores.append(view[start:start + length])
        start += length
    snapshot = _Snapshot(key, head, ids, scores, history_state, files_with_findings, leniency, cache, token)
    overlay = cache.part(OVERLAY).get("overlay")
    cache.flush(OVERLAY)
    if isinstance(overlay, tuple) and len(overlay) == 7 and overlay[0] == token:
        (_, snapshot.overlay_token, snapshot.key, snapshot.head, snapshot.history_state, snapshot.leniency,
         snapshot.overlay) = overlay
    snapshot.scores = _overlaid(ids, scores, snapshot.overlay, 1)
    return snapshot


def _overlaid(ids: list[str], values: list, overlay: dict, which: int) -> list:
    """`values` (one per id, the join written whole, by id) with the overlay's
    (`overlay[id][which]`: its record or its score) in place of theirs, and new handoffs'
    merged in by id."""
    if not overlay:
        return values
    values = list(values)
    for index, handoff_id in enumerate(ids):
        newer = overlay.get(handoff_id)
        if newer is not None:
            values[index] = newer[which]
    added = sorted(set(overlay).difference(ids))
    if not added:
        return values
    merged = heapq.merge(zip(ids, values), ((i, overlay[i][which]) for i in added), key=lambda pair: pair[0])
    return [value for _, value in merged]


def _join_token(base: bytes, overlay: bytes = b"") -> str:
    """Names a stored join (`Survey.token`): its base's token and its overlay's."""
    return (base + b":" + overlay).decode()


def _store_snapshot(cache: Cache, state: tuple[str, str] | None, assessments: list[tuple[Assessment, tuple | None]],
                    history_state: HistoryState, files_with_findings: int, leniency: dict,
                    base: _Snapshot | None = None, rescored: list[Assessment] = ()) -> str | None:
    """Keep the join for the next report, unless a time in it stands for "now" (it would
    change by tomorrow); its token (`Survey.token`), or None when not kept. `assessments`
    are (assessment, its record when already known). After commits (`base`: the stored
    join they started from, `rescored`: the handoffs scored again), only the overlay is
    written while it stays small."""
    if state is None or any(a.timed_now for a, _ in assessments):
        return None
    frozen_state = (history_state.available, history_state.shallow, history_state.reason,
                    list(history_state.warnings))
    if base is not None and base.token:
        overlay = dict(base.overlay or {})
        overlay.update((a.id, (a.record(), bytes(a.score))) for a in rescored)
        if len(overlay) <= min(OVERLAY_LIMIT, max(100, len(assessments) // 10)):
            overlay_token = os.urandom(16).hex().encode()
            cache.replace(OVERLAY, {"overlay": (base.token, overlay_token, state[0], state[1], frozen_state, leniency,
                                                overlay)})
            cache.flush(OVERLAY)
            return _join_token(base.token, overlay_token)
    # the scores and the records first, each tied to the part that names them by a token:
    # that part is written only if they were
    token = os.urandom(16).hex().encode()
    if not cache.write_blob(SNAPSHOT, itertools.chain([token], (a.score for a, _ in assessments))):
        return None
    cache.replace(RECORDS, {"records": (token, [record or a.record() for a, record in assessments])})
    if not cache.flush(RECORDS):
        return None
    cache.replace(OVERLAY, {})  # the join written whole has none
    cache.flush(OVERLAY)
    cache.replace(SNAPSHOT, {"snapshot": (
        state[0], state[1], token, [a.id for a, _ in assessments], [len(a.score) for a, _ in assessments],
        frozen_state, files_with_findings, leniency)})
    return _join_token(token) if cache.flush(SNAPSHOT) else None


# ---------------------------------------------------------------- after commits

def _simple(changes: list[tuple[str, str, str, str]] | None, config: Config) -> bool:
    """Whether the commits since the stored join changed only handoff and feedback files in
    their places (added or modified, regular files), and few enough of them."""
    if changes is None or len(changes) > DELTA_LIMIT:
        return False
    folder = Path(config.dir)
    for status, path, _, mode in changes:
        named = layout.id_from_name(path.rpartition("/")[2])
        if status not in ("A", "M") or mode not in ("100644", "100755") or named is None \
                or not is_valid_id(named[0]):
            return False
        place = (layout.feedback_path if named[1] else layout.document_path)(folder, named[0])
        if path != place.as_posix():
            return False
    return True


def _regular(path: Path) -> bool | None:
    """True for a regular file, False for anything else there (a link, a folder…), None for nothing."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except FileNotFoundError:
        return None
    except OSError:
        return False


def _after_commits(config: Config, kinds: Kinds, snapshot: _Snapshot, stored: list[Assessment], changes,
                   history: History, *, weights: Weights, as_of: datetime):
    """The join after the commits since the stored one (`stored`: its assessments), scoring
    again only the handoffs they touched; None when that cannot be told exactly (then the
    join is done in full)."""
    if snapshot.files_with_findings or history.changed is None or history.changed_since != snapshot.head \
            or not history.available:
        return None
    touched = set(history.changed)
    touched.update(layout.id_from_name(path.rpartition("/")[2])[0] for _, path, _, _ in changes)
    if len(touched) > DELTA_LIMIT:
        return None
    handoffs_dir = config.handoffs_dir
    fresh = {}  # id -> (digest, feedback digest): the touched handoffs as they are now
    for handoff_id in sorted(touched):
        document = layout.proper_document(handoffs_dir, handoff_id)
        feedback_path = layout.feedback_path(handoffs_dir, handoff_id)
        feedback_there = _regular(feedback_path)
        if document is None:
            if feedback_there is not None or _regular(layout.document_path(handoffs_dir, handoff_id)) is not None:
                return None  # feedback without its handoff, or something odd in a handoff's place: findings
            continue  # gone again (or never a handoff): deletions show in the changes, so it was not there
        read = read_document(document, kinds, True, DIGESTS)
        if read.findings or read.doc_id != handoff_id:
            return None
        feedback = None
        if feedback_there is False:
            return None
        if feedback_there:
            answer = read_feedback(feedback_path, kinds, read.kind, True, True, DIGESTS)
            if answer.findings or answer.digest.handoff_id != handoff_id:
                return None
            feedback = answer.digest
        fresh[handoff_id] = (read.digest, feedback)

    kept, previous = [], None
    ratings: dict[str, list[int]] = defaultdict(list)
    for record, assessment in zip(snapshot.records(), stored):
        handoff_id = assessment.id
        if previous is not None and handoff_id <= previous:
            return None  # not in the order a full join gives (by id): do it in full
        previous = handoff_id
        if handoff_id in touched:
            continue
        kept.append((assessment, record))
        if assessment.feedback is not None and assessment.feedback.rating is not None:
            ratings[assessment.receiver.key].append(assessment.feedback.rating)
    for digest, feedback in fresh.values():
        if feedback is not None and feedback.rating is not None:
            ratings[digest.receiver.key].append(feedback.rating)
    leniency = leniency_offsets(ratings, weights.shrinkage)
    for assessment, _ in kept:  # their rating part uses their receiver's leniency: it must not have moved
        if assessment.feedback is not None and assessment.feedback.rating is not None \
                and leniency.get(assessment.receiver.key) != snapshot.leniency.get(assessment.receiver.key):
            return None
    rescored = [assess_one(digest, feedback, history, leniency, due_days=config.feedback_due_days, weights=weights,
                           as_of=as_of) for digest, feedback in fresh.values()]
    merged = sorted(kept + [(a, None) for a in rescored], key=lambda pair: pair[0].id)
    return merged, leniency, rescored
