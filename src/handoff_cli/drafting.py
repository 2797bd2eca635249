"""Making a new handoff: from flags, a file or answers, to a validated canonical document."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from handoff_cli import layout, yamlio
from handoff_cli.config import git_dir
from handoff_cli.errors import InvalidDocument, UserError
from handoff_cli.ids import is_valid_id, new_id
from handoff_cli.messages import t
from handoff_cli.model import Person, canonical_handoff
from handoff_cli.layout import display_path
from handoff_cli.schemas import Kind, Kinds, parse_datetime
from handoff_cli.validate import validate_handoff

LIST_FIELDS = ("open_questions", "links")


def git_person(root: Path) -> Person:
    """The committer as git knows them (user.name / user.email), or an empty person."""
    def get(key: str) -> str | None:
        try:
            done = subprocess.run(["git", "config", "--get", key], cwd=root, capture_output=True,
                                  text=True, encoding="utf-8", timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() or None

    return Person(get("user.name") or "", get("user.email"))


def now_iso() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


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
        raise UserError(f"--set {assignment!r}: expected FIELD=VALUE", hint="e.g. --set to.name='田中 一郎'")
    key, value = assignment.split("=", 1)
    key = key.strip()
    append = key.endswith("[]")
    parts = key[:-2].split(".") if append else key.split(".")
    if not all(parts):
        raise UserError(f"--set {assignment!r}: '{key}' is not a field path", hint="e.g. context.budget")
    target = document
    for part in parts[:-1]:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            raise UserError(f"--set {key}: '{part}' is not a group of fields")
        target = child
    last = parts[-1]
    if append or last in LIST_FIELDS and len(parts) == 1:
        existing = target.setdefault(last, [])
        if not isinstance(existing, list):
            raise UserError(f"--set {key}: '{last}' is not a list")
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
    parsed = yamlio.parse_bytes(data)
    if parsed.problems:
        problem = parsed.problems[0]
        raise UserError(f"{path}:{problem.position.line}:{problem.position.column}: {problem.message}")
    if not isinstance(parsed.value, dict):
        raise UserError(f"{path}:1:1: expected a mapping of fields")
    return parsed.value


@dataclass(frozen=True)
class Draft:
    """A handoff being written: its values so far and the kind it is for."""

    kind: Kind
    values: dict

    def document(self, handoff_id: str | None = None, created: str | None = None) -> dict:
        """The full document in canonical order, with id, kind and created filled in."""
        data = dict(self.values)
        data["kind"] = self.kind.name
        if handoff_id:
            data["id"] = handoff_id
        if created and not data.get("created"):
            data["created"] = created
        return canonical_handoff(data, tuple(self.kind.field_names), self.kind.date_paths)


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


def create(draft: Draft, root: Path, handoffs_dir: Path, kinds: Kinds,
           created: str | None = None) -> tuple[str, Path]:
    """Validate and write a new handoff; raises InvalidDocument (nothing written) when invalid."""
    given_id = draft.values.get("id")
    if given_id is not None and not is_valid_id(given_id):
        raise UserError(f"id {given_id!r} is not of the form <yyyymmdd>-<6 chars of a-z0-9>",
                        hint="leave id out and one is made for you")
    created = created or draft.values.get("created") or now_iso()
    day = _creation_day(created)
    taken = set(layout.known_ids(handoffs_dir))
    for _ in range(5):
        handoff_id = draft.values.get("id") or new_id(day, taken)
        text = yamlio.dump(draft.document(handoff_id, created))
        path = layout.document_path(handoffs_dir, handoff_id)
        findings, _ = validate_handoff(display_path(path), handoff_id, yamlio.parse_text(text), kinds)
        if findings:
            raise InvalidDocument(t("new.invalid", count=len(findings)), findings)
        try:
            yamlio.write_atomic(layout.contained(root, path), text, exclusive=True)
        except FileExistsError:
            if draft.values.get("id"):
                raise UserError(f"{display_path(path)} already exists", hint="choose another id or leave id out") from None
            taken.add(handoff_id)
            continue
        return handoff_id, path
    raise UserError("could not find a free id")  # pragma: no cover - 36^6 ids a day


def _creation_day(created: str):
    parsed = parse_datetime(str(created))
    return (parsed or datetime.now().astimezone()).date()


def drafts_dir(root: Path) -> Path:
    """Where unfinished drafts are kept: inside .git (never committed), else .handoff-drafts/."""
    repository = git_dir(root)
    return repository / "handoff" / "drafts" if repository else root / ".handoff-drafts"


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


def save_draft(root: Path, name: str, data: dict) -> Path:
    """Keep what was typed so far under the drafts folder; returns the draft's path."""
    path = layout.contained(root, drafts_dir(root) / f"{name}.yaml")
    yamlio.write_atomic(path, yamlio.dump(data))
    return path


def save_new_draft(root: Path, draft: Draft) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return save_draft(root, f"new-{draft.kind.name}-{stamp}", draft.document())


def latest_new_draft(root: Path) -> Path:
    """The most recently saved draft of `handoff new`, for --resume."""
    drafts = sorted(drafts_dir(root).glob("new-*.yaml"), key=lambda p: p.stat().st_mtime)
    if not drafts:
        raise UserError("no draft to resume", hint="drafts are kept when `handoff new` is interrupted")
    return drafts[-1]
