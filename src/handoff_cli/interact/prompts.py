"""Asking a person for a handoff's values at the terminal (this room talks to the person).

A custom schema's field titles, descriptions and allowed values come from a pull request:
every prompt is plain `Text` (never markup) and sanitised (output/sanitize.py)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from handoff_cli.i18n import t
from handoff_cli.interact.draft import Draft, coerce
from handoff_cli.output.sanitize import sanitize
from handoff_cli.rules.formats import format_checker
from handoff_cli.rules.kinds import FieldSpec

# (field, required): each is asked as i18n's "prompt.envelope.<field>"
ENVELOPE_PROMPTS = (
    ("from.name", True),
    ("from.email", False),
    ("from.team", False),
    ("title", True),
    ("to.name", True),
    ("to.email", False),
    ("to.team", False),
    ("customer.company", True),
    ("customer.contact", False),
    ("customer.role", False),
)


def _get(values: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def _put(values: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        values = values.setdefault(part, {})
    values[parts[-1]] = value


class Prompter:
    """Fills a draft field by field; values already given (flags, file) are not asked again.
    Every word is looked up (`t`) when it is asked, in the user's language."""

    def __init__(self, console: Console):
        self.console = console

    def ask(self, label: str, *, required: bool, description: str = "", choices: list | None = None,
            spec: dict | None = None, default: str | None = None) -> Any:
        if description:
            self.console.print(Text.assemble("  ", (sanitize(description), "dim")))
        if choices:
            self.console.print(Text.assemble("  ", (f"{t('prompt.choices')}: {sanitize(' / '.join(map(str, choices)))}",
                                                    "dim")))
        suffix = f" [{sanitize(default)}]" if default else ""
        while True:
            answer = self.console.input(Text.assemble((sanitize(label), "bold"), suffix, ": ")).strip()
            if not answer and default:
                answer = default
            if not answer:
                if required:
                    self._problem(t("prompt.value_required"))
                    continue
                return None
            if choices and answer not in map(str, choices):
                self._problem(t("prompt.invalid_choice", allowed=", ".join(map(str, choices))))
                continue
            value = coerce(answer, spec)
            problem = self._format_problem(value, spec)
            if problem:
                self._problem(problem)
                continue
            return value

    def _problem(self, message: str) -> None:
        self.console.print(Text.assemble("  ", (sanitize(message), "red")))

    @staticmethod
    def _format_problem(value: Any, spec: dict | None) -> str | None:
        fmt = (spec or {}).get("format")
        if fmt and not format_checker().conforms(value, fmt):
            return t(f"schema.format.{fmt}", value=value)
        return None

    def _field(self, values: dict, field: FieldSpec, required: bool) -> None:
        dotted = f"context.{field.name}"
        if _get(values, dotted) not in (None, ""):
            return
        if field.type == "object":
            return  # structured recommended fields come from --set or the editor
        choices = field.choices or (["true", "false"] if field.type == "boolean" else None)
        value = self.ask(f"{field.title} ({field.name})", required=required, description=field.description,
                         choices=choices, spec=field.schema)
        if value is not None:
            _put(values, dotted, value)

    def fill(self, draft: Draft) -> None:
        values = draft.values
        for dotted, required in ENVELOPE_PROMPTS:
            if _get(values, dotted) in (None, ""):
                value = self.ask(t(f"prompt.envelope.{dotted}"), required=required)
                if value is not None:
                    _put(values, dotted, value)
        self.console.print(Text.assemble("\n", (t("prompt.required"), "bold underline")))
        for field in draft.kind.required_fields:
            self._field(values, field, required=True)
        if draft.kind.recommended_fields:
            self.console.print(Text.assemble("\n", (t("prompt.recommended"), "bold underline")))
            for field in draft.kind.recommended_fields:
                self._field(values, field, required=False)
        self._list(values, "open_questions", t("prompt.open_question"))

    def _list(self, values: dict, key: str, label: str) -> None:
        while True:
            answer = self.ask(label, required=False)
            if answer is None:
                return
            values.setdefault(key, []).append(str(answer))


class FeedbackPrompter(Prompter):
    """Asks the receiver for a receipt or an outcome entry."""

    def _ask_for(self, key: str, *, required: bool, choices: list | None = None, explained: bool = True,
                 description: str | None = None):
        """Ask for the entry's `key`, labelled and explained by i18n's "prompt.feedback.<key>[.help]"."""
        if description is None and explained:
            description = t(f"prompt.feedback.{key}.help")
        return self.ask(t(f"prompt.feedback.{key}"), required=required, choices=choices, description=description or "")

    def receipt(self, values: dict) -> None:
        if not values.get("decision"):
            values["decision"] = self._ask_for("decision", required=True,
                                               choices=["accepted", "conditional", "rejected"])
        if values["decision"] == "rejected":
            if not values.get("rejection_reason"):
                values["rejection_reason"] = self._ask_for(
                    "rejection_reason", required=True, choices=["procedural", "clerical", "definitional"])
        elif not values.get("synthesis"):
            values["synthesis"] = self._ask_for("synthesis", required=True)

    def outcome(self, values: dict, outcomes: list[str], losses: list[str], fields: list[str]) -> None:
        if not values.get("outcome"):
            values["outcome"] = self._ask_for("outcome", required=True, choices=outcomes or None, explained=False)
        if not values.get("rating"):
            values["rating"] = int(self._ask_for("rating", required=True, choices=["1", "2", "3", "4", "5"]))
        for key in ("useful", "missing"):
            if not values.get(key):
                values[key] = self._ask_for(key, required=False)
        for key in ("missing_fields", "wrong_fields"):
            if not values.get(key):
                values[key] = self._field_list(key, fields)
        if values["outcome"] in losses and not values.get("reason"):
            values["reason"] = self._ask_for("reason", required=True)
        if not values.get("request"):
            values["request"] = self._ask_for("request", required=False)

    def _field_list(self, key: str, fields: list[str]) -> list[str]:
        while True:
            answer = self._ask_for(key, required=False,
                                   description=t("prompt.feedback.fields.help", fields=", ".join(fields)))
            chosen = [f.strip() for f in str(answer or "").split(",") if f.strip()]
            unknown = [f for f in chosen if f not in fields]
            if not unknown:
                return chosen
            self._problem(t("prompt.invalid_choice", allowed=", ".join(fields)))
