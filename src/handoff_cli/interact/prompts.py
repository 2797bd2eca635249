"""Asking a person for a handoff's values at the terminal (this room talks to the person)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from handoff_cli.i18n import t
from handoff_cli.interact.draft import Draft, coerce
from handoff_cli.rules.formats import format_checker
from handoff_cli.rules.kinds import FieldSpec

ENVELOPE_PROMPTS = (
    ("from.name", "From: your name", "送り手: あなたの氏名", True),
    ("from.email", "From: your email", "送り手: メール", False),
    ("from.team", "From: your team", "送り手: チーム", False),
    ("title", "Title: one line that says what is handed over", "件名: 何を引き継ぐかを一行で", True),
    ("to.name", "To: the receiver's name", "受け手: 氏名", True),
    ("to.email", "To: the receiver's email", "受け手: メール", False),
    ("to.team", "To: the receiver's team", "受け手: チーム", False),
    ("customer.company", "Customer company", "顧客の会社名", True),
    ("customer.contact", "Customer contact person", "先方の担当者", False),
    ("customer.role", "Contact's role or department", "担当者の部署・役職", False),
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
    """Fills a draft field by field; values already given (flags, file) are not asked again."""

    def __init__(self, console: Console, ja: bool):
        self.console = console
        self.ja = ja

    def ask(self, label: str, *, required: bool, description: str = "", choices: list | None = None,
            spec: dict | None = None, default: str | None = None) -> Any:
        if description:
            self.console.print(f"  [dim]{escape(description)}[/dim]")
        if choices:
            self.console.print(f"  [dim]{t('prompt.choices')}: {escape(' / '.join(map(str, choices)))}[/dim]")
        suffix = f" [{default}]" if default else ""
        while True:
            answer = self.console.input(f"[bold]{escape(label)}[/bold]{escape(suffix)}: ").strip()
            if not answer and default:
                answer = default
            if not answer:
                if required:
                    self.console.print(f"  [red]{t('prompt.value_required')}[/red]")
                    continue
                return None
            if choices and answer not in map(str, choices):
                self.console.print(f"  [red]{escape(t('prompt.invalid_choice', allowed=', '.join(map(str, choices))))}[/red]")
                continue
            value = coerce(answer, spec)
            problem = self._format_problem(value, spec)
            if problem:
                self.console.print(f"  [red]{escape(problem)}[/red]")
                continue
            return value

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
        for dotted, en, ja, required in ENVELOPE_PROMPTS:
            if _get(values, dotted) in (None, ""):
                default = None
                value = self.ask(ja if self.ja else en, required=required, default=default)
                if value is not None:
                    _put(values, dotted, value)
        self.console.print(f"\n[bold underline]{t('prompt.required')}[/bold underline]")
        for field in draft.kind.required_fields:
            self._field(values, field, required=True)
        if draft.kind.recommended_fields:
            self.console.print(f"\n[bold underline]{t('prompt.recommended')}[/bold underline]")
            for field in draft.kind.recommended_fields:
                self._field(values, field, required=False)
        self._list(values, "open_questions", "Open question (Enter to finish)", "未確認事項（Enterで終了）")

    def _list(self, values: dict, key: str, en: str, ja: str) -> None:
        while True:
            answer = self.ask(ja if self.ja else en, required=False)
            if answer is None:
                return
            values.setdefault(key, []).append(str(answer))


class FeedbackPrompter(Prompter):
    """Asks the receiver for a receipt or an outcome entry."""

    def receipt(self, values: dict) -> None:
        if not values.get("decision"):
            values["decision"] = self.ask("decision", required=True, choices=["accepted", "conditional", "rejected"],
                                          description="accepted / conditional / rejected")
        if values["decision"] == "rejected":
            if not values.get("rejection_reason"):
                values["rejection_reason"] = self.ask(
                    "rejection_reason", required=True, choices=["procedural", "clerical", "definitional"],
                    description="procedural: sent to the wrong person; clerical: incomplete or inaccurate; "
                                "definitional: does not meet the bar for this kind")
        elif not values.get("synthesis"):
            values["synthesis"] = self.ask(
                "synthesis", required=True,
                description="受け取った内容を自分の言葉で要約してください" if self.ja
                else "What you understood, in your own words")

    def outcome(self, values: dict, outcomes: list[str], losses: list[str], fields: list[str]) -> None:
        if not values.get("outcome"):
            values["outcome"] = self.ask("outcome", required=True, choices=outcomes or None)
        if not values.get("rating"):
            values["rating"] = int(self.ask("rating", required=True, choices=["1", "2", "3", "4", "5"],
                                            description="1-5: how well the handoff prepared you"))
        for key, en, ja in (("useful", "What helped", "役立ったこと"), ("missing", "What was missing", "足りなかったこと")):
            if not values.get(key):
                values[key] = self.ask(key, required=False, description=ja if self.ja else en)
        for key in ("missing_fields", "wrong_fields"):
            if not values.get(key):
                values[key] = self._field_list(key, fields)
        if values["outcome"] in losses and not values.get("reason"):
            values["reason"] = self.ask("reason", required=True, description="why it was lost")
        if not values.get("request"):
            values["request"] = self.ask("request", required=False,
                                         description="次回への要望" if self.ja else "What to do differently next time")

    def _field_list(self, key: str, fields: list[str]) -> list[str]:
        while True:
            answer = self.ask(key, required=False, description="comma-separated: " + ", ".join(fields))
            chosen = [f.strip() for f in str(answer or "").split(",") if f.strip()]
            unknown = [f for f in chosen if f not in fields]
            if not unknown:
                return chosen
            self.console.print(f"  [red]{escape(t('prompt.invalid_choice', allowed=', '.join(fields)))}[/red]")
