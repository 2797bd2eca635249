"""Returning the baton: build a feedback entry, validate it, append it to `<id>.feedback.yaml`.

Entries are appended as text after the existing ones, so earlier entries stay byte for
byte as they were; the result is parsed back and validated before the atomic write.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff_cli import layout, yamlio
from handoff_cli.errors import InvalidDocument, UserError
from handoff_cli.messages import t
from handoff_cli.model import Handoff, Person, canonical_entry, canonical_feedback
from handoff_cli.schemas import Kind, Kinds
from handoff_cli.validate import validate_feedback

RECEIPT_KEYS = ("decision", "synthesis", "rejection_reason")
OUTCOME_KEYS = ("outcome", "rating", "useful", "missing", "missing_fields", "wrong_fields", "reason", "request")


@dataclass(frozen=True)
class Existing:
    """The feedback file as it is now (text empty when there is none)."""

    path: Path
    text: str
    data: dict
    indent: int = 2  # how far the entries' dashes are indented

    @property
    def entries(self) -> list[dict]:
        return list(self.data.get("entries") or [])

    @property
    def has_receipt(self) -> bool:
        return any(e.get("phase") == "receipt" for e in self.entries)


def read_existing(handoffs_dir: Path, handoff_id: str, kinds: Kinds, kind: Kind) -> Existing:
    path = layout.feedback_path(handoffs_dir, handoff_id)
    if not path.exists():
        return Existing(path, "", {})
    data = path.read_bytes()
    parsed = yamlio.parse_bytes(data)
    findings = validate_feedback(layout.display_path(path), handoff_id, parsed, kinds, kind, True)
    if findings:
        raise InvalidDocument(f"{layout.display_path(path)} has findings; fix them before adding an entry", findings)
    first = parsed.value_positions.get(("entries", 0))
    return Existing(path, data.decode("utf-8"), parsed.value, max(0, first.column - 3) if first else 2)


def make_entry(phase: str, at: str, by: Person, values: dict[str, Any]) -> dict:
    """An entry in canonical key order with only the values that apply to its phase."""
    allowed = RECEIPT_KEYS if phase == "receipt" else OUTCOME_KEYS
    entry: dict[str, Any] = {"phase": phase, "at": at,
                             "by": {k: v for k, v in (("name", by.name), ("email", by.email)) if v}}
    entry.update({k: v for k, v in values.items() if k in allowed and v not in (None, "", [])})
    return canonical_entry(entry)


def check_author(handoff: Handoff, by: Person, force: bool) -> None:
    if not by.name:
        raise UserError("git does not know who you are", hint="git config user.name 'Your Name'; "
                                                               "git config user.email you@example.com")
    if not by.is_same(handoff.receiver) and not force:
        receiver = handoff.receiver.name + (f" <{handoff.receiver.email}>" if handoff.receiver.email else "")
        raise UserError(f"you ({by.name}) are not the receiver of {handoff.id} ({receiver})",
                        hint="add --force to record feedback on their behalf; the report will mark it")


def appended_text(existing: Existing, handoff_id: str, entry: dict) -> str:
    """The new file text: the old text untouched with the entry added at the end."""
    if not existing.text:
        return yamlio.dump(canonical_feedback({"handoff": handoff_id, "entries": [entry]}))
    item = yamlio.dump([entry])  # "- phase: …\n  at: …\n"
    block = "".join(" " * existing.indent + line if line else line for line in item.splitlines(keepends=True))
    text = existing.text if existing.text.endswith("\n") else existing.text + "\n"
    candidate = text + block
    parsed = yamlio.parse_text(candidate)
    if (not parsed.problems and isinstance(parsed.value, dict)
            and parsed.value.get("entries") == existing.entries + [yamlio.parse_text(item).value[0]]):
        return candidate
    # entries is not the last block of the file (hand-edited order): write it anew, canonically
    return yamlio.dump(canonical_feedback({**existing.data, "entries": existing.entries + [entry]}))


def append(root: Path, handoffs_dir: Path, handoff: Handoff, kind: Kind, kinds: Kinds, entry: dict) -> Path:
    """Validate and write the feedback file with `entry` appended; nothing is written when invalid."""
    existing = read_existing(handoffs_dir, handoff.id, kinds, kind)
    text = appended_text(existing, handoff.id, entry)
    parsed = yamlio.parse_text(text)
    findings = validate_feedback(layout.display_path(existing.path), handoff.id, parsed, kinds, kind, True)
    if findings:
        raise InvalidDocument(t("feedback.invalid", count=len(findings)), findings)
    current = existing.path.read_text(encoding="utf-8") if existing.path.exists() else ""
    if current != existing.text:
        raise UserError(f"{layout.display_path(existing.path)} changed while you were writing; nothing was written",
                        hint="run the command again")
    yamlio.write_atomic(layout.contained(root, existing.path), text)
    return existing.path
