"""Loading a repository's handoffs and feedback: parse, validate, then build what the
command wants: nothing (`check`), digests (`list`, `show`, `report`) or full models."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handoff_cli.documents import layout
from handoff_cli.documents.config import Config
from handoff_cli.documents.layout import display_path
from handoff_cli.rules.findings import Finding
from handoff_cli.rules.kinds import Kind, Kinds
from handoff_cli.rules.validate import duplicate_id_finding
from handoff_cli.store.cache import Cache, clean_blob_ids
from handoff_cli.store.pool import run_jobs, start_pool, worker_count
from handoff_cli.store.reader import (
    DIGESTS,
    FINDINGS,
    MODELS,
    FileResult,
    read_document,
    read_feedback,
)
from handoff_cli.store.source import Source

if TYPE_CHECKING:  # imported where made: `check` makes no digest nor model
    from handoff_cli.documents.model import Feedback, Handoff
    from handoff_cli.reporting.digests import FeedbackDigest, HandoffDigest

NAMED_BLOBS = 200  # up to this many named files, git is asked for their blob ids alone

__all__ = ["DIGESTS", "FINDINGS", "MODELS", "Store", "load_store"]


@dataclass
class Store:
    """The valid handoffs and feedback (as digests or as models, as asked), and every finding."""

    config: Config
    kinds: Kinds
    handoffs: dict[str, Handoff] = field(default_factory=dict)
    feedback: dict[str, Feedback] = field(default_factory=dict)
    digests: dict[str, HandoffDigest] = field(default_factory=dict)
    feedback_digests: dict[str, FeedbackDigest] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)  # handoff id -> its document, for valid ones
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    skipped: list[layout.Skipped] = field(default_factory=list)  # paths given that are not handoffs

    @property
    def files_with_findings(self) -> int:
        return len({f.file for f in self.findings})


class _Loader:
    """Reads and validates files once each, through the cache when their blob is known."""

    def __init__(self, config: Config, kinds: Kinds, fast: bool, cache: Cache | None, want: str,
                 named: list[Path] | None = None):
        self.config, self.kinds, self.fast, self.want = config, kinds, fast, want
        self.cache = cache if cache is not None and cache.enabled else None
        self.used: dict[str, set] = {"results": set(), "digests": set()}
        self._root = str(config.root) + "/"
        # blob ids of the whole folder, or, for a few named files, of those alone
        few = named is not None and len(named) <= NAMED_BLOBS
        self.blobs = (clean_blob_ids(config.root, config.dir, [self._relative(p) for p in named] if few else None)
                      if self.cache else {})
        self._documents: dict[Path, FileResult] = {}
        self._feedback: dict[Path, FileResult] = {}

    def _relative(self, path: Path) -> str:
        """`path` relative to the root, as git names it (a string operation: this runs per file)."""
        text = str(path)
        if text.startswith(self._root):
            return text[len(self._root):]
        try:
            return path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _cached(self, key: tuple, blob: str | None, path: Path, is_feedback: bool) -> FileResult | None:
        """The cached result, unless it lacks what this command wants (models are never cached)."""
        if blob is None or self.want == MODELS:
            return None
        record = self.cache.part("results").get(key)
        if record is None:
            return None
        findings = [Finding(display_path(path), *fields) for fields in record[0]]
        digest = None
        if self.want == DIGESTS and not findings:
            digest_record = self.cache.part("digests").get(blob)
            if digest_record is None:
                return None
            from handoff_cli.reporting.digests import FeedbackDigest, HandoffDigest

            digest = (FeedbackDigest if is_feedback else HandoffDigest).from_record(digest_record)
            self.used["digests"].add(blob)
        self.used["results"].add(key)
        kind = self.kinds.get(record[1]) if record[1] in self.kinds else None
        return FileResult(findings, kind, record[2], digest=digest)

    def _remember(self, key: tuple, blob: str | None, result: FileResult) -> None:
        if blob is None or self.cache is None:
            return
        fields = [(f.line, f.column, f.field, f.message, f.code) for f in result.findings]
        self.cache.put("results", key, (fields, result.kind.name if result.kind else None, result.doc_id))
        self.used["results"].add(key)
        if result.digest is not None:
            self.cache.put("digests", blob, result.digest.record())
            self.used["digests"].add(blob)

    def document(self, path: Path) -> FileResult:
        if path in self._documents:
            return self._documents[path]
        key, blob = self._document_key(path)
        result = self._cached(key, blob, path, False)
        if result is None:
            result = read_document(path, self.kinds, self.fast, self.want)
            self._remember(key, blob, result)
        self._documents[path] = result
        return result

    def _document_key(self, path: Path) -> tuple[tuple, str | None]:
        """(path, blob): a document's findings depend on its text alone (and on the stamp)."""
        relative = self._relative(path)
        blob = self.blobs.get(relative)
        return (relative, blob), blob

    def _feedback_key(self, path: Path, target_path: Path | None) -> tuple[tuple, str | None, Kind | None]:
        """(path, blob, the handoff's kind, whether the handoff exists): what a feedback file's
        findings depend on."""
        relative = self._relative(path)
        blob = self.blobs.get(relative)
        target_kind = self.document(target_path).kind if target_path else None
        return (relative, blob, target_kind.name if target_kind else None, target_path is not None), blob, target_kind

    def feedback(self, path: Path, proper_documents: dict[str, Path]) -> FileResult:
        if path in self._feedback:
            return self._feedback[path]
        stem = layout.id_from_name(path.name)[0]
        # the feedback's findings depend on its handoff's kind: find that first, cheaply
        target_path = proper_documents.get(stem)
        source = None
        if target_path is None:
            source = Source(path, self.fast)
            target_id = source.parsed.value.get("handoff") if isinstance(source.parsed.value, dict) else None
            if isinstance(target_id, str):
                target_path = proper_documents.get(target_id)
                if target_path is None:
                    sibling = path.with_name(target_id + layout.DOCUMENT_SUFFIX)
                    target_path = sibling if sibling.is_file() else None
        key, blob, target_kind = self._feedback_key(path, target_path)
        result = None if source is not None else self._cached(key, blob, path, True)
        if result is None:
            result = read_feedback(path, self.kinds, target_kind, target_path is not None, self.fast, self.want,
                                    source)
            self._remember(key, blob, result)
        return result

    # ------------------------------------------------------------ many files at once

    def prefetch(self, documents: list[Path], feedback: list[Path], proper_documents: dict[str, Path]) -> None:
        """Read the files the cache does not answer in worker processes, when there are enough
        of them to pay for the workers' start-up: parsing and validating is CPU work, and the
        machine has more than one core. Documents first: a feedback file's checks need its
        handoff's kind."""
        if self.want == MODELS:
            return
        missing = []
        for path in documents:
            cached = self._cached(*self._document_key(path), path, False)
            if cached is None:
                missing.append(path)
            else:
                self._documents[path] = cached
        unread = set(missing)
        uncached_feedback = []  # with their handoff; those of unread handoffs are looked up later
        for path in feedback:
            target_path = proper_documents.get(layout.id_from_name(path.name)[0])
            if target_path is not None and (target_path in unread or not self._cached_feedback(path, target_path)):
                uncached_feedback.append((path, target_path))
        # a worker makes the kinds again from the configuration, reading custom schemas from
        # the working tree: kinds read from elsewhere (the base branch's, for the gate) are
        # only ever applied here
        workers = worker_count(len(missing) + len(uncached_feedback)) if self.kinds.from_working_tree else 0
        if not workers:
            return
        from concurrent.futures.process import BrokenProcessPool

        pool = None
        try:
            pool = start_pool(workers)  # its processes start with the first job
            jobs = [("document", str(path), None, False) for path in missing]
            for path, result in zip(missing, run_jobs(pool, self, jobs, workers)):
                self._remember(*self._document_key(path), result)
                self._documents[path] = result
            waiting, jobs = [], []
            for path, target_path in uncached_feedback:
                if target_path in unread and self._cached_feedback(path, target_path):
                    continue
                key, blob, target_kind = self._feedback_key(path, target_path)
                waiting.append((path, key, blob))
                jobs.append(("feedback", str(path), target_kind.name if target_kind else None, True))
            for (path, key, blob), result in zip(waiting, run_jobs(pool, self, jobs, workers)):
                self._remember(key, blob, result)
                self._feedback[path] = result
        except (BrokenProcessPool, OSError):
            pass  # no workers here (e.g. a script without a main guard): the rest is read one by one
        finally:
            if pool is not None:
                pool.shutdown()

    def _cached_feedback(self, path: Path, target_path: Path) -> bool:
        """Whether the cache answers for this feedback file (the answer is kept)."""
        key, blob, _ = self._feedback_key(path, target_path)
        cached = self._cached(key, blob, path, True)
        if cached is not None:
            self._feedback[path] = cached
        return cached is not None


