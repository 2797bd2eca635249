"""A handoff being written: values from flags (`--set`), a file or answers, for one kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoff_cli.documents import reading, writing
from handoff_cli.documents.layout import display_path
from handoff_cli.errors import UserError
from handoff_cli.i18n import t
from handoff_cli.rules.findings import Finding
from handoff_cli.rules.kinds import Kind, Kinds
from handoff_cli.rules.validate import unknown_path, validate_handoff

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
    if kind is not None:
        _check_known(kind, parts, key)
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


def _check_known(kind: Kind, parts: list[str], key: str) -> None:
    """A field the kind does not have is a usage error that names the field meant (a typo
    must not be written silently); `x-…` extensions are always allowed."""
    unknown = unknown_path(kind.schema, parts)
    if unknown is None:
        return
    index, suggestion, known = unknown
    where = ".".join(parts[:index]) or None
    fields = t("set.fields_of", group=where, fields=", ".join(known)) if where else \
        t("set.fields_top", fields=", ".join(known))
    if suggestion:
        raise UserError(t("set.unknown_field.suggest", key=key, suggestion=suggestion), hint=fields)
    raise UserError(t("set.unknown_field", key=key, name=parts[index]), hint=fields)


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
    return read_values(path)[0]


def read_values(path: Path) -> tuple[dict, reading.ParsedYaml]:
    """Field values from a YAML file, and where each stands in it (for findings at its lines)."""
    where = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"{where}: {error.strerror}") from None
    parsed = reading.parse_bytes(data)
    if parsed.problems:
        problem = parsed.problems[0]
        raise UserError(f"{where}:{problem.position.line}:{problem.position.column}: {problem.message}")
    if not isinstance(parsed.value, dict):
        raise UserError(f"{where}:1:1: {t('values.not_mapping')}")
    return parsed.value, parsed


@dataclass(frozen=True)
class Draft:
    """A handoff being written: its values so far and the kind it is for."""

    kind: Kind
    values: dict
    origins: Origins = field(default_factory=lambda: Origins())

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


def without_empty(values: Any) -> Any:
    """Drop empty strings, lists and groups left over from a skeleton the person did not fill."""
    if isinstance(values, dict):
        cleaned = {k: without_empty(v) for k, v in values.items()}
        return {k: v for k, v in cleaned.items() if v not in ("", None, [], {})}
    if isinstance(values, list):
        return [without_empty(v) for v in values]
    return values


# ---------------------------------------------------------------- where each value came from

SAMPLE_ID = "20000101-aaaaaa"  # stands in for the id a draft gets only when it is written


@dataclass(frozen=True)
class Origin:
    """Where a value was given: a file (its lines), a flag (`--set context.budget`), git's
    identity (`git config user.name`); no origin means it was typed at a prompt."""

    flag: str | None = None
    file: Path | None = None
    parsed: reading.ParsedYaml | None = None


def path_of(dotted: str) -> tuple:
    """A finding's field as a path: `next_actions[0].owner` → ("next_actions", 0, "owner")."""
    path: list = []
    for part in dotted.split(".") if dotted else []:
        name, *indexes = part.split("[")
        if name:
            path.append(name)
        path += [int(i.rstrip("]")) for i in indexes if i.rstrip("]").isdigit()]
    return tuple(path)


class Origins:
    """Where each value of a draft came from, so that a finding points where the person can
    act: the line of their file or draft, the flag they typed, the prompt (just the field);
    never a handoff file that was not written."""

    def __init__(self):
        self._at: dict[tuple, Origin] = {}

    def from_file(self, values: dict, path: Path, parsed: reading.ParsedYaml) -> None:
        origin = Origin(file=path, parsed=parsed)

        def walk(node: Any, prefix: tuple) -> None:
            if prefix:
                self._at[prefix] = origin
            if isinstance(node, dict):
                for key, inner in node.items():
                    walk(inner, prefix + (str(key),))
            elif isinstance(node, list):
                for index, inner in enumerate(node):
                    walk(inner, prefix + (index,))

        walk(values, ())

    def given(self, path: tuple, flag: str) -> None:
        """`path` was given by `flag` (`--set to.name`, `git config user.name`)."""
        self._at = {p: o for p, o in self._at.items() if p[:len(path)] != path}
        self._at[tuple(path)] = Origin(flag=flag)

    def forget(self, path: tuple) -> None:
        """`path` is asked again at a prompt: what the person types there has no other origin."""
        self._at = {p: o for p, o in self._at.items() if p[:len(path)] != tuple(path)}

    def origin_of(self, path: tuple) -> Origin | None:
        return self._of(tuple(path))

    def _of(self, path: tuple) -> Origin | None:
        for end in range(len(path), 0, -1):
            found = self._at.get(path[:end])
            if found:
                return found
        return None

    def relocate(self, finding: Finding) -> Finding:
        """`finding` (made on the document as it would be written) where the person gave the value."""
        path = path_of(finding.field)
        origin = self._of(path)
        if origin is None:
            return Finding("", 0, 0, finding.field, finding.message, finding.code)
        if origin.flag:
            return Finding(origin.flag, 0, 0, "", finding.message, finding.code)
        parsed = origin.parsed
        message = finding.message
        if path in parsed.key_positions:
            where = parsed.key_positions[path]
            if finding.code == "schema.required":
                message = t("new.required_empty")
        elif finding.code == "schema.required":
            where = parsed.inside(path[:-1])
        else:
            where = parsed.position(path)
        return Finding(display_path(origin.file), where.line, where.column, finding.field, message, finding.code)


def draft_findings(draft: Draft, kinds: Kinds) -> list[Finding]:
    """What `check` would find in the draft once written (its id and time of writing aside)."""
    document = draft.kind.document(draft.values, SAMPLE_ID, "2000-01-01T00:00:00+00:00")
    findings, _ = validate_handoff("", None, reading.parse_text(writing.dump(document)), kinds)  # as written
    return [f for f in findings if f.field not in ("id", "created") or "created" in draft.values]


def clear_for_asking(draft: Draft, findings: list[Finding], askable: set[str], source: Path) -> list[Finding]:
    """Remove the values read from `source` (a resumed draft) that the prompts ask for and that
    have a finding, so that they are asked again; the findings that caused it. Values given
    now (flags, a file) are the person's latest word and are not asked."""
    cleared = []
    for finding in findings:
        path = path_of(finding.field)
        origin = draft.origins.origin_of(path)
        if finding.field in askable and origin is not None and origin.file == source:
            group: Any = draft.values
            for part in path[:-1]:
                group = group.get(part) if isinstance(group, dict) else None
            if isinstance(group, dict) and group.get(path[-1]) not in (None, ""):
                del group[path[-1]]
                draft.origins.forget(path)
                cleared.append(finding)
    return cleared
