"""Loading a repository's handoffs and feedback: parse, validate, then build what the
command wants: nothing (`check`), digests (`list`, `show`, `report`) or full models."""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from handoff_cli import layout, yamlio
from handoff_cli.cache import Cache, clean_blob_ids
from handoff_cli.config import Config
from handoff_cli.digest import FeedbackDigest, HandoffDigest
from handoff_cli.errors import UserError
from handoff_cli.layout import display_path
from handoff_cli.messages import t
from handoff_cli.model import Feedback, Handoff
from handoff_cli.schemas import Kind, Kinds
from handoff_cli.validate import Finding, validate_feedback, validate_handoff


FINDINGS, DIGESTS, MODELS = "findings", "digests", "models"


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

    @property
    def files_with_findings(self) -> int:
        return len({f.file for f in self.findings})


class _Source:
    """A file's bytes, read once, and its parse: fast first, with positions when needed."""

    def __init__(self, path: Path, fast: bool):
        self.path = path
        try:
            self.data: bytes | None = path.read_bytes()
        except OSError as error:
            self.data = None
            self.parsed = yamlio.ParsedYaml(None, [yamlio.YamlProblem(error.strerror or str(error),
                                                                      yamlio.Position(1, 1))])
            self.positional = True
            return
        ok, value = yamlio.fast_load(self.data) if fast else (False, None)
        self.positional = not ok
        self.parsed = yamlio.ParsedYaml(value) if ok else yamlio.parse_bytes(self.data)

    def validated(self, check):
        """`check(parsed)`'s findings, re-reading with positions when there are any."""
        result = check(self.parsed)
        findings = result[0] if isinstance(result, tuple) else result
        if findings and not self.positional:
            self.parsed, self.positional = yamlio.parse_bytes(self.data), True
            result = check(self.parsed)
        return result


def _expand(paths: list[Path], handoffs_dir: Path) -> layout.Scan:
    """Files named on the command line: files as given, folders searched for *.yaml."""
    result = layout.Scan()
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise UserError(f"{given}: no such file or folder")
        if given.is_dir() and not given.is_symlink():
            inner = layout.scan(given) if given.resolve() == handoffs_dir.resolve() else _scan_loose(given, handoffs_dir)
            result.documents += inner.documents
            result.feedback += inner.feedback
            result.strays += inner.strays
            continue
        if given.is_symlink():
            result.strays.append(layout.Stray(given, t("rule.symlink", name=given.name)))
            continue
        inside = given.resolve().is_relative_to(handoffs_dir.resolve())
        problem = layout.misplacement(given.resolve(), handoffs_dir.resolve()) if inside else None
        if problem:
            result.strays.append(layout.Stray(given, problem))
        elif given.name.endswith(layout.FEEDBACK_SUFFIX):
            result.feedback.append(given)
        else:
            result.documents.append(given)
    return result


def _scan_loose(folder: Path, handoffs_dir: Path) -> layout.Scan:
    if folder.resolve().is_relative_to(handoffs_dir.resolve()):
        full = layout.scan(handoffs_dir)
        inside = lambda p: p.resolve().is_relative_to(folder.resolve())  # noqa: E731
        return layout.Scan([p for p in full.documents if inside(p)], [p for p in full.feedback if inside(p)],
                           [s for s in full.strays if inside(s.path)])
    result = layout.Scan()
    for path in sorted(folder.rglob("*.yaml")):
        if path.is_symlink():
            result.strays.append(layout.Stray(path, t("rule.symlink", name=path.name)))
        elif path.is_file():
            (result.feedback if path.name.endswith(layout.FEEDBACK_SUFFIX) else result.documents).append(path)
    return result


@dataclass
class _Result:
    """What one file came to: its findings, for documents its kind and id, and when it has no
    findings, what the command wants of it."""

    findings: list[Finding]
    kind: Kind | None = None
    doc_id: str | None = None
    value: object = None  # the parsed document (MODELS)
    digest: HandoffDigest | FeedbackDigest | None = None  # (DIGESTS)


