"""Per-handoff timelines from git history, read in one streaming `git log` pass.

Who handed over and when is the author of the first commit that added the handoff's
file; received at / feedback at are the first commits whose feedback file holds a receipt
/ an outcome entry; rework is every later commit that changed the handoff's `context`.
One `git log --raw` process lists every change with its blob ids; one persistent
`git cat-file --batch` process reads only the blobs that decide something (feedback
versions and modified documents). The number of git processes does not grow with the
number of handoffs.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, MutableMapping
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from handoff_cli.documents import layout, reading
from handoff_cli.errors import GitError
from handoff_cli.git import Git
from handoff_cli.history.timelines import Commit, History, Rework, Timeline
from handoff_cli.i18n import t

_RECEIPT = re.compile(rb"^[ \t-]*phase:[ \t]*['\"]?receipt\b", re.MULTILINE)
_OUTCOME_PHASE = re.compile(rb"^[ \t-]*phase:[ \t]*['\"]?outcome\b", re.MULTILINE)
_OUTCOME_KEY = re.compile(rb"^[ \t-]*outcome:[ \t]*\S", re.MULTILINE)
# Each commit's header is one line: the record mark, then its fields split by NUL. Git
# prints no other line that starts with NUL, and no name or e-mail can hold a line break.
_RECORD = "\x00\x1e"
_HEADER_FORMAT = "%x00%x1e%H%x00%aI%x00%an%x00%ae"  # _RECORD, then sha, author time, name, e-mail
_ISO_SECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-](\d\d):(\d\d))")  # newer gits write Z for UTC
_MAX_OFFSET_HOURS = 18  # the widest offset a clock can have (ISO 8601 / RFC 3339 practice is ±14)


def _feedback_counts(data: bytes) -> tuple[int, int]:
    """(receipt entries, outcome entries) in a feedback file's text, without a full parse."""
    receipts = len(_RECEIPT.findall(data))
    outcomes = len(_OUTCOME_PHASE.findall(data))
    if not outcomes:
        outcomes = len(_OUTCOME_KEY.findall(data))
    return receipts, outcomes


def _context_of(data: bytes) -> dict:
    value = reading.parse_bytes(data).value
    context = value.get("context") if isinstance(value, dict) else None
    return context if isinstance(context, dict) else {}


def changed_fields(before: dict, after: dict) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)))


def _commit_time(text: str) -> datetime | None:
    """A commit's author time from git's strict ISO form, or None when it cannot be used: not
    that form (a year past 9999), an odd time zone (+9959, minutes past 59), or a moment that
    has no UTC equivalent."""
    match = _ISO_SECONDS.fullmatch(text)
    if match is None or (match[1] is not None and (int(match[1]) > _MAX_OFFSET_HOURS or int(match[2]) > 59)):
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        at.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return at


def _parse_commit_header(line: str) -> tuple[str, Commit | None]:
    """(sha, the commit) from a header line; the commit is None when its fields cannot be read."""
    fields = line.split("\0")
    at = _commit_time(fields[1]) if len(fields) == 4 else None
    if at is None:
        return fields[0], None
    return fields[0], Commit(fields[0], at, sys.intern(fields[2]), sys.intern(fields[3]))


def read_history(root: Path, handoffs_dir: str, cache=None) -> History:
    """Timelines of every handoff under `handoffs_dir` (relative to the repository root).

    With a `cache`, timelines are kept with the HEAD they describe: a later call reads only
    the commits since then (`cached..HEAD`), or nothing when HEAD has not moved; a history
    that was rewritten (the cached HEAD is no longer an ancestor) is read again in full.
    """
    return start_history(root, handoffs_dir, cache)()


