"""Kinds: built-in and custom JSON Schemas, their `x-handoff-*` metadata, compiled validators.

A kind's schema describes the whole document. What JSON Schema cannot say lives in
documented keywords of the same schema, used alike by built-in and custom kinds:
  x-handoff-recommended  (on `properties.context`) fields that raise the quality score
  x-handoff-outcomes     outcomes a receiver may report for this kind
  x-handoff-loss-outcomes outcomes that need a `reason`
  x-handoff-placeholders extra texts that count as placeholders, not content (`.handoff.yaml`
                         `placeholders:` adds a repository's own to every kind)
  x-handoff-enum-ja      (on a field with `enum`) value -> Japanese label, shown and accepted at prompts
  x-handoff-outcomes-ja  outcome -> Japanese label, likewise
  x-handoff-voice        (on a context field) the customer's own words: quoting them scores
  x-handoff-safety       (on a boolean context field) `true` marks a safety issue, sorted first
  x-handoff-single-line  (on a text field) one line, no invisible or direction-changing characters
  x-handoff-title-ja / x-handoff-description-ja  Japanese title and description
  x-handoff-ask / x-handoff-ask-ja  (on a context field) a question whose answer fills it (the 1on1 sheet)
Date and date-time fields are the ones with `format: date` / `format: date-time`.
docs/FORMAT.md lists them all.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from handoff_cli.documents.config import Config
from handoff_cli.documents.model import canonical_handoff
from handoff_cli.errors import UnknownKind
from handoff_cli.i18n import language, localized, t
from handoff_cli.rules.custom_schemas import SchemaSource, load_custom_schema, working_tree
from handoff_cli.rules.schema_check import SchemaValidator

BUILTIN_KINDS = ("lead", "order", "service")


def schema_dir() -> Path:
    """The folder of the built-in schemas (shipped in the wheel, or the source checkout's)."""
    shipped = resources.files("handoff_cli") / "schemas"
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[3] / "schemas"  # running from a source checkout


@cache
def builtin_schema(name: str) -> dict:
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def keyword_paths(schema: dict, keyword: str) -> tuple[tuple, ...]:
    """Paths in a document (`"*"` for every item of a list) whose subschema sets `keyword`
    to true, following `properties`, `items`, local `allOf` branches and `#/$defs/…` refs."""
    found: list[tuple] = []

    def walk(node, path: tuple, depth: int) -> None:
        if not isinstance(node, dict) or depth > 16:
            return
        if node.get(keyword) is True:
            found.append(path)
        for name, inner in (node.get("properties") or {}).items():
            walk(inner, path + (name,), depth + 1)
        walk(node.get("items"), path + ("*",), depth + 1)
        for branch in node.get("allOf") or []:
            walk(branch, path, depth + 1)
        target = node.get("$ref")
        if isinstance(target, str) and target.startswith("#/$defs/"):
            walk((schema.get("$defs") or {}).get(target[len("#/$defs/"):]), path, depth + 1)

    walk(schema, (), 0)
    return tuple(dict.fromkeys(found))


def builtin_documents() -> dict[str, dict]:
    """The built-in schemas by their `$id` (`urn:handoff:v1:…`): all a schema may refer to."""
    return {builtin_schema(n)["$id"]: builtin_schema(n) for n in ("envelope", "feedback", *BUILTIN_KINDS)}


@dataclass(frozen=True)
class FieldSpec:
    """One context field of a kind."""

    name: str
    schema: dict
    required: bool

    @property
    def title(self) -> str:
        return localized(self.schema, "title") or self.name

    @property
    def description(self) -> str:
        return localized(self.schema, "description") or ""

    @property
    def ask(self) -> str:
        """A question whose answer fills this field, for the 1on1 sheet: `x-handoff-ask`
        (`x-handoff-ask-ja` in Japanese), else one made from the field's title and description."""
        text = self.schema.get("x-handoff-ask-ja" if language() == "ja" else "x-handoff-ask")
        if isinstance(text, str) and text.strip():
            return text
        return t("person.ask.from_description", title=self.title, description=self.description or self.title)

    @property
    def type(self) -> str:
        return self.schema.get("type", "string")

    @property
    def choices(self) -> list | None:
        return self.schema.get("enum")

    @property
    def choice_labels(self) -> dict[str, str]:
        """The Japanese label of each allowed value (`x-handoff-enum-ja`), where the schema has one."""
        return labels(self.schema.get("x-handoff-enum-ja"), self.choices or ())

    @property
    def is_free_text(self) -> bool:
        return self.type == "string" and "enum" not in self.schema and "format" not in self.schema

    @property
    def is_voice(self) -> bool:
        """The customer's own words (`x-handoff-voice`): quoting them is part of specificity."""
        return self.schema.get("x-handoff-voice") is True

    @property
    def is_safety_flag(self) -> bool:
        """`true` here marks a safety issue (`x-handoff-safety`): it sorts first everywhere."""
        return self.schema.get("x-handoff-safety") is True


@dataclass
class Kind:
    name: str
    schema: dict
    source: str  # "built-in" or the schema's path
    fields: tuple[FieldSpec, ...] = ()
    recommended: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    loss_outcomes: tuple[str, ...] = ()
    placeholders: frozenset[str] = frozenset()  # normalised (`placeholder_key`)
    outcome_labels: dict = field(default_factory=dict)  # outcome -> Japanese label (`x-handoff-outcomes-ja`)

    fast: bool = True  # the native validator (see rules.schema_check); False: the fallback alone

    @cached_property
    def validator(self) -> SchemaValidator:
        return SchemaValidator(self.schema, builtin_documents(), native=self.fast)

    @property
    def title(self) -> str:
        return localized(self.schema, "title") or self.name

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.required]

    @property
    def recommended_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.name in self.recommended]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @cached_property
    def single_line_paths(self) -> tuple[tuple, ...]:
        """Values that must be one line (`x-handoff-single-line`): the envelope's names, emails,
        teams, title and company, and any the kind's own schema marks."""
        return keyword_paths(builtin_schema("envelope"), "x-handoff-single-line") + \
            keyword_paths(self.schema, "x-handoff-single-line")

    @cached_property
    def safety_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.is_safety_flag)

    def safety_issue(self, context: dict) -> bool:
        """Whether a document's context raises a safety issue (any safety flag is `true`)."""
        return any(context.get(name) is True for name in self.safety_fields)

    def document(self, values: dict, handoff_id: str | None = None, created: str | None = None) -> dict:
        """`values` as a whole document of this kind, in canonical order, id, kind and created filled in."""
        data = dict(values)
        data["kind"] = self.name
        if handoff_id:
            data["id"] = handoff_id
        if created and not data.get("created"):
            data["created"] = created
        return canonical_handoff(data, tuple(self.field_names), self.date_paths)

    @cached_property
    def date_paths(self) -> tuple[tuple[str, ...], ...]:
        """Paths of the context's date and date-time values (one level into grouped fields)."""
        paths = []
        for spec in self.fields:
            if spec.schema.get("format") in ("date", "date-time"):
                paths.append(("context", spec.name))
            for inner, inner_schema in (spec.schema.get("properties") or {}).items():
                if isinstance(inner_schema, dict) and inner_schema.get("format") in ("date", "date-time"):
                    paths.append(("context", spec.name, inner))
        return tuple(paths)


