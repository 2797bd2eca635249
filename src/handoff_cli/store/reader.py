"""Reading one file: parse, validate, and keep what the command wants of it (its
findings always; for a valid file its digest or its model). Runs in the main process and
in worker processes alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handoff_cli.documents import layout
from handoff_cli.documents.layout import display_path
from handoff_cli.rules.findings import Finding
from handoff_cli.rules.kinds import Kind, Kinds
from handoff_cli.rules.validate import validate_feedback, validate_handoff
from handoff_cli.store.source import Source

if TYPE_CHECKING:  # digests and models are imported when made: `check` makes neither
    from handoff_cli.reporting.digests import FeedbackDigest, HandoffDigest

FINDINGS, DIGESTS, MODELS = "findings", "digests", "models"  # what a command wants of valid files


@dataclass
class FileResult:
    """What one file came to: its findings, for documents its kind and id, and when it has no
    findings, what the command wants of it."""

    findings: list[Finding]
    kind: Kind | None = None
    doc_id: str | None = None
    value: object = None  # the parsed document (MODELS)
    digest: HandoffDigest | FeedbackDigest | None = None  # (DIGESTS)


def _keep(result: FileResult, value, want: str, make_digest) -> FileResult:
    """Keep what the command wants of a file without findings."""
    if not result.findings:
        if want == MODELS:
            result.value = value
        elif want == DIGESTS:
            result.digest = make_digest(value)
    return result


def read_document(path: Path, kinds: Kinds, fast: bool, want: str) -> FileResult:
    named = layout.id_from_name(path.name)
    source = Source(path, fast)
    findings, kind = source.validated(lambda parsed: validate_handoff(
        display_path(path), named[0] if named else None, parsed, kinds))
    value = source.parsed.value
    doc_id = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else None
    return _keep(FileResult(findings, kind, doc_id), value, want, lambda v: _handoff_digest(v, path, kind))


def read_feedback(path: Path, kinds: Kinds, target_kind: Kind | None, target_exists: bool, fast: bool, want: str,
                   source: Source | None = None) -> FileResult:
    source = source or Source(path, fast)
    stem = layout.id_from_name(path.name)[0]
    findings = source.validated(lambda parsed: validate_feedback(
        display_path(path), stem, parsed, kinds, target_kind, target_exists))
    return _keep(FileResult(findings), source.parsed.value, want, lambda v: _feedback_digest(v, path))


def _handoff_digest(value, path: Path, kind: Kind):
    from handoff_cli.documents.model import Handoff
    from handoff_cli.reporting.digests import HandoffDigest

    return HandoffDigest.of(Handoff.from_dict(value, path), kind)


def _feedback_digest(value, path: Path):
    from handoff_cli.documents.model import Feedback
    from handoff_cli.reporting.digests import FeedbackDigest

    return FeedbackDigest.of(Feedback.from_dict(value, path))