def start_history(root: Path, handoffs_dir: str, cache=None, *, clean: bool = False) -> Callable[[], History]:
    """`read_history` in two steps: git starts walking the log now, on another core, spooling
    its output to a temporary file; the returned callable reads that and gives the History.
    The caller works in between, and neither side's memory peaks at the same time.
    `clean`: the caller knows that nothing under the folder differs from HEAD (git is not
    asked again which documents are not committed yet)."""
    repository = Git(root)
    try:
        top, shallow, extent = repository.toplevel, repository.shallow, repository.history_extent
    except GitError:  # not a repository, or no git here: the report goes on without history
        return lambda: History({}, available=False, reason=t("history.not_a_repository"))
    head = repository.head() or ""
    processes = 2
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    pathspec = f"{prefix}/{handoffs_dir}" if prefix != "." else handoffs_dir
    reusing, since = False, None
    # what the cached timelines describe, from a small part of its own (the timelines are
    # read once, when the new commits are known)
    state = None
    if cache is not None and cache.enabled:
        state = cache.part(HEAD_PART).get("state")
        cache.flush(HEAD_PART)
    if head and state and len(state) == 3 and state[0] == pathspec and state[2] == extent:
        cached_head = state[1]
        if cached_head == head:
            reusing, since = True, head
        else:
            processes += 1
            if repository.is_ancestor(cached_head, head):
                reusing, since = True, cached_head
    del state
    log = _start_log(repository, pathspec, since) if head and since != head else None

    def finish() -> History:
        nonlocal processes, log
        timelines: dict[str, Timeline] = {}
        unreadable: list[str] = []  # short shas of commits whose fields could not be read
        incremental = reusing
        base_head, updates = None, {}
        if reusing:
            state = cache.part("history").get("state")
            cache.flush("history")
            if state and len(state) == 5 and (state[0], state[2]) == (pathspec, extent) and isinstance(state[3], dict):
                base_head, frozen, unreadable = state[1], state[3], list(state[4])
                newer = cache.part(DELTA_PART).get("delta")  # timelines changed since the base was written
                cache.flush(DELTA_PART)
                if isinstance(newer, tuple) and len(newer) == 4 and newer[0] == base_head and newer[1] == since:
                    updates, unreadable = newer[2], list(newer[3])
                    for handoff_id, timeline in updates.items():
                        if timeline is None:
                            frozen.pop(handoff_id, None)
                        else:
                            frozen[handoff_id] = timeline
                elif base_head != since:
                    base_head = None
            if base_head is not None:
                timelines = LazyTimelines(frozen)
            else:  # another process replaced the cache meanwhile: read everything
                if log is not None:
                    log().close()  # the log of the new commits alone: its git ends, its file goes
                log = _start_log(repository, pathspec, None)
                incremental = False
            del state
        history = History(timelines, shallow=shallow, head=head or None)
        touched: set[str] = set()
        if log is not None:
            processes += 1 + _read_log(repository, log(), timelines, unreadable, touched)
            if cache is not None and cache.enabled:
                _store(cache, pathspec, head, extent, timelines, unreadable,
                       (base_head, updates, touched) if incremental else None)
        if not clean:
            processes += _mark_uncommitted(repository, pathspec, timelines, touched)
        history.changed = frozenset(touched) if incremental else None
        history.changed_since = since if incremental else None
        history.git_processes = processes
        history.warnings = tuple(t("history.unreadable_commit", sha=sha) for sha in unreadable)
        return history

    return finish


HEAD_PART = "history-head"  # (pathspec, HEAD, history extent) of the cached timelines (the base with its delta)
DELTA_PART = "history-delta"  # (the base's HEAD, HEAD, id -> timeline or None, unreadable): changed since
DELTA_LIMIT = 5000  # beyond this many changed timelines, the base is written whole again


def _store(cache, pathspec: str, head: str, extent: str, timelines, unreadable: list[str], since_base) -> None:
    """Keep the timelines for the next run (the caller saves): after a few new commits only
    those they changed (`since_base`: the base's HEAD, what changed since it before, what
    changed now), so a hundred thousand timelines are not written again for one commit."""
    cache.put(HEAD_PART, "state", (pathspec, head, extent))
    if since_base is not None:
        base_head, updates, touched = since_base
        updates = dict(updates)
        for handoff_id in touched:
            timeline = timelines.get(handoff_id)
            updates[handoff_id] = None if timeline is None else _freeze_one(timeline)
        if len(updates) <= DELTA_LIMIT:
            cache.replace(DELTA_PART, {"delta": (base_head, head, updates, unreadable)})
            return
    cache.replace("history", {"state": (pathspec, head, extent, _freeze(timelines), unreadable)})
    cache.replace(DELTA_PART, {})


def _frozen_commit(c: Commit | None):
    return None if c is None else (c.sha, c.at.isoformat(), c.name, c.email)


def _freeze_one(timeline: Timeline) -> tuple:
    return (_frozen_commit(timeline.handed_over), _frozen_commit(timeline.received),
            _frozen_commit(timeline.feedback), [(_frozen_commit(r.commit), list(r.fields)) for r in timeline.rework])


