"""One answer, checked as it is typed, with the rules `check` applies to the whole document.

A prompt asks for one value at a time. `problem` puts that value into a document of the
kind (`entry_problem`: into a feedback entry) and asks the validator and the rules `check`
uses what they say about that one field: its JSON Schema (type, allowed values, lengths,
formats: dates, emails), placeholders, one-line fields, control characters. So a prompt
never takes what the handoff would be refused for fifteen questions later, and says why in
the same words. Rules between fields (a required field still missing elsewhere) are not the
answer's problem and wait for the whole document.

One rule is the prompt's own: a placeholder (`TBD`, `未定です`) typed as an optional text
is refused too, though `check` lets it pass: it says nothing, and at a prompt Enter skips.
"""

from __future__ import annotations

from typing import Any

from handoff_cli.documents import reading, writing
from handoff_cli.documents.model import canonical_feedback
from handoff_cli.i18n import t
from handoff_cli.rules.findings import Finding
from handoff_cli.rules.kinds import Kind, Kinds, builtin_schema, entry_schema, is_placeholder
from handoff_cli.rules.validate import validate_feedback, validate_handoff

_ID = "20000101-aaaaaa"
_AT = "2000-01-01T00:00:00+00:00"
_SHELL = {"title": "title", "from": {"name": "sender"}, "to": {"name": "receiver"},
          "customer": {"company": "company"}, "context": {}}


class _Only(Kinds):
    """The kinds as one answer's check sees them: the kind being written, already loaded."""

    def __init__(self, kind: Kind):
        super().__init__(None, fast=kind.fast)
        self.only = kind
        self.names = [kind.name]

    def __contains__(self, name: object) -> bool:
        return name == self.only.name

    def get(self, name: str) -> Kind:
        return self.only if name == self.only.name else super().get(name)


def _put(values: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        values = values.setdefault(part, {})
    values[parts[-1]] = value


def _first_at(findings: list[Finding], dotted: str) -> str | None:
    for finding in findings:
        if finding.field == dotted or finding.field.startswith((dotted + ".", dotted + "[")):
            return finding.message
    return None


def field_schema(kind: Kind, dotted_field: str) -> dict:
    """The schema of a handoff's field (`title`, `to.email`, `context.urgency`), or {}."""
    parts = dotted_field.split(".")
    if parts[0] == "context" and len(parts) == 2:
        spec = kind.field(parts[1])
        return spec.schema if spec else {}
    node: Any = builtin_schema("envelope")
    for part in parts:
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _is_words(schema: dict) -> bool:
    """Free text: a string with no allowed values, form or constant (where a placeholder says nothing)."""
    return schema.get("type", "string") == "string" and not ({"enum", "const", "format"} & set(schema))


def _said_nothing(value: Any, kind: Kind, schema: dict, required_words: str | None) -> str | None:
    """A placeholder given as a text: said as `required_words` (a message id) when the question
    must be answered, else with the hint that Enter skips it."""
    if isinstance(value, list):  # a list of texts (open questions): each item
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return next((found for item in value if (found := _said_nothing(item, kind, items, None))), None)
    if isinstance(value, str) and value.strip() and _is_words(schema) and is_placeholder(value, kind):
        return t(required_words or "prompt.placeholder_optional", value=value.strip())
    return None


def problem(kind: Kind, dotted_field: str, value: Any, *, required: bool = False) -> str | None:
    """Why `value` cannot be the field `dotted_field` (`title`, `to.email`, `context.meeting_at`,
    `open_questions` with a list) of a handoff of `kind`, in the user's language: what `check`
    would say there; or, for a text, that it is a placeholder (`required`: the question cannot
    be skipped). None when it can."""
    values = {key: (dict(inner) if isinstance(inner, dict) else inner) for key, inner in _SHELL.items()}
    _put(values, dotted_field, value)
    text = writing.dump(kind.document(values, _ID, _AT))
    findings, _ = validate_handoff("answer", _ID, reading.parse_text(text), _Only(kind))
    return _first_at(findings, dotted_field) or \
        _said_nothing(value, kind, field_schema(kind, dotted_field), "rule.placeholder" if required else None)


def entry_problem(kind: Kind, phase: str, key: str, value: Any, entry: dict | None = None, *,
                  required: bool = False) -> str | None:
    """Why `value` cannot be `key` of a feedback entry of `phase` on a handoff of `kind`, with
    the other values of the entry so far (`entry`): what `check` would say there, or that a
    text is a placeholder. None when it can."""
    item = {**(entry or {}), "phase": phase, "at": _AT, "by": {"name": "receiver"}, key: value}
    item = {k: v for k, v in item.items() if v not in (None, "", [])} | {key: value}
    text = writing.dump(canonical_feedback({"handoff": _ID, "entries": [item]}))
    findings = validate_feedback("answer", _ID, reading.parse_text(text), _Only(kind), kind, True)
    found = _first_at(findings, f"entries[0].{key}")
    if found or (key == "outcome" and kind.outcomes):  # an outcome is one of the kind's: never words
        return found
    return _said_nothing(value, kind, entry_schema(key), "rule.placeholder_words" if required else None)