class _Loader:
    """Reads and validates files once each, through the cache when their blob is known."""

    def __init__(self, config: Config, kinds: Kinds, fast: bool, cache: Cache | None, want: str):
        self.config, self.kinds, self.fast, self.want = config, kinds, fast, want
        self.cache = cache if cache is not None and cache.enabled else None
        self.blobs = clean_blob_ids(config.root, config.dir) if self.cache else {}
        self.used: dict[str, set] = {"results": set(), "digests": set()}
        self._root = str(config.root) + "/"
        self._documents: dict[Path, _Result] = {}
        self._feedback: dict[Path, _Result] = {}

    def _relative(self, path: Path) -> str:
        """`path` relative to the root, as git names it (a string operation: this runs per file)."""
        text = str(path)
        if text.startswith(self._root):
            return text[len(self._root):]
        try:
            return path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _cached(self, key: str, blob: str | None, path: Path, digest_type) -> _Result | None:
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
            digest = digest_type.from_record(digest_record)
            self.used["digests"].add(blob)
        self.used["results"].add(key)
        kind = self.kinds.get(record[1]) if record[1] in self.kinds else None
        return _Result(findings, kind, record[2], digest=digest)

    def _remember(self, key: str, blob: str | None, result: _Result) -> None:
        if blob is None or self.cache is None:
            return
        fields = [(f.line, f.column, f.field, f.message, f.code) for f in result.findings]
        self.cache.put("results", key, (fields, result.kind.name if result.kind else None, result.doc_id))
        self.used["results"].add(key)
        if result.digest is not None:
            self.cache.put("digests", blob, result.digest.record())
            self.used["digests"].add(blob)

    def document(self, path: Path) -> _Result:
        if path in self._documents:
            return self._documents[path]
        key, blob = self._document_key(path)
        result = self._cached(key, blob, path, HandoffDigest)
        if result is None:
            result = _read_document(path, self.kinds, self.fast, self.want)
            self._remember(key, blob, result)
        self._documents[path] = result
        return result

    def _document_key(self, path: Path) -> tuple[str, str | None]:
        relative = self._relative(path)
        blob = self.blobs.get(relative)
        return f"{relative}\0{blob}", blob

    def _feedback_key(self, path: Path, target_path: Path | None) -> tuple[str, str | None, Kind | None]:
        relative = self._relative(path)
        blob = self.blobs.get(relative)
        target_kind = self.document(target_path).kind if target_path else None
        key = f"{relative}\0{blob}\0{target_kind.name if target_kind else ''}\0{target_path is not None}"
        return key, blob, target_kind

    def feedback(self, path: Path, proper_documents: dict[str, Path]) -> _Result:
        if path in self._feedback:
            return self._feedback[path]
        stem = layout.id_from_name(path.name)[0]
        # the feedback's findings depend on its handoff's kind: find that first, cheaply
        target_path = proper_documents.get(stem)
        source = None
        if target_path is None:
            source = _Source(path, self.fast)
            target_id = source.parsed.value.get("handoff") if isinstance(source.parsed.value, dict) else None
            if isinstance(target_id, str):
                target_path = proper_documents.get(target_id)
                if target_path is None:
                    sibling = path.with_name(target_id + layout.DOCUMENT_SUFFIX)
                    target_path = sibling if sibling.is_file() else None
        key, blob, target_kind = self._feedback_key(path, target_path)
        result = None if source is not None else self._cached(key, blob, path, FeedbackDigest)
        if result is None:
            result = _read_feedback(path, self.kinds, target_kind, target_path is not None, self.fast, self.want,
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
            cached = self._cached(*self._document_key(path), path, HandoffDigest)
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
        workers = _worker_count(len(missing) + len(uncached_feedback))
        if not workers:
            return
        pool = None
        try:
            pool = _pool(workers)  # its processes start with the first job
            jobs = [("document", str(path), None, False) for path in missing]
            for path, result in zip(missing, _run(pool, self, jobs, workers)):
                self._remember(*self._document_key(path), result)
                self._documents[path] = result
            waiting, jobs = [], []
            for path, target_path in uncached_feedback:
                if target_path in unread and self._cached_feedback(path, target_path):
                    continue
                key, blob, target_kind = self._feedback_key(path, target_path)
                waiting.append((path, key, blob))
                jobs.append(("feedback", str(path), target_kind.name if target_kind else None, True))
            for (path, key, blob), result in zip(waiting, _run(pool, self, jobs, workers)):
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
        cached = self._cached(key, blob, path, FeedbackDigest)
        if cached is not None:
            self._feedback[path] = cached
        return cached is not None


def _keep(result: _Result, value, want: str, make_digest) -> _Result:
    """Keep what the command wants of a file without findings."""
    if not result.findings:
        if want == MODELS:
            result.value = value
        elif want == DIGESTS:
            result.digest = make_digest(value)
    return result


def _read_document(path: Path, kinds: Kinds, fast: bool, want: str) -> _Result:
    named = layout.id_from_name(path.name)
    source = _Source(path, fast)
    findings, kind = source.validated(lambda parsed: validate_handoff(
        display_path(path), named[0] if named else None, parsed, kinds))
    value = source.parsed.value
    doc_id = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None
    return _keep(_Result(findings, kind, doc_id), value, want,
                 lambda v: HandoffDigest.of(Handoff.from_dict(v, path), kind))


def _read_feedback(path: Path, kinds: Kinds, target_kind: Kind | None, target_exists: bool, fast: bool, want: str,
                   source: _Source | None = None) -> _Result:
    source = source or _Source(path, fast)
    stem = layout.id_from_name(path.name)[0]
    findings = source.validated(lambda parsed: validate_feedback(
        display_path(path), stem, parsed, kinds, target_kind, target_exists))
    return _keep(_Result(findings), source.parsed.value, want, lambda v: FeedbackDigest.of(Feedback.from_dict(v, path)))


# ---------------------------------------------------------------- worker processes

PARALLEL_FROM = 2000  # files to read before worker processes (about 0.3 s each to start) pay off
_worker_kinds: dict[str, Kinds] = {}


def _worker_count(files: int) -> int:
    """HANDOFF_WORKERS, when set (0: none); else one per core, up to 4, for enough files."""
    chosen = os.environ.get("HANDOFF_WORKERS", "").strip()
    if chosen.isdigit():
        return int(chosen) if files else 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, 4) if files >= PARALLEL_FROM and cores > 1 else 0


