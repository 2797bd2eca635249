"""Kept drafts: what a person typed, saved when they stop before the handoff is written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from handoff_cli.documents import layout, writing
from handoff_cli.documents.config import git_dir
from handoff_cli.errors import UserError
from handoff_cli.i18n import t
from handoff_cli.interact.draft import Draft, read_values_file


def drafts_dir(root: Path) -> Path:
    """Where unfinished drafts are kept: inside .git (never committed), else .handoff-drafts/."""
    repository = git_dir(root)
    return repository / "handoff" / "drafts" if repository else root / ".handoff-drafts"


def save_draft(root: Path, name: str, data: dict) -> Path:
    """Keep what was typed so far under the drafts folder; returns the draft's path."""
    path = layout.contained(root, drafts_dir(root) / f"{name}.yaml")
    writing.write_atomic(path, writing.dump(data))
    return path


def save_new_draft(root: Path, draft: Draft) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return save_draft(root, f"new-{draft.kind.name}-{stamp}", draft.document())


def latest_new_draft(root: Path) -> Path:
    """The most recently saved draft of `handoff new`, for --resume."""
    drafts = sorted(drafts_dir(root).glob("new-*.yaml"), key=lambda p: p.stat().st_mtime)
    if not drafts:
        raise UserError(t("drafts.none"), hint=t("drafts.none.hint"))
    return drafts[-1]


def feedback_draft(root: Path, handoff_id: str) -> Path:
    """Where the answers to `handoff feedback ID` are kept when the prompts are interrupted."""
    return drafts_dir(root) / f"feedback-{handoff_id}.yaml"


def resume_feedback(root: Path, handoff_id: str, values: dict) -> str | None:
    """Fill `values` from the kept answers (values given now win); the phase they were for."""
    path = feedback_draft(root, handoff_id)
    if not path.exists():
        raise UserError(t("feedback.no_kept", id=handoff_id), hint=t("feedback.no_kept.hint"))
    kept = read_values_file(path)
    values.update({k: v for k, v in (kept.get("values") or {}).items()
                   if v not in (None, "", []) and values.get(k) in (None, "", [])})
    return kept.get("phase")


def keep_feedback(root: Path, handoff_id: str, phase: str, values: dict) -> Path:
    return save_draft(root, f"feedback-{handoff_id}", {"handoff": handoff_id, "phase": phase, "values": values})
