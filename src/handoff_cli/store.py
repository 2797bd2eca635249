"""Loading a repository's handoffs and feedback: parse, validate, build models."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from handoff_cli import layout, yamlio
from handoff_cli.config import Config
from handoff_cli.errors import UserError
from handoff_cli.layout import display_path
from handoff_cli.messages import t
from handoff_cli.model import Feedback, Handoff
from handoff_cli.schemas import Kind, Kinds
from handoff_cli.validate import Finding, validate_feedback, validate_handoff


@dataclass
class Store:
    config: Config
    kinds: Kinds
    handoffs: dict[str, Handoff] = field(default_factory=dict)
    feedback: dict[str, Feedback] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    @property
    def files_with_findings(self) -> int:
        return len({f.file for f in self.findings})


@dataclass
class _Document:
    path: Path
    parsed: yamlio.ParsedYaml
    findings: list[Finding]
    kind: Kind | None


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


def load_store(config: Config, kinds: Kinds, paths: list[Path] | None = None, *, fast: bool = True) -> Store:
    """Read and validate the repository's files (or just `paths`); build models of the valid ones."""
    handoffs_dir = config.handoffs_dir
    everything = layout.scan(handoffs_dir)
    selected = everything if paths is None else _expand(paths, handoffs_dir)
    store = Store(config, kinds)
    store.files_checked = len(selected.documents) + len(selected.feedback) + len(selected.strays)
    for stray in selected.strays:
        store.findings.append(Finding(display_path(stray.path), 1, 1, "", stray.message, "rule.stray"))

    documents: dict[Path, _Document] = {}

    def document(path: Path) -> _Document:
        if path not in documents:
            named = layout.id_from_name(path.name)
            source = _Source(path, fast)
            findings, kind = source.validated(
                lambda parsed: validate_handoff(display_path(path), named[0] if named else None, parsed, kinds))
            documents[path] = _Document(path, source.parsed, findings, kind)
        return documents[path]

    ids_seen: dict[str, list[Path]] = defaultdict(list)
    for path in selected.documents:
        loaded = document(path)
        store.findings += loaded.findings
        value = loaded.parsed.value
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            ids_seen[value["id"]].append(path)
        if not loaded.findings and value["id"] not in store.handoffs:
            store.handoffs[value["id"]] = Handoff.from_dict(value, path)
    for handoff_id, where in ids_seen.items():
        for path in where[1:]:
            position = documents[path].parsed.position(("id",))
            store.findings.append(Finding(display_path(path), position.line, position.column, "id",
                                          t("rule.duplicate_id", id=handoff_id, other=display_path(where[0])),
                                          "rule.duplicate_id"))

    proper_documents = {layout.id_from_name(p.name)[0]: p for p in everything.documents}
    for path in selected.feedback:
        stem = layout.id_from_name(path.name)[0]
        source = _Source(path, fast)
        parsed = source.parsed
        target_id = parsed.value.get("handoff") if isinstance(parsed.value, dict) else None
        target_path = proper_documents.get(target_id) if isinstance(target_id, str) else None
        if target_path is None and isinstance(target_id, str):
            sibling = path.with_name(target_id + layout.DOCUMENT_SUFFIX)
            target_path = sibling if sibling.is_file() else None
        target_kind = document(target_path).kind if target_path else None
        findings = source.validated(lambda parsed: validate_feedback(
            display_path(path), stem, parsed, kinds, target_kind, target_path is not None))
        store.findings += findings
        if not findings:
            feedback = Feedback.from_dict(source.parsed.value, path)
            store.feedback[feedback.handoff_id] = feedback
    store.findings.sort(key=Finding.sort_key)
    return store