def _freeze(timelines) -> dict:
    """Timelines as plain values, id -> tuple, for the cache (uncommitted state is never cached)."""
    if isinstance(timelines, LazyTimelines):
        return timelines.frozen()
    return {handoff_id: _freeze_one(timeline) for handoff_id, timeline in timelines.items()}


class LazyTimelines(MutableMapping):
    """The cached timelines, made into objects only when asked for: after a few new commits
    a report needs the few they touched, not a hundred thousand."""

    def __init__(self, frozen: dict):
        self._frozen = frozen  # id -> tuple (`_freeze_one`), for those not asked for yet
        self._live: dict[str, Timeline] = {}
        self._commits: dict[str, Commit] = {}  # one object per commit, as the log gives them

    def _commit(self, c) -> Commit | None:
        if c is None:
            return None
        known = self._commits.get(c[0])
        if known is None:
            known = self._commits[c[0]] = Commit(c[0], datetime.fromisoformat(c[1]), sys.intern(c[2]),
                                                 sys.intern(c[3]))
        return known

    def __getitem__(self, handoff_id: str) -> Timeline:
        live = self._live.get(handoff_id)
        if live is None:
            handed, received, feedback, rework = self._frozen.pop(handoff_id)  # KeyError when unknown
            live = self._live[handoff_id] = Timeline(
                handoff_id, self._commit(handed), self._commit(received), self._commit(feedback),
                [Rework(self._commit(c), tuple(fields)) for c, fields in rework])
        return live

    def get(self, handoff_id: str, default=None):
        try:
            return self[handoff_id]
        except KeyError:
            return default

    def __setitem__(self, handoff_id: str, timeline: Timeline) -> None:
        self._frozen.pop(handoff_id, None)
        self._live[handoff_id] = timeline

    def __delitem__(self, handoff_id: str) -> None:
        if handoff_id in self._live:
            del self._live[handoff_id]
        else:
            del self._frozen[handoff_id]

    def __contains__(self, handoff_id) -> bool:
        return handoff_id in self._live or handoff_id in self._frozen

    def __iter__(self):
        yield from list(self._live)
        yield from list(self._frozen)

    def __len__(self) -> int:
        return len(self._live) + len(self._frozen)

    def frozen(self) -> dict:
        """Every timeline as plain values; those never asked for are not made into objects."""
        result = dict(self._frozen)
        result.update((handoff_id, _freeze_one(timeline)) for handoff_id, timeline in self._live.items())
        return result


def _start_log(repository: Git, pathspec: str, since: str | None) -> Callable[[], IO[bytes]]:
    """Start one `git log` (of the commits after `since`, when given), writing straight into
    a temporary file (no thread: the file workers can then be forked); the returned
    callable waits and gives the file, rewound.

    `--relative` rather than a pathspec: git then only diffs the handoffs folder, without
    the history simplification a pathspec costs (a third of the time on 190,000 commits).
    """
    revisions = [f"{since}..HEAD"] if since else []
    spool = tempfile.TemporaryFile()
    process = repository.log(
        "--reverse", "--raw", "-M", "--no-abbrev", "--no-color", "--date-order", f"--relative={pathspec}/",
        f"--format={_HEADER_FORMAT}", *revisions, output=spool)

    def spooled() -> IO[bytes]:
        process.wait()
        spool.seek(0)
        return spool

    return spooled


