"""Opening the person's editor ($VISUAL, $EDITOR, else vi) on a file, as `git commit` does,
and the commented draft it opens on: every field with its meaning, whether it is required or
recommended, and its allowed values, in the user's language (comments are dropped on save,
as YAML comments are).

A custom schema's titles and descriptions come from a pull request: every comment is
sanitised (sanitize.py) and kept to one line, so it can never become a value."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any

from handoff_cli.documents import writing
from handoff_cli.documents.layout import display_path
from handoff_cli.errors import UserError
from handoff_cli.i18n import language, localized, t
from handoff_cli.interact.draft import Draft
from handoff_cli.rules.kinds import builtin_schema
from handoff_cli.sanitize import sanitize

_GROUPS = ("from", "to", "customer")
_EXAMPLES = {"date": "2026-11-24", "date-time": "2026-11-24T14:00:00+09:00"}
_LIST_EXAMPLES = {
    "next_actions": ("- what: …", "  owner: …", "  due: 2026-11-24"),
    "contingencies": ("- if: …", "  then: …"),
    "open_questions": ("- …",),
    "links": ("- https://…",),
}


def edit(path: Path) -> None:
    """Let the person edit `path`; returns when the editor exits successfully."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
    except (OSError, subprocess.CalledProcessError, ValueError) as error:
        problem = getattr(error, "strerror", None) or (
            t("editor.exit_status", status=error.returncode) if isinstance(error, subprocess.CalledProcessError)
            else t("editor.cannot_start"))
        raise UserError(t("editor.failed", editor=editor, problem=problem, path=display_path(path)),
                        hint=t("editor.failed.hint")) from None


# ---------------------------------------------------------------- the commented draft

def _one_line(text: Any) -> str:
    return " ".join(sanitize(str(text)).split())


def _comment(indent: str, spec: dict, name: str, need: str | None) -> list[str]:
    """`# Title (required): meaning` and, where there are, the allowed values or an example."""
    title = _one_line(localized(spec, "title") or name)
    label = f"{title} ({t(f'editor.{need}')})" if need else title
    description = _one_line(localized(spec, "description") or "")
    lines = [f"{indent}# {label}: {description}" if description else f"{indent}# {label}"]
    choices = spec.get("enum")
    if isinstance(choices, list) and choices:
        japanese = spec.get("x-handoff-enum-ja") if language() == "ja" else None
        shown = [f"{c}（{_one_line(japanese[c])}）" if isinstance(japanese, dict) and isinstance(japanese.get(c), str)
                 else _one_line(c) for c in choices]
        lines.append(f"{indent}#   {t('editor.one_of', values=' / '.join(shown))}")
    elif spec.get("type") == "boolean":
        lines.append(f"{indent}#   {t('editor.one_of', values='true / false')}")
    elif spec.get("format") in _EXAMPLES:
        lines.append(f"{indent}#   {t('editor.example', example=_EXAMPLES[spec['format']])}")
    return lines


def _value_lines(indent: str, name: str, value: Any) -> list[str]:
    """`name: value` as canonical YAML (a block for several lines), indented."""
    if value in (None, "", [], {}):
        return [f"{indent}{name}:"]
    return [indent + line for line in writing.dump({name: value}).splitlines()]


def _field_lines(indent: str, name: str, spec: dict, need: str | None, value: Any) -> list[str]:
    lines = _comment(indent, spec, name, need)
    inner = spec.get("properties")
    if isinstance(inner, dict) and inner and (value in (None, "", {}) or isinstance(value, dict)):
        lines.append(f"{indent}{name}:")
        lines += _group_lines(indent + "  ", spec, value if isinstance(value, dict) else {})
        return lines
    if spec.get("type") == "array" and value in (None, []):
        lines += [f"{indent}#   {t('editor.list')}"]
        lines += [f"{indent}#   {example}" for example in _LIST_EXAMPLES.get(name, ("- …",))]
    lines += _value_lines(indent, name, value)
    return lines


def _group_lines(indent: str, spec: dict, values: dict, needs: dict | None = None) -> list[str]:
    """The fields of a group in the schema's order, then any other keys the draft already has."""
    properties = spec.get("properties") or {}
    required = set(spec.get("required") or [])
    lines: list[str] = []
    for name, inner in properties.items():
        if not isinstance(inner, dict):
            continue
        need = (needs or {}).get(name) or ("required" if name in required else None)
        lines += _field_lines(indent, name, inner, need, values.get(name))
    for name, value in values.items():
        if name not in properties:
            lines += _value_lines(indent, str(name), value)
    return lines


def template(draft: Draft) -> str:
    """The draft as the person edits it: a commented YAML document in the user's language."""
    kind = draft.kind
    envelope = builtin_schema("envelope")
    properties = envelope["properties"]
    required = set(envelope.get("required") or [])
    values = draft.values
    lines = [f"# {_one_line(t('editor.header', kind=kind.name, title=kind.title))}"]
    lines += [f"# {line}" for line in t("editor.instructions").splitlines()]
    lines += ["", f"kind: {kind.name}"]
    for name in ("id", "created"):  # given by the person (--set, a file): kept as given
        if values.get(name) not in (None, ""):
            lines += _value_lines("", name, values[name])
    for name in ("title", *_GROUPS):
        lines.append("")
        lines += _field_lines("", name, properties[name], "required" if name in required else None, values.get(name))
    lines.append("")
    lines += _comment("", properties["context"], "context", "required")
    lines.append("context:")
    context_spec = {"properties": {f.name: f.schema for f in kind.fields}}
    needs = {f.name: "required" if f.required else "recommended" if f.name in kind.recommended else None
             for f in kind.fields}
    lines += _group_lines("  ", context_spec, values.get("context") or {}, needs)
    for name in ("next_actions", "contingencies", "open_questions", "links"):
        lines.append("")
        lines += _field_lines("", name, properties[name], None, values.get(name))
    known = {"kind", "id", "title", "created", *_GROUPS, "context", *_LIST_EXAMPLES}
    extra = {k: v for k, v in values.items() if k not in known}
    if extra:
        lines.append("")
        lines += [line for name, value in extra.items() for line in _value_lines("", str(name), value)]
    return "\n".join(lines) + "\n"
