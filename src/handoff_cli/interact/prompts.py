"""Asking a person for a handoff's values at the terminal (this room talks to the person).

Every answer is checked as it is typed, with the rules `check` applies (rules/answers.py),
and asked again at once with the reason in the user's language. Dates are read as people
type them and written in canonical ISO 8601; a choice is taken by its number, its value or
its Japanese label. On a terminal an answer is read with GNU readline: arrows, Home/End,
Ctrl-A/E, history (↑), wide characters, and never an escape byte stored.

A custom schema's field titles, descriptions and allowed values come from a pull request:
every prompt is plain `Text` (never markup) and sanitised (sanitize.py)."""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from handoff_cli.errors import HandoffError
from handoff_cli.i18n import language, t
from handoff_cli.interact.draft import Draft, coerce
from handoff_cli.rules.answers import entry_problem, problem
from handoff_cli.rules.formats import read_date, read_datetime, zone
from handoff_cli.rules.kinds import FieldSpec, Kind, entry_labels
from handoff_cli.sanitize import sanitize

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

Check = Callable[[Any], "str | None"]
_FROM_CONFIG = object()  # the time zone of `.handoff.yaml`, read when a date is first asked


def _get(values: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def _put(values: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        values = values.setdefault(part, {})
    values[parts[-1]] = value


def _typed(text: str) -> str:
    """An answer as compared with choices: full-width letters and digits made plain, no case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclass(frozen=True)
class Choices:
    """The allowed values of a question, each with its Japanese label where there is one;
    an answer picks one by its number in the shown list, its value or its label."""

    values: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def numbered(self) -> bool:
        """Numbers are offered unless the values are numbers themselves (a rating)."""
        return not all(value.isdigit() for value in self.values)

    def pick(self, answer: str) -> str | None:
        typed = _typed(answer)
        if self.numbered and typed.isdigit() and 1 <= int(typed) <= len(self.values):
            return self.values[int(typed) - 1]
        for value in self.values:
            if typed in (_typed(value), _typed(self.labels.get(value, "\0"))):
                return value
        return None

    def name(self, value: str) -> str:
        """A value as the user's language shows it: `高 (high)` in Japanese, `high` in English."""
        label = self.labels.get(value) if language() == "ja" else None
        return f"{label} ({value})" if label else value

    def shown(self) -> str:
        if not self.numbered:
            return f"{t('prompt.choices')}: " + " / ".join(self.values)
        return f"{t('prompt.choices_how')}: " + "  ".join(
            f"{number}) {self.name(value)}" for number, value in enumerate(self.values, 1))

    def allowed(self) -> str:
        return ", ".join(self.name(value) for value in self.values)


def _boolean_choices() -> Choices:
    return Choices(("true", "false"), {"true": t("prompt.boolean.true"), "false": t("prompt.boolean.false")})


@contextmanager
def _stdout_on_the_terminal():
    """Readline edits on standard output: when it goes to a file (`handoff new lead > id.txt`),
    the prompt is drawn on the terminal of standard error while the answer is read."""
    if os.isatty(1) or not os.isatty(2):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _readline_settings() -> list[str]:
    """UTF-8 text passes through (never read as Meta-keys); Home/End, Delete and Ctrl/Alt-arrows
    as terminals send them; function keys, Insert, Page Up/Down insert nothing (readline would
    ring and type what is left of their escape sequence, `;5~`)."""
    settings = ["set input-meta on", "set output-meta on", "set convert-meta off"]
    for start in ("\\e[1~", "\\e[7~", "\\eOH", "\\e[H"):
        settings.append(f'"{start}": beginning-of-line')
    for end in ("\\e[4~", "\\e[8~", "\\eOF", "\\e[F"):
        settings.append(f'"{end}": end-of-line')
    settings.append('"\\e[3~": delete-char')
    nothing = ["\\eOP", "\\eOQ", "\\eOR", "\\eOS"] + [f"\\e[{n}~" for n in (2, 5, 6, 11, 12, 13, 14, 15, 17, 18,
                                                                              19, 20, 21, 23, 24)]
    for modifier in range(2, 9):
        settings += [f'"\\e[1;{modifier}C": forward-word', f'"\\e[1;{modifier}D": backward-word',
                     f'"\\e[1;{modifier}H": beginning-of-line', f'"\\e[1;{modifier}F": end-of-line',
                     f'"\\e[3;{modifier}~": delete-char']
        nothing += [f"\\e[1;{modifier}{key}" for key in "ABPQRS"]
        nothing += [f"\\e[{n};{modifier}~" for n in (2, 5, 6, 15, 17, 18, 19, 20, 21, 23, 24)]
    settings += [f'"{sequence}": ""' for sequence in nothing]
    return settings


_readline_ready = False


def _edited_line(prompt: str) -> str:
    """One line read with GNU readline: `input()` edits the line once `readline` is imported,
    and it is given the prompt itself, so that readline knows its width when it redraws
    (a wide Japanese prompt too)."""
    global _readline_ready
    try:
        import readline  # the import is what turns line editing on
    except ImportError:  # pragma: no cover - Python built without readline
        pass
    else:
        if not _readline_ready:
            for setting in _readline_settings():
                readline.parse_and_bind(setting)
            try:
                readline.read_init_file()  # the person's own ~/.inputrc has the last word
            except OSError:
                pass
            _readline_ready = True
    with _stdout_on_the_terminal():
        return input(prompt)


_ESCAPE = re.compile("\x1b(?:\\[[0-9;?]*[ -/]*[@-~]|O.|.)?")


class Prompter:
    """Fills a draft field by field; values already given (flags, file) are not asked again.
    Every word is looked up (`t`) when it is asked, in the user's language."""

    def __init__(self, console: Console, *, timezone: Any = _FROM_CONFIG, terminal: bool | None = None):
        """`timezone`: the IANA name for dates typed without an offset (None: this computer's;
        default: `.handoff.yaml`'s `timezone:`). `terminal`: read with line editing (default:
        when standard input is a terminal)."""
        self.console = console
        self._timezone = timezone
        self.terminal = terminal if terminal is not None else sys.stdin.isatty() and (os.isatty(1) or os.isatty(2))

    # ------------------------------------------------------------------ reading one answer

    def _read(self, label: str, suffix: str) -> str:
        if self.terminal:
            bold = self.console.is_terminal and self.console.color_system is not None and not self.console.no_color
            shown = f"\001\033[1m\002{label}\001\033[0m\002" if bold else label
            return _edited_line(f"{shown}{suffix}: ")
        self.console.print(Text.assemble((label, "bold"), suffix, ": "), end="")
        self.console.file.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def ask(self, label: str, *, required: bool, description: str = "", choices: list | Choices | None = None,
            spec: dict | None = None, default: str | None = None, check: Check | None = None,
            required_message: str | None = None) -> Any:
        """Ask until the answer is one the document can hold: `check(value)` says what is wrong
        with a value (rules/answers.py), `choices` what it may be; a date-time or date `spec`
        reads dates as typed."""
        if choices is not None and not isinstance(choices, Choices):
            choices = Choices(tuple(map(str, choices)))
        if description:
            self.console.print(Text.assemble("  ", (sanitize(description), "dim")))
        if choices:
            self.console.print(Text.assemble("  ", (sanitize(choices.shown()), "dim")))
        fmt = (spec or {}).get("format")
        if fmt == "date-time":
            self.console.print(Text.assemble("  ", (t("prompt.date_time_help", zone=self._zone_name()), "dim")))
        elif fmt == "date":
            self.console.print(Text.assemble("  ", (t("prompt.date_help"), "dim")))
        shown_default = choices.name(default) if choices and default else default
        suffix = f" [{sanitize(shown_default)}]" if default else ""
        while True:
            typed = self._read(sanitize(label), suffix)
            escape = _ESCAPE.search(typed)
            if escape:
                self._problem(t("prompt.escape_sequence", shown=sanitize(escape.group())))
                continue
            answer = typed.strip()
            if not answer and default:
                answer = default
            if not answer:
                if required:
                    self._problem(required_message or t("prompt.value_required"))
                    continue
                return None
            value, found = self._value(answer, choices, spec)
            if found is None and check is not None:
                found = check(value)
            if found:
                self._problem(found)
                continue
            if isinstance(value, str) and _typed(value) != _typed(answer):  # what a number, label or date became
                shown = choices.name(value) if choices else value
                self.console.print(Text.assemble("  → ", (sanitize(shown), "dim")))
            return value

    def _value(self, answer: str, choices: Choices | None, spec: dict | None) -> tuple[Any, str | None]:
        """The value an answer stands for, or why it stands for none."""
        spec = spec or {}
        if choices:
            picked = choices.pick(answer)
            if picked is None and spec.get("type") == "boolean" and isinstance(coerce(answer, spec), bool):
                picked = str(coerce(answer, spec)).lower()
            if picked is None:
                return None, t("prompt.invalid_choice", allowed=choices.allowed())
            allowed = [value for value in spec.get("enum") or () if str(value) == picked]
            return (allowed[0] if allowed else coerce(picked, spec)), None
        fmt = spec.get("format")
        if fmt == "date-time":
            read = read_datetime(answer, self._zone())
            return (read, None) if read else (None, t("prompt.date_time_expected", value=answer,
                                                      zone=self._zone_name()))
        if fmt == "date":
            read = read_date(answer)
            return (read, None) if read else (None, t("prompt.date_expected", value=answer))
        value = coerce(answer, spec)
        if spec.get("type") == "number" and isinstance(value, str):
            try:
                value = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                pass
        return value, None

    def _problem(self, message: str) -> None:
        self.console.print(Text.assemble("  ", (sanitize(message), "red")))

    # ------------------------------------------------------------------ time zones

    def _zone_setting(self) -> str | None:
        if self._timezone is _FROM_CONFIG:
            from handoff_cli.documents.config import load_config

            try:
                self._timezone = load_config().timezone
            except HandoffError:
                self._timezone = None
        return self._timezone

    def _zone(self):
        return zone(self._zone_setting())

    def _zone_name(self) -> str:
        name = self._zone_setting()
        if name:
            return name
        offset = datetime.now().astimezone().strftime("%z")
        return t("prompt.local_zone", offset=f"{offset[:3]}:{offset[3:]}")

    # ------------------------------------------------------------------ a new handoff

    def _field(self, values: dict, kind: Kind, field_spec: FieldSpec, required: bool) -> None:
        dotted = f"context.{field_spec.name}"
        if _get(values, dotted) not in (None, ""):
            return
        if field_spec.type == "object":
            return  # structured recommended fields come from --set or the editor
        choices = None
        if field_spec.choices:
            choices = Choices(tuple(map(str, field_spec.choices)), field_spec.choice_labels)
        elif field_spec.type == "boolean":
            choices = _boolean_choices()
        value = self.ask(f"{field_spec.title} ({field_spec.name})", required=required,
                         description=field_spec.description, choices=choices, spec=field_spec.schema,
                         check=lambda v: problem(kind, dotted, v, required=required))
        if value is not None:
            _put(values, dotted, value)

    def fill(self, draft: Draft) -> None:
        values, kind = draft.values, draft.kind
        for dotted, required in ENVELOPE_PROMPTS:
            if _get(values, dotted) in (None, ""):
                value = self.ask(t(f"prompt.envelope.{dotted}"), required=required,
                                 check=lambda v, where=dotted, needed=required: problem(kind, where, v, required=needed))
                if value is not None:
                    _put(values, dotted, value)
        self.console.print(Text.assemble("\n", (t("prompt.required"), "bold underline")))
        for field_spec in kind.required_fields:
            self._field(values, kind, field_spec, required=True)
        if kind.recommended_fields:
            self.console.print(Text.assemble("\n", (t("prompt.recommended"), "bold underline")))
            for field_spec in kind.recommended_fields:
                self._field(values, kind, field_spec, required=False)
        self._list(values, "open_questions", t("prompt.open_question"),
                   lambda v: problem(kind, "open_questions", [v]))

    def _list(self, values: dict, key: str, label: str, check: Check | None = None) -> None:
        while True:
            answer = self.ask(label, required=False, check=check)
            if answer is None:
                return
            values.setdefault(key, []).append(str(answer))


class FeedbackPrompter(Prompter):
    """Asks the receiver for a receipt or an outcome entry: what each needs said, in words."""

    def _ask_for(self, key: str, *, required: bool, choices: Choices | list | None = None, explained: bool = True,
                 description: str | None = None, check: Check | None = None, required_message: str | None = None):
        """Ask for the entry's `key`, labelled and explained by i18n's "prompt.feedback.<key>[.help]"."""
        if description is None and explained:
            description = t(f"prompt.feedback.{key}.help")
        return self.ask(t(f"prompt.feedback.{key}"), required=required, choices=choices,
                        description=description or "", check=check, required_message=required_message)

    def _words(self, kind: Kind, phase: str, values: dict, key: str, *, required: bool,
               required_message: str | None = None) -> None:
        """Ask for the words of `key` unless given, checked as `check` checks the entry."""
        if not values.get(key):
            values[key] = self._ask_for(key, required=required, required_message=required_message,
                                        check=lambda v: entry_problem(kind, phase, key, v, values, required=required))

    def receipt(self, values: dict, kind: Kind) -> None:
        """Accepted or conditional: what was understood (and the condition); rejected: why,
        in a category and in words, and which fields are wrong."""
        labels = entry_labels("decision")
        if not values.get("decision"):
            values["decision"] = self._ask_for("decision", required=True, explained=False,
                                               choices=Choices(("accepted", "conditional", "rejected"), labels))
        if values["decision"] == "rejected":
            if not values.get("rejection_reason"):
                values["rejection_reason"] = self._ask_for(
                    "rejection_reason", required=True,
                    choices=Choices(("procedural", "clerical", "definitional"), entry_labels("rejection_reason")))
            self._words(kind, "receipt", values, "rejection_note", required=True)
            if not values.get("wrong_fields"):
                values["wrong_fields"] = self._field_list("wrong_fields", kind)
            return
        self._words(kind, "receipt", values, "synthesis", required=True)
        if values["decision"] == "conditional":
            self._words(kind, "receipt", values, "condition", required=True)

    def outcome(self, values: dict, kind: Kind) -> None:
        if not values.get("outcome"):
            choices = Choices(tuple(kind.outcomes), kind.outcome_labels) if kind.outcomes else None
            values["outcome"] = self._ask_for("outcome", required=True, choices=choices, explained=False,
                                              check=lambda v: entry_problem(kind, "outcome", "outcome", v))
        if not values.get("rating"):
            values["rating"] = int(self._ask_for("rating", required=True, choices=["1", "2", "3", "4", "5"]))
        self._words(kind, "outcome", values, "useful", required=False)
        self._words(kind, "outcome", values, "missing", required=not values.get("useful"),
                    required_message=t("schema.any_of_useful_missing"))
        for key in ("missing_fields", "wrong_fields"):
            if not values.get(key):
                values[key] = self._field_list(key, kind)
        if values["outcome"] in kind.loss_outcomes:
            self._words(kind, "outcome", values, "reason", required=True)
        self._words(kind, "outcome", values, "request", required=False)

    def _field_list(self, key: str, kind: Kind) -> list[str]:
        """Context fields, by name, number or (Japanese) title, separated by commas or spaces."""
        fields = kind.fields
        help_id = "prompt.feedback.wrong_fields.help" if key == "wrong_fields" else "prompt.feedback.fields.help"
        listed = "  ".join(f"{n}) {_field_name(f)}" for n, f in enumerate(fields, 1))
        while True:
            answer = self._ask_for(key, required=False, description=t(help_id, fields=listed))
            chosen, unknown = [], []
            for part in re.split(r"[,、，\s]+", unicodedata.normalize("NFKC", str(answer or ""))):
                if part:
                    found = _pick_field(part, fields)
                    (chosen if found else unknown).append(found or part)
            if not unknown:
                return list(dict.fromkeys(chosen))
            self._problem(t("prompt.invalid_choice", allowed=", ".join(f.name for f in fields)))


def _field_name(spec: FieldSpec) -> str:
    return f"{spec.title} ({spec.name})" if language() == "ja" and spec.title != spec.name else spec.name


def _pick_field(part: str, fields: tuple[FieldSpec, ...]) -> str | None:
    typed = _typed(part)
    if typed.isdigit() and 1 <= int(typed) <= len(fields):
        return fields[int(typed) - 1].name
    for spec in fields:
        if typed in (_typed(spec.name), _typed(spec.schema.get("x-handoff-title-ja") or "\0")):
            return spec.name
    return None


def phase_choices() -> Choices:
    """receipt / outcome, with their Japanese labels."""
    return Choices(("receipt", "outcome"), entry_labels("phase"))