def _pool(workers: int):
    # spawn, not fork: the caller may have threads running (git's log is being spooled)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _run(pool, loader: _Loader, jobs: list[tuple], workers: int) -> list[_Result]:
    """Each job's result, in order; jobs go out in chunks, results come back as plain values."""
    if not jobs:
        return []
    size = max(50, len(jobs) // (workers * 8))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    settings = (loader.config, loader.kinds.fast, loader.fast, loader.want)
    results = []
    for chunk in pool.map(_read_chunk, [(settings, chunk) for chunk in chunks]):
        for findings, kind_name, doc_id, record, is_feedback in chunk:
            digest = None if record is None else (FeedbackDigest if is_feedback else HandoffDigest).from_record(record)
            kind = loader.kinds.get(kind_name) if kind_name else None
            results.append(_Result(findings, kind, doc_id, digest=digest))
    return results


def _read_chunk(job: tuple) -> list[tuple]:
    """In a worker: read and validate some files; their results as plain values."""
    (config, kinds_fast, fast, want), chunk = job
    kinds = _worker_kinds.setdefault(repr(config), Kinds(config, fast=kinds_fast))
    out = []
    for what, path_text, target_kind, target_exists in chunk:
        path = Path(path_text)
        if what == "document":
            result = _read_document(path, kinds, fast, want)
        else:
            result = _read_feedback(path, kinds, kinds.get(target_kind) if target_kind else None, target_exists,
                                    fast, want)
        out.append((result.findings, result.kind.name if result.kind else None, result.doc_id,
                    result.digest.record() if result.digest else None, what == "feedback"))
    return out


def load_store(config: Config, kinds: Kinds, paths: list[Path] | None = None, *, fast: bool = True,
               cache: Cache | None = None, want: str = DIGESTS) -> Store:
    """Read and validate the repository's files (or just `paths`); of the valid ones keep
    `want`: FINDINGS only (`check`: no document stays in memory), DIGESTS or MODELS.

    With a `cache`, files whose content git already knows are not read again.
    """
    handoffs_dir = config.handoffs_dir
    everything = layout.scan(handoffs_dir)
    selected = everything if paths is None else _expand(paths, handoffs_dir)
    store = Store(config, kinds)
    store.files_checked = len(selected.documents) + len(selected.feedback) + len(selected.strays)
    for stray in selected.strays:
        store.findings.append(Finding(display_path(stray.path), 1, 1, "", stray.message, "rule.stray"))
    loader = _Loader(config, kinds, fast, cache, want)
    proper_documents = {layout.id_from_name(p.name)[0]: p for p in everything.documents}
    loader.prefetch(selected.documents, selected.feedback, proper_documents)

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
            position = _Source(path, fast=False).parsed.position(("id",))
            store.findings.append(Finding(display_path(path), position.line, position.column, "id",
                                          t("rule.duplicate_id", id=handoff_id, other=display_path(where[0])),
                                          "rule.duplicate_id"))

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