def load_store(config: Config, kinds: Kinds, paths: list[Path] | None = None, *, fast: bool = True,
               cache: Cache | None = None, want: str = DIGESTS) -> Store:
    """Read and validate the repository's files (or just `paths`); of the valid ones keep
    `want`: FINDINGS only (`check`: no document stays in memory), DIGESTS or MODELS.

    With a `cache`, files whose content git already knows are not read again.
    """
    handoffs_dir = config.handoffs_dir
    if paths is None:
        selected = layout.scan(handoffs_dir)
        proper_documents = {layout.id_from_name(p.name)[0]: p for p in selected.documents}
    else:  # a few named files: the rest is looked up by name when a feedback file needs its handoff
        selected = layout.expand(paths, handoffs_dir)
        proper_documents = layout.ProperDocuments(handoffs_dir)
    store = Store(config, kinds)
    store.files_checked = len(selected.documents) + len(selected.feedback) + len(selected.strays)
    store.skipped = selected.skipped
    for stray in selected.strays:
        store.findings.append(Finding(display_path(stray.path), 1, 1, "", stray.message, "rule.stray"))
    loader = _Loader(config, kinds, fast, cache, want,
                     None if paths is None else selected.documents + selected.feedback)
    loader.prefetch(selected.documents, selected.feedback, proper_documents)

    if want == MODELS:
        from handoff_cli.documents.model import Feedback, Handoff
    ids_seen: dict[str, list[Path]] = defaultdict(list)
    for path in selected.documents:
        result = loader.document(path)
        store.findings += result.findings
        if result.doc_id:
            ids_seen[result.doc_id].append(path)
        if want != FINDINGS and not result.findings and result.doc_id not in store.paths:
            store.paths[result.doc_id] = path
            if want == MODELS:
                store.handoffs[result.doc_id] = Handoff.from_dict(result.value, path)
            else:
                store.digests[result.doc_id] = result.digest
    for handoff_id, where in ids_seen.items():
        for path in where[1:]:
            store.findings.append(duplicate_id_finding(display_path(path), Source(path, fast=False).parsed,
                                                       handoff_id, display_path(where[0])))

    for path in selected.feedback:
        result = loader.feedback(path, proper_documents)
        store.findings += result.findings
        if want == MODELS and not result.findings:
            feedback = Feedback.from_dict(result.value, path)
            store.feedback[feedback.handoff_id] = feedback
        elif want == DIGESTS and not result.findings:
            store.feedback_digests[result.digest.handoff_id] = result.digest
    if loader.cache:
        loader.cache.save(keep=loader.used if paths is None else None)
    store.findings.sort(key=Finding.sort_key)
    return store
