"""The feedback file `<id>.feedback.yaml`: entries are appended as text after the existing
ones, so earlier entries stay byte for byte as they were (FORMAT.md section 3)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff_cli.documents import reading, writing
from handoff_cli.documents.model import Person, canonical_entry, canonical_feedback

# a rejection may name the wrong fields too (`wrong_fields`, also an outcome key)
RECEIPT_KEYS = ("decision", "synthesis", "condition", "rejection_reason", "rejection_note", "wrong_fields")
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


def existing_from(path: Path, data: bytes, parsed: reading.ParsedYaml) -> Existing:
    """The file as read (`parsed` from `data`), with the indent of its entries."""
    first = parsed.value_positions.get(("entries", 0))
    return Existing(path, data.decode("utf-8"), parsed.value, max(0, first.column - 3) if first else 2)


def make_entry(phase: str, at: str, by: Person, values: dict[str, Any]) -> dict:
    """An entry in canonical key order with only the values that apply to its phase."""
    allowed = RECEIPT_KEYS if phase == "receipt" else OUTCOME_KEYS
    entry: dict[str, Any] = {"phase": phase, "at": at,
                             "by": {k: v for k, v in (("name", by.name), ("email", by.email)) if v}}
    entry.update({k: v for k, v in values.items() if k in allowed and v not in (None, "", [])})
    return canonical_entry(entry)


def appended_text(existing: Existing, handoff_id: str, entry: dict) -> str:
    """The new file text: the old text untouched with the entry added at the end."""
    if not existing.text:
        return writing.dump(canonical_feedback({"handoff": handoff_id, "entries": [entry]}))
    item = writing.dump([entry])  # "- phase: …\n  at: …\n"
    block = "".join(" " * existing.indent + line if line else line for line in item.splitlines(keepends=True))
    text = existing.text if existing.text.endswith("\n") else existing.text + "\n"
    candidate = text + block
    parsed = reading.parse_text(candidate)
    if (not parsed.problems and isinstance(parsed.value, dict)
            and parsed.value.get("entries") == existing.entries + [reading.parse_text(item).value[0]]):
        return candidate
    # entries is not the last block of the file (hand-edited order): write it anew, canonically
    return writing.dump(canonical_feedback({**existing.data, "entries": existing.entries + [entry]}))