def _context_schema(schema: dict) -> dict:
    """The `context` subschema of a kind, looking through local allOf branches."""
    found = (schema.get("properties") or {}).get("context")
    if isinstance(found, dict) and found.get("properties"):
        return found
    for branch in schema.get("allOf") or []:
        if isinstance(branch, dict) and "$ref" not in branch:
            inner = _context_schema(branch)
            if inner:
                return inner
    return found if isinstance(found, dict) else {}


def labels(given: Any, values) -> dict[str, str]:
    """`{value: Japanese label}` from an `x-handoff-enum-ja` / `x-handoff-outcomes-ja` mapping,
    for the allowed `values` only; anything else in a custom schema is ignored."""
    if not isinstance(given, dict):
        return {}
    return {str(value): label for value in values
            if isinstance(label := given.get(str(value)), str) and label.strip()}


def entry_schema(key: str) -> dict:
    """The schema of a feedback entry's `key` (`synthesis`, `decision` …), or {}."""
    found = builtin_schema("feedback")["$defs"]["entry"]["properties"].get(key)
    return found if isinstance(found, dict) else {}


def entry_labels(key: str) -> dict[str, str]:
    """The Japanese labels (`x-handoff-enum-ja`) of a feedback entry's `key` (`decision`,
    `rejection_reason`, `phase` …): what the prompts offer and the report shows."""
    schema = entry_schema(key)
    return labels(schema.get("x-handoff-enum-ja"), schema.get("enum") or ())


def _kind_from_schema(name: str, schema: dict, source: str, fast: bool, extra_placeholders=()) -> Kind:
    context = _context_schema(schema)
    required = set(context.get("required") or [])
    fields = tuple(FieldSpec(n, s if isinstance(s, dict) else {}, n in required)
                   for n, s in (context.get("properties") or {}).items())
    placeholders = builtin_schema("envelope")["x-handoff-placeholders"] + \
        list(schema.get("x-handoff-placeholders") or []) + list(extra_placeholders)
    outcomes = tuple(schema.get("x-handoff-outcomes") or [])
    return Kind(
        name=name, schema=schema, source=source, fields=fields,
        recommended=tuple(context.get("x-handoff-recommended") or []),
        outcomes=outcomes,
        loss_outcomes=tuple(schema.get("x-handoff-loss-outcomes") or []),
        placeholders=frozenset(placeholder_key(p) for p in placeholders if isinstance(p, str)),
        outcome_labels=labels(schema.get("x-handoff-outcomes-ja"), outcomes), fast=fast,
    )


