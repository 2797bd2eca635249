"""Kept drafts: what a person typed, saved when they stop before the handoff is written.

A draft of `handoff new` is one YAML file under `.git/handoff/drafts/` (never committed),
named `<kind>-<yyyymmdd>-<hhmmss>-<4 random>.yaml`: a new draft never replaces another, and
the name says what it is. `handoff drafts` lists them; `handoff new KIND --resume` takes the
newest of that kind, `handoff new --resume NAME` a named one (any unique prefix); a draft is
removed once its handoff is written. The receiver's kept feedback answers live beside them
as `feedback-<id>.yaml` (one per handoff, resumed with `handoff feedback ID --resume`).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from handoff_cli.documents import layout, writing
from handoff_cli.documents.config import git_dir
from handoff_cli.errors import UserError
from handoff_cli.i18n import t
from handoff_cli.interact.draft import Draft, read_values_file

FEEDBACK_PREFIX = "feedback-"
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_RANDOM = string.ascii_lowercase + string.digits


def drafts_dir(root: Path) -> Path:
    """Where unfinished drafts are kept: inside .git (never committed), else .handoff-drafts/."""
    repository = git_dir(root)
    return repository / "handoff" / "drafts" if repository else root / ".handoff-drafts"


def save_draft(root: Path, name: str, data: dict) -> Path:
    """Keep `data` under the drafts folder as `name`.yaml, replacing a file of that name
    (the same draft saved again); returns the draft's path."""
    path = layout.contained(root, drafts_dir(root) / f"{name}.yaml")
    writing.write_atomic(path, writing.dump(data))
    return path


# ---------------------------------------------------------------- drafts of `handoff new`

@dataclass(frozen=True)
class KeptDraft:
    """One kept draft of `handoff new`, as `handoff drafts` lists it."""

    path: Path
    kind: str | None
    saved: datetime
    values: dict | None  # None when the file cannot be read as values (still listed, never lost)

    @property
    def name(self) -> str:
        return self.path.stem

    def summary(self, limit: int = 60) -> str:
        """The title, else the first answers given (`to.name=…, customer.company=…`)."""
        values = self.values or {}
        title = values.get("title")
        if isinstance(title, str) and title.strip():
            text = title.strip()
        else:
            text = ", ".join(f"{path}={value}" for path, value in _answers(values))
        return text if len(text) <= limit else text[:limit - 1] + "…"


def _answers(values: dict, prefix: str = ""):
    for key, value in values.items():
        if key in ("kind", "id", "created", "from") and not prefix:  # the sender comes from git
            continue
        if isinstance(value, dict):
            yield from _answers(value, f"{prefix}{key}.")
        elif value not in (None, "", [], {}):
            yield f"{prefix}{key}", value if not isinstance(value, list) else "; ".join(map(str, value))


def _new_name(kind: str) -> str:
    slug = _UNSAFE.sub("-", kind.lower()).strip("-") or "draft"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{slug}-{stamp}-{''.join(secrets.choice(_RANDOM) for _ in range(4))}"


def create_draft(root: Path, kind: str, text: str) -> Path:
    """A new draft file holding `text`, under a name no other draft has (never replaces one)."""
    folder = drafts_dir(root)
    for _ in range(20):
        path = layout.contained(root, folder / f"{_new_name(kind)}.yaml")
        try:
            writing.write_atomic(path, text, exclusive=True)
        except FileExistsError:
            continue
        return path
    raise UserError(t("drafts.no_free_name"))  # pragma: no cover - 36^4 names a second


def keep(root: Path, draft: Draft, resumed: KeptDraft | None = None) -> Path:
    """Keep what was typed: in the draft it was resumed from (the same draft, saved again),
    else in a new one."""
    text = writing.dump(draft.document())
    if resumed is not None and resumed.path.exists():
        writing.write_atomic(layout.contained(root, resumed.path), text)
        return resumed.path
    return create_draft(root, draft.kind.name, text)


def _read(path: Path) -> KeptDraft:
    try:
        saved = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        saved = datetime.now().astimezone()
    try:
        values: dict[str, Any] | None = read_values_file(path)
    except UserError:
        values = None
    kind = (values or {}).get("kind")
    return KeptDraft(path, kind if isinstance(kind, str) and kind else None, saved, values)


def kept_drafts(root: Path) -> list[KeptDraft]:
    """Every kept draft of `handoff new`, the newest first."""
    folder = drafts_dir(root)
    if not folder.is_dir():
        return []
    found = [_read(p) for p in folder.glob("*.yaml")
             if not p.name.startswith(FEEDBACK_PREFIX) and not p.name.startswith(".") and p.is_file()
             and not p.is_symlink()]
    return sorted(found, key=lambda d: (d.saved, d.name), reverse=True)


def find_draft(root: Path, query: str) -> KeptDraft:
    """The draft `query` names: its name, any unique prefix, or (as for ids) its random suffix."""
    drafts = kept_drafts(root)
    query = query.strip().removesuffix(".yaml")
    exact = [d for d in drafts if d.name == query]
    matches = exact or [d for d in drafts if query and (d.name.startswith(query) or d.name.endswith(query))]
    if not matches:
        raise UserError(t("drafts.not_found", name=query), hint=t("drafts.list.hint"))
    if len(matches) > 1:
        raise UserError(t("drafts.ambiguous", name=query, count=len(matches),
                          names=", ".join(d.name for d in matches)), hint=t("drafts.ambiguous.hint"))
    return matches[0]


def newest_draft(root: Path, kind: str | None) -> KeptDraft:
    """The draft `--resume` continues: the newest of `kind`; with no kind, the only kind
    there are drafts of (drafts of several kinds need the kind or a name)."""
    drafts = kept_drafts(root)
    if kind is not None:
        of_kind = [d for d in drafts if d.kind == kind]
        if not of_kind:
            others = sorted({d.kind for d in drafts if d.kind})
            hint = t("drafts.other_kinds", kinds=", ".join(others)) if others else t("drafts.none.hint")
            raise UserError(t("drafts.none_of_kind", kind=kind), hint=hint)
        return of_kind[0]
    if not drafts:
        raise UserError(t("drafts.none"), hint=t("drafts.none.hint"))
    kinds = {d.kind for d in drafts}
    if len(kinds) > 1:
        raise UserError(t("drafts.which", count=len(drafts), kinds=", ".join(sorted(k or "?" for k in kinds))),
                        hint=t("drafts.which.hint"))
    return drafts[0]


def drop(root: Path, query: str) -> KeptDraft:
    """Remove the draft `query` names; returns it."""
    found = find_draft(root, query)
    found.path.unlink(missing_ok=True)
    return found


def is_kept(root: Path, path: Path) -> bool:
    """Whether `path` is one of the kept drafts (a `--from-file` of a draft removes it once written)."""
    try:
        return path.resolve().parent == drafts_dir(root).resolve() and path.suffix == ".yaml" \
            and not path.name.startswith(FEEDBACK_PREFIX)
    except OSError:
        return False


# ---------------------------------------------------------------- kept answers of `handoff feedback`

def feedback_draft(root: Path, handoff_id: str) -> Path:
    """Where the answers to `handoff feedback ID` are kept when the prompts are interrupted."""
    return drafts_dir(root) / f"{FEEDBACK_PREFIX}{handoff_id}.yaml"


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
    return save_draft(root, f"{FEEDBACK_PREFIX}{handoff_id}", {"handoff": handoff_id, "phase": phase, "values": values})