def _read_log(repository: Git, log: IO[bytes], timelines: dict[str, Timeline], unreadable: list[str],
              touched: set[str] | None = None) -> int:
    """Fill timelines from the log; returns the number of git processes started for blobs.

    Every commit is listed (see `_start_log`), so a header is parsed only when a change
    under the folder follows it. A commit whose fields cannot be read is added to
    `unreadable` (once, by its short sha) and its changes are skipped: it is unknown. The ids
    of every timeline a change names are added to `touched`."""
    touched = set() if touched is None else touched
    feedback_versions: list[tuple[Commit, str, str]] = []  # commit, id, blob
    document_changes: list[tuple[Commit, str, str, str]] = []  # commit, id, old blob, new blob
    header: str | None = None
    commit: Commit | None = None
    skipping = False  # the current commit could not be read
    with log:
        for raw in log:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith(_RECORD):
                header, commit, skipping = line[len(_RECORD):], None, False
                continue
            if skipping or not line.startswith(":") or header is None:
                continue
            meta, _, paths = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5:
                continue
            old_blob, new_blob, status = parts[2], parts[3], parts[4]
            names = paths.split("\t")
            named = layout.id_from_name(names[-1].rsplit("/", 1)[-1])
            if named is None:
                continue
            if commit is None:
                sha, commit = _parse_commit_header(header)
                if commit is None:
                    unreadable.append(sha[:12])
                    skipping = True
                    continue
            handoff_id, is_feedback = named
            touched.add(handoff_id)
            if status.startswith("R"):
                old_named = layout.id_from_name(names[0].rsplit("/", 1)[-1])
                if old_named:
                    touched.add(old_named[0])
                if old_named and old_named[0] != handoff_id and old_named[0] in timelines:
                    timelines.setdefault(handoff_id, timelines.pop(old_named[0])).handoff_id = handoff_id
            timeline = timelines.setdefault(handoff_id, Timeline(handoff_id))
            if status == "D":
                continue
            if is_feedback:
                feedback_versions.append((commit, handoff_id, new_blob))
            elif timeline.handed_over is None:  # the log runs oldest first: first seen is the handover
                timeline.handed_over = commit
            elif status.startswith("M") or (status.startswith("R") and old_blob != new_blob):
                document_changes.append((commit, handoff_id, old_blob, new_blob))
    return _read_blobs(repository, timelines, feedback_versions, document_changes)


def _read_blobs(repository: Git, timelines, feedback_versions, document_changes) -> int:
    feedback_blobs = {sha for _, _, sha in feedback_versions}
    wanted = [sha for _, _, sha in feedback_versions]
    for _, _, old, new in document_changes:
        wanted += (old, new)
    if not wanted:
        return 0
    # feedback versions (most of the blobs) are boiled down to counts as they arrive
    counts: dict[str, tuple[int, int]] = {}
    documents: dict[str, bytes] = {}
    for sha, data in repository.cat_file(wanted):
        if sha in feedback_blobs:
            counts[sha] = _feedback_counts(data)
        else:
            documents[sha] = data
    for commit, handoff_id, sha in feedback_versions:
        timeline = timelines[handoff_id]
        receipts, outcomes = counts[sha]
        if receipts and (timeline.received is None or commit.at < timeline.received.at):
            timeline.received = commit
        if outcomes and (timeline.feedback is None or commit.at < timeline.feedback.at):
            timeline.feedback = commit
    for commit, handoff_id, old, new in document_changes:
        before, after = context_fields(documents[old]), context_fields(documents[new])
        if _as_text(before) != _as_text(after):  # one version is not canonical: compare parsed values
            before, after = _context_of(documents[old]), _context_of(documents[new])
        fields = changed_fields(before, after)
        if fields:
            timelines[handoff_id].rework.append(Rework(commit, fields))
    return 1


_TOP_KEY = re.compile(rb"^[^\s#-][^:]*:", re.MULTILINE)
_CONTEXT_KEY = re.compile(rb"^  ([^\s#:][^:]*):", re.MULTILINE)


def _as_text(fields: dict) -> bool:
    return all(isinstance(v, bytes) for v in fields.values())


def context_fields(data: bytes) -> dict[str, bytes | object]:
    """A document's context, field by field, for telling which fields a commit changed.

    Canonical files (block style, two-space indent) are split as text, which is fast and
    parses nothing; anything else goes through the safe reader.
    """
    start = re.search(rb"^context:[ \t]*\n", data, re.MULTILINE)
    if start is None:
        return _context_of(data)
    following = _TOP_KEY.search(data, start.end())
    block = data[start.end():following.start() if following else len(data)]
    keys = list(_CONTEXT_KEY.finditer(block))
    if not keys or keys[0].start() != 0:
        return _context_of(data)
    fields: dict[str, bytes | object] = {}
    for index, key in enumerate(keys):
        end = keys[index + 1].start() if index + 1 < len(keys) else len(block)
        fields[key.group(1).decode("utf-8", "replace")] = block[key.end():end].strip()
    return fields


def _mark_uncommitted(repository: Git, pathspec: str, timelines: dict[str, Timeline],
                      touched: set[str] | None = None) -> int:
    """Documents not committed yet count as handed over now (the join fills in the time)."""
    for code, path in repository.uncommitted(pathspec):
        named = layout.id_from_name(path.rsplit("/", 1)[-1])
        if named is None or named[1] or "D" in code:
            continue
        if touched is not None:
            touched.add(named[0])
        timeline = timelines.setdefault(named[0], Timeline(named[0]))
        timeline.uncommitted = timeline.handed_over is None
    return 1