class Kinds:
    """The kinds a repository knows: built-ins, overridden or extended by `.handoff.yaml`."""

    def __init__(self, config: Config | None = None, *, fast: bool = True, source: SchemaSource | None = None):
        """`fast=False` validates with the pure-Python validator alone (the reference path);
        `source` reads custom schemas (default: the working tree; `check --changed-since`
        also reads them as committed in the base branch)."""
        self.fast = fast
        self._config = config
        self._custom = dict(config.kinds) if config else {}
        self._placeholders = tuple(config.placeholders) if config else ()
        self._source = source or (working_tree(config.root) if config else None)
        self.from_working_tree = source is None  # what a worker process, given the config, makes again
        self._loaded: dict[str, Kind] = {}
        self.names = sorted(set(BUILTIN_KINDS) | set(self._custom))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in BUILTIN_KINDS or name in self._custom)

    def get(self, name: str) -> Kind:
        if name not in self._loaded:
            if name in self._custom:
                relative = self._custom[name].relative_to(self._config.root).as_posix()
                schema = load_custom_schema(name, relative, self._source, builtin_documents())
                self._loaded[name] = _kind_from_schema(name, schema, relative, self.fast, self._placeholders)
            elif name in BUILTIN_KINDS:
                self._loaded[name] = _kind_from_schema(name, builtin_schema(name), "built-in", self.fast,
                                                       self._placeholders)
            else:
                raise UnknownKind(t("kinds.unknown", kind=name), hint=t("kinds.known", kinds=", ".join(self.names)))
        return self._loaded[name]

    def load_all(self) -> None:
        """Load every kind now, so a broken custom schema is reported before any work."""
        for name in self.names:
            self.get(name)

    @cached_property
    def envelope_validator(self) -> SchemaValidator:
        return SchemaValidator(builtin_schema("envelope"), builtin_documents(), native=self.fast)

    @cached_property
    def envelope_single_line_paths(self) -> tuple[tuple, ...]:
        return keyword_paths(builtin_schema("envelope"), "x-handoff-single-line")

    @cached_property
    def feedback_single_line_paths(self) -> tuple[tuple, ...]:
        return keyword_paths(builtin_schema("feedback"), "x-handoff-single-line")

    @cached_property
    def feedback_validator(self) -> SchemaValidator:
        return SchemaValidator(builtin_schema("feedback"), builtin_documents(), native=self.fast)


def bundled(schema: dict) -> dict:
    """`schema` with references to the built-in schemas inlined, so that any validator or
    editor can use it on its own (they cannot resolve `urn:handoff:v1:…`)."""
    builtins = {builtin_schema(n)["$id"]: n for n in ("envelope", "feedback", *BUILTIN_KINDS)}

    def inline(node):
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and target in builtins and len(node) == 1:
                inner = {k: v for k, v in builtin_schema(builtins[target]).items() if k not in ("$id", "$schema")}
                return inline(inner)
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def schema_text(kind: Kind) -> str:
    return json.dumps(bundled(kind.schema), ensure_ascii=False, indent=2) + "\n"


# Said around a placeholder without adding content: punctuation, and polite endings
# (未定です, 確認中でございます, 追って連絡いたします).
_AROUND = " \t。、,.!?・"
_POLITE_ENDINGS = ("でございます", "となっております", "となります", "になります", "いたします", "致します",
                   "します", "です", "だ")


def placeholder_key(text: str) -> str:
    """`text` as placeholders are compared: NFKC (full-width letters, digits and signs made
    plain), no case, without the punctuation and polite ending around it; what is left of a
    text that is all punctuation (`?`, `...`) is itself."""
    plain = unicodedata.normalize("NFKC", text).strip().casefold()
    key = plain.strip(_AROUND)
    for ending in _POLITE_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending):
            key = key[:-len(ending)].strip(_AROUND)
            break
    return key or plain


def is_placeholder(value: Any, kind: Kind) -> bool:
    """Whether `value` is a placeholder, not content: empty, or one of the kind's placeholders
    (the envelope's, the kind's own and the repository's `placeholders:`), compared by
    `placeholder_key`; or nothing but punctuation and symbols."""
    if not isinstance(value, str):
        return False
    return _no_content(value) or placeholder_key(value) in kind.placeholders


def _no_content(text: str) -> bool:
    """Nothing but spaces, punctuation and symbols (`?`, `-`, `...`, `○○`, `ーー`)."""
    return all(c.isspace() or c in "ーｰ" or unicodedata.category(c)[0] in "PSZ" for c in text)
