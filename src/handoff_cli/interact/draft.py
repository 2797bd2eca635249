"""A handoff being written: values from flags (`--set`), a file or answers, for one kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoff_cli.documents import reading
from handoff_cli.errors import UserError
from handoff_cli.i18n import t
from handoff_cli.rules.kinds import Kind

LIST_FIELDS = ("open_questions", "links")


def coerce(value: str, spec: dict | None) -> Any:
    """A typed flag value as the field's schema wants it ("true" for a boolean, "4" for an integer)."""
    wanted = (spec or {}).get("type")
    if wanted == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "1", "はい"):
            return True
        if lowered in ("false", "no", "0", "いいえ"):
            return False
    if wanted == "integer":
        try:
            return int(value)
        except ValueError:
            pass
    return value


def _field_spec(kind: Kind | None, path: list[str]) -> dict | None:
    if kind is not None and len(path) == 2 and path[0] == "context":
        field = kind.field(path[1])
        return field.schema if field else None
    return None


def assign(document: dict, assignment: str, kind: Kind | None = None) -> None:
    """Apply one `--set` value: `context.why_they_agreed=...`, `to.email=...`, `open_questions[]=...`."""
    if "=" not in assignment:
        raise UserError(t("set.expected_assignment", assignment=repr(assignment)),
                        hint=t("set.expected_assignment.hint"))
    key, value = assignment.split("=", 1)
    key = key.strip()
    append = key.endswith("[]")
    parts = key[:-2].split(".") if append else key.split(".")
    if not all(parts):
        raise UserError(t("set.not_a_path", assignment=repr(assignment), key=key), hint=t("set.not_a_path.hint"))
    target = document
    for part in parts[:-1]:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            raise UserError(t("set.not_a_group", key=key, part=part))
        target = child
    last = parts[-1]
    if append or last in LIST_FIELDS and len(parts) == 1:
        existing = target.setdefault(last, [])
        if not isinstance(existing, list):
            raise UserError(t("set.not_a_list", key=key, name=last))
        existing.append(value)
    else:
        target[last] = coerce(value, _field_spec(kind, parts))


def merge(base: dict, extra: dict) -> dict:
    """`extra` laid over `base`, groups merged key by key."""
    result = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def read_values_file(path: Path) -> dict:
    """Field values from a YAML file (e.g. a kept draft); a broken file is a one-line error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{path}: {error.strerror}") from None
    parsed = reading.parse_bytes(data)
    if parsed.problems:
        problem = parsed.problems[0]
        raise UserError(f"{path}:{problem.position.line}:{problem.position.column}: {problem.message}")
    if not isinstance(parsed.value, dict):
        raise UserError(f"{path}:1:1: {t('values.not_mapping')}")
    return parsed.value


@dataclass(frozen=True)
class Draft:
    """A handoff being written: its values so far and the kind it is for."""

    kind: Kind
    values: dict

    def document(self) -> dict:
        """The values as a document of the kind, in canonical order."""
        return self.kind.document(self.values)


def missing_required(draft: Draft) -> list[str]:
    """Dotted names of required values not given yet (what prompts or flags must supply)."""
    values = draft.values
    wanted = ["title", "to.name", "customer.company"] + [f"context.{f.name}" for f in draft.kind.required_fields]
    missing = []
    for name in wanted:
        value: Any = values
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value in (None, "", [], {}):
            missing.append(name)
    return missing


def skeleton(draft: Draft) -> dict:
    """The draft with every envelope and required context field present (empty where unknown)."""
    values = merge({"title": "", "from": {"name": "", "email": ""}, "to": {"name": "", "email": "", "team": ""},
                    "customer": {"company": "", "contact": "", "role": ""}}, draft.values)
    context = values.setdefault("context", {})
    for field in draft.kind.fields:
        if field.required or field.type == "string":
            context.setdefault(field.name, "")
    values.setdefault("open_questions", [])
    return Draft(draft.kind, values).document()


def without_empty(values: Any) -> Any:
    """Drop empty strings, lists and groups left over from a skeleton the person did not fill."""
    if isinstance(values, dict):
        cleaned = {k: without_empty(v) for k, v in values.items()}
        return {k: v for k, v in cleaned.items() if v not in ("", None, [], {})}
    if isinstance(values, list):
        return [without_empty(v) for v in values]
    return values


