"""Validation: schema errors and semantic rules as findings, each at file:line:column and field."""

from __future__ import annotations

import re
from typing import Any

from handoff_cli.documents.ids import is_valid_id
from handoff_cli.documents.reading import ParsedYaml, Position
from handoff_cli.i18n import has_message, t
from handoff_cli.rules.findings import Finding, dotted
from handoff_cli.rules.kinds import Kind, Kinds, builtin_schema, is_placeholder
from handoff_cli.rules.schema_check import SchemaError, SchemaValidator

ENVELOPE_FREE_TEXT = (("title",), ("customer", "company"))


class _Collector:
    def __init__(self, file: str, parsed: ParsedYaml):
        self.file = file
        self.parsed = parsed
        self.findings: list[Finding] = []
        self.shape = None  # what the schema says about keys (unknown fields, section 6)

    def add(self, path, message: str, code: str, position: Position | None = None) -> None:
        where = position or self.parsed.position(path)
        self.findings.append(Finding(self.file, where.line, where.column, dotted(path), message, code))


_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")  # worded as i18n "type.<name>"


def _expected_name(expected: str) -> str:
    return t(f"type.{expected}") if expected in _TYPES else expected


def _type_name(value: Any) -> str:
    if value is None:
        return t("type.null")
    if isinstance(value, bool):
        return t("type.found_boolean")
    if isinstance(value, int):
        return t("type.integer")
    if isinstance(value, float):
        return t("type.number")
    if isinstance(value, dict):
        return t("type.object")
    if isinstance(value, list):
        return t("type.array")
    return t("type.string")


def _schema_findings(collector: _Collector, validator: SchemaValidator, instance: Any) -> None:
    """The schema's findings: the validator that says "not valid" also says why (one verdict)."""
    if validator.is_valid(instance):
        return
    for error in validator.errors(instance):
        _add_schema_error(collector, error)


_USEFUL_OR_MISSING = {("required", "useful"), ("required", "missing")}


def _value_at(document: Any, path: tuple) -> Any:
    for part in path:
        try:
            document = document[part]
        except (KeyError, IndexError, TypeError):
            return None
    return document


_SHOWN_CHARACTERS = 80


def _shown(value: Any) -> Any:
    """A value as a finding quotes it: long text cut short (a finding is one line to read)."""
    if isinstance(value, str) and len(value) > _SHOWN_CHARACTERS:
        return value[:_SHOWN_CHARACTERS - 1] + "…"
    return value


def _add_schema_error(collector: _Collector, error: SchemaError) -> None:
    """One schema error as a finding in the user's language (the value as the reader gave it:
    the native validator sees a NaN as null). A value the reader already reported (a bad
    number, an unsupported tag) gets no second finding."""
    path, keyword, detail = error.path, error.keyword, error.detail
    if any(problem.path == path for problem in collector.parsed.problems if problem.path):
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        _closed_object_findings(collector, path, detail)
        return
    value = _shown(_value_at(collector.parsed.value, path))
    if keyword == "required":
        collector.add(path + (detail["property"],), t("schema.required"), "schema.required",
                      collector.parsed.inside(path))
    elif keyword == "type":
        types = [name for name in detail.get("types", ()) if name != "null"] or list(detail.get("types", ("null",)))
        expected = types[0]
        if value is None or value == "":
            collector.add(path, t("schema.empty"), "schema.empty")
            return
        hint = ""
        if expected == "string" and isinstance(value, (bool, int, float)):
            hint = t("type.yaml_hint", found=_type_name(value))
        collector.add(path, t("schema.type", expected=_expected_name(expected),
                              found=_type_name(value), hint=hint), "schema.type")
    elif keyword == "enum":
        collector.add(path, t("schema.enum", value=value, allowed=", ".join(map(str, detail["options"]))),
                      "schema.enum")
    elif keyword == "const":
        collector.add(path, t("schema.const", expected=detail["expected"]), "schema.const")
    elif keyword == "minLength" and isinstance(detail.get("limit"), int) and detail["limit"] > 1 and value:
        collector.add(path, t("schema.min_length", limit=detail["limit"]), "schema.minLength")
    elif keyword in ("minLength", "minItems", "minProperties"):
        collector.add(path, t("schema.empty"), "schema.empty")
    elif keyword == "maxLength" and isinstance(error.instance, str):
        collector.add(path, t("schema.max_length", length=len(error.instance), limit=detail.get("limit")),
                      "schema.maxLength")
    elif keyword == "pattern":
        collector.add(path, t("schema.pattern", value=value, pattern=detail["pattern"]), "schema.pattern")
    elif keyword == "format":
        key = f"schema.format.{detail['format']}"
        message = t(key, value=value) if has_message(key) else t("schema.other", message=error.message)
        collector.add(path, message, "schema.format")
    elif keyword in ("minimum", "exclusiveMinimum"):
        collector.add(path, t("schema.minimum", value=value, limit=detail["limit"]), "schema.range")
    elif keyword in ("maximum", "exclusiveMaximum"):
        collector.add(path, t("schema.maximum", value=value, limit=detail["limit"]), "schema.range")
    elif keyword == "multipleOf":
        collector.add(path, t("schema.multiple_of", value=value, limit=detail["limit"]), "schema.multipleOf")
    elif keyword == "uniqueItems":
        collector.add(path, t("schema.unique"), "schema.unique")
    elif keyword == "anyOf" and {(e.keyword, e.detail.get("property")) for b in error.branches for e in b} \
            == _USEFUL_OR_MISSING:
        collector.add(path, t("schema.any_of_useful_missing"), "schema.required", collector.parsed.inside(path))
    else:
        collector.add(path, t("schema.other", message=error.message), f"schema.{keyword}")


def _yaml_findings(collector: _Collector) -> bool:
    """Add the reader's problems; True when there is a document to go on with."""
    for problem in collector.parsed.problems:
        collector.add(problem.path, problem.message, "yaml", problem.position)
    value = collector.parsed.value
    if value is None:
        if not collector.parsed.problems:
            collector.add((), t("yaml.empty"), "yaml")
        return False
    if not isinstance(value, dict):
        collector.add((), t("yaml.not_mapping", found=_type_name(value)), "yaml")
        return False
    return True


def validate_handoff(file: str, stem: str | None, parsed: ParsedYaml, kinds: Kinds) -> tuple[list[Finding], Kind | None]:
    """Findings for one handoff document, and its kind when known."""
    collector = _Collector(file, parsed)
    if not _yaml_findings(collector):
        return collector.findings, None
    document = parsed.value
    kind_name = document.get("kind")
    kind = kinds.get(kind_name) if kind_name in kinds else None
    if kind is None:
        if isinstance(kind_name, str) and kind_name:
            collector.add(("kind",), t("rule.unknown_kind", kind=kind_name, known=", ".join(kinds.names)),
                          "rule.unknown_kind")
        collector.shape = schema_shape(builtin_schema("envelope"))
        _schema_findings(collector, kinds.envelope_validator, document)
        _unknown_key_findings(collector, document, collector.shape, ())
        _single_line_findings(collector, document, kinds.envelope_single_line_paths)
    else:
        collector.shape = schema_shape(kind.schema)
        _schema_findings(collector, kind.validator, document)
        _unknown_key_findings(collector, document, collector.shape, ())
        _single_line_findings(collector, document, kind.single_line_paths)
        _placeholder_findings(collector, document, kind)
    handoff_id = document.get("id")
    if isinstance(handoff_id, str) and not any(f.field == "id" for f in collector.findings):
        if not is_valid_id(handoff_id):
            collector.add(("id",), t("rule.id_form", id=handoff_id), "rule.id_form")
        elif stem is not None and handoff_id != stem:
            collector.add(("id",), t("rule.id_mismatch", id=handoff_id, stem=stem), "rule.id_mismatch")
    return collector.findings, kind


# What makes a name or a title read otherwise than it is: line breaks (a new line in a CI
# log can be a command), direction overrides and isolates, invisible joiners and marks.
_NOT_ONE_LINE = re.compile("[\r\n\u0085\u2028\u2029]")
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _values_at(node: Any, path: tuple, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    """(concrete path, value) for `path`, where `"*"` stands for every item of a list."""
    if not path:
        return [(prefix, node)]
    head, rest = path[0], path[1:]
    if head == "*":
        return [found for i, item in enumerate(node) for found in _values_at(item, rest, prefix + (i,))] \
            if isinstance(node, list) else []
    return _values_at(node[head], rest, prefix + (head,)) if isinstance(node, dict) and head in node else []


_SUSPECT = re.compile(_NOT_ONE_LINE.pattern[:-1] + _INVISIBLE.pattern[1:])  # either kind, in one pass


def _single_line_findings(collector: _Collector, document: dict, paths: tuple) -> None:
    for pattern in paths:
        if "*" in pattern:
            found = _values_at(document, pattern)
        else:  # most paths are fixed (title, from.name …): no generic walk for them
            value: Any = document
            for part in pattern:
                value = value.get(part) if isinstance(value, dict) else None
            found = [(pattern, value)]
        for path, value in found:
            if not isinstance(value, str) or not _SUSPECT.search(value):
                continue
            if _NOT_ONE_LINE.search(value):
                collector.add(path, t("rule.single_line"), "rule.single_line")
            invisible = _INVISIBLE.search(value)
            if invisible:
                collector.add(path, t("rule.invisible_char", code=ord(invisible.group())), "rule.invisible_char")


def _placeholder_findings(collector: _Collector, document: dict, kind: Kind) -> None:
    context = document.get("context")
    paths = list(ENVELOPE_FREE_TEXT)
    if isinstance(context, dict):
        paths += [("context", f.name) for f in kind.required_fields if f.is_free_text]
    for path in paths:
        value: Any = document
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and is_placeholder(value, kind):
            already = any(f.field == dotted(path) for f in collector.findings)
            if not already:
                collector.add(path, t("rule.placeholder", value=value.strip()), "rule.placeholder")


def validate_feedback(file: str, stem: str | None, parsed: ParsedYaml, kinds: Kinds,
                      handoff_kind: Kind | None, handoff_exists: bool) -> list[Finding]:
    """Findings for one feedback file; `handoff_kind` is the kind of the handoff it answers."""
    collector = _Collector(file, parsed)
    if not _yaml_findings(collector):
        return collector.findings
    document = parsed.value
    collector.shape = schema_shape(builtin_schema("feedback"))
    _schema_findings(collector, kinds.feedback_validator, document)
    _unknown_key_findings(collector, document, collector.shape, ())
    _single_line_findings(collector, document, kinds.feedback_single_line_paths)
    handoff_id = document.get("handoff")
    if isinstance(handoff_id, str) and is_valid_id(handoff_id):
        if stem is not None and handoff_id != stem:
            collector.add(("handoff",), t("rule.feedback_mismatch", id=handoff_id, stem=stem), "rule.id_mismatch")
        elif not handoff_exists:
            collector.add(("handoff",), t("rule.orphan_feedback", id=handoff_id), "rule.orphan_feedback")
    entries = document.get("entries")
    if handoff_kind is None or not isinstance(entries, list):
        return collector.findings
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            _entry_rules(collector, ("entries", index), entry, handoff_kind)
    return collector.findings


def _entry_rules(collector: _Collector, path: tuple, entry: dict, kind: Kind) -> None:
    if entry.get("phase", "outcome") == "outcome":
        outcome = entry.get("outcome")
        if isinstance(outcome, str) and kind.outcomes and outcome not in kind.outcomes:
            collector.add(path + ("outcome",), t("rule.outcome_for_kind", value=outcome, kind=kind.name,
                                                  allowed=", ".join(kind.outcomes)), "rule.outcome_for_kind")
        if outcome in kind.loss_outcomes and not entry.get("reason"):
            collector.add(path + ("reason",), t("rule.loss_reason", value=outcome), "rule.loss_reason",
                          collector.parsed.position(path + ("outcome",)))
    for key in ("missing_fields", "wrong_fields"):
        named = entry.get(key)
        if not isinstance(named, list):
            continue
        for index, name in enumerate(named):
            if isinstance(name, str) and name not in kind.field_names:
                collector.add(path + (key, index), t("rule.unknown_field", value=name, kind=kind.name,
                                                     allowed=", ".join(kind.field_names)), "rule.unknown_field")
    _entry_placeholder_findings(collector, path, entry, kind)


# The words an entry must carry where it has them: the receiver's restatement, a condition, a
# rejection's note, a loss's reason. `useful` / `missing` need one with content between them.
_ENTRY_WORDS = ("synthesis", "condition", "rejection_note", "reason")


def _entry_placeholder_findings(collector: _Collector, path: tuple, entry: dict, kind: Kind) -> None:
    def said(key: str) -> bool:
        value = entry.get(key)
        return isinstance(value, str) and bool(value.strip())

    def placeholder(key: str) -> None:
        collector.add(path + (key,), t("rule.placeholder_words", value=entry[key].strip()), "rule.placeholder")

    for key in _ENTRY_WORDS:
        if said(key) and is_placeholder(entry[key], kind):
            placeholder(key)
    if entry.get("phase", "outcome") == "outcome":
        notes = [key for key in ("useful", "missing") if said(key)]
        if notes and all(is_placeholder(entry[key], kind) for key in notes):
            for key in notes:
                placeholder(key)


def duplicate_id_finding(file: str, parsed: ParsedYaml, handoff_id: str, first: str) -> Finding:
    """The finding for a second document that uses an id `first` already has."""
    where = parsed.position(("id",))
    return Finding(file, where.line, where.column, "id", t("rule.duplicate_id", id=handoff_id, other=first),
                   "rule.duplicate_id")


# ---------------------------------------------------------------- unknown fields (FORMAT.md section 6)

EXTENSION_PREFIX = "x-"  # a key of one's own: always allowed, anywhere
_OPEN = ("additionalProperties", "patternProperties", "unevaluatedProperties")  # the schema decides itself
_BRANCHES = ("anyOf", "oneOf")
_CONDITIONAL = ("if", "then", "else")


def _resolve(ref: str, root: dict) -> tuple[dict, dict] | None:
    """The subschema `ref` names, with the document it lives in: a built-in document by its
    `$id`, or a JSON pointer (`#/$defs/…`) inside the same document."""
    from handoff_cli.rules.kinds import builtin_documents

    uri, _, pointer = ref.partition("#")
    if uri:
        root = builtin_documents().get(uri)
        if root is None:
            return None
    node: Any = root
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return (node, root) if isinstance(node, dict) else None


def _expanded(schemas: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """The schemas and everything they are made of: `allOf` branches and `$ref`s, followed."""
    seen: dict[int, tuple[dict, dict]] = {}
    todo = list(schemas)
    while todo and len(seen) < 256:
        node, root = todo.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen[id(node)] = (node, root)
        todo += [(branch, root) for branch in node.get("allOf") or [] if isinstance(branch, dict)]
        if isinstance(node.get("$ref"), str):
            target = _resolve(node["$ref"], root)
            if target:
                todo.append(target)
    return list(seen.values())


class _Shape:
    """What the schema says about the keys at one place in a document: the fields it knows,
    and whether it decides itself about others (`additionalProperties` and the like)."""

    def __init__(self, schemas: list[tuple[dict, dict]]):
        self._schemas = _expanded(schemas)
        known: dict[str, None] = {}
        self.open = False
        for node, root in reversed(self._schemas):  # what a schema is built on first: the envelope's order
            self.open = self.open or any(keyword in node for keyword in _OPEN)
            known.update(dict.fromkeys(node.get("properties") or {}))
            inner = [b for keyword in _BRANCHES for b in node.get(keyword) or [] if isinstance(b, dict)]
            inner += [node[keyword] for keyword in _CONDITIONAL if isinstance(node.get(keyword), dict)]
            for branch, _ in _expanded([(b, root) for b in inner]):
                known.update(dict.fromkeys(branch.get("properties") or {}))
        self.known = tuple(str(name) for name in known)  # in the schema's order, for messages
        self.known_set = frozenset(self.known)  # for lookups: this runs on every key of every file
        self._children: dict[Any, _Shape | None] = {}

    def child(self, key: Any) -> _Shape | None:
        """The shape of the value at `key` (a field name, or an int for any item of a list)."""
        if key not in self._children:
            if isinstance(key, int):
                found = [(node["items"], root) for node, root in self._schemas if isinstance(node.get("items"), dict)]
            else:
                found = [(node["properties"][key], root) for node, root in self._schemas
                         if isinstance(node.get("properties"), dict) and isinstance(node["properties"].get(key), dict)]
            self._children[key] = _Shape(found) if found else None
        return self._children[key]

    @property
    def checks_keys(self) -> bool:
        """Unknown keys here are findings: the schema names its fields and leaves the rest to us."""
        return bool(self.known) and not self.open


_SHAPES: dict[int, tuple[dict, _Shape]] = {}


def schema_shape(schema: dict) -> _Shape:
    """The shape of documents of `schema` (built once per schema, then grown as it is walked)."""
    cached = _SHAPES.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _SHAPES[id(schema)] = (schema, _Shape([(schema, schema)]))
    return cached[1]


def nearest(name: str, candidates) -> str | None:
    """The candidate `name` was most likely meant to be (difflib), or None."""
    import difflib

    candidates = [str(c) for c in candidates]
    lowered = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def unknown_key_message(key: str, known) -> str:
    """A finding's words for the key `key` where only `known` are fields: the field that was
    probably meant, else the fields there are."""
    suggestion = nearest(key, known)
    if suggestion:
        return t("rule.unknown_key.suggest", key=key, suggestion=suggestion)
    if not known:
        return t("rule.unknown_key.closed", key=key)
    return t("rule.unknown_key", key=key, known=", ".join(known))


def _unknown_key_findings(collector: _Collector, value: Any, shape: _Shape | None, path: tuple) -> None:
    if shape is None:
        return
    if isinstance(value, dict):
        known = shape.known_set
        for key, inner in value.items():
            key = str(key)
            if key in known:
                if isinstance(inner, (dict, list)):  # a scalar has no keys: no call for it (most values)
                    _unknown_key_findings(collector, inner, shape.child(key), path + (key,))
            elif shape.checks_keys and not key.startswith(EXTENSION_PREFIX):
                collector.add(path + (key,), unknown_key_message(key, shape.known), "rule.unknown_key")
    elif isinstance(value, list):
        inner_shape = shape.child(0)
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _unknown_key_findings(collector, item, inner_shape, path + (index,))


def shape_at(shape: _Shape | None, path) -> _Shape | None:
    for part in path:
        if shape is None:
            return None
        shape = shape.child(0 if isinstance(part, int) else part)
    return shape


def unknown_path(schema: dict, parts: list[str]) -> tuple[int, str | None, tuple[str, ...]] | None:
    """For a field path typed by a person (`--set context.budjet=…`): None when the schema knows
    it (or leaves that place open, or it is an `x-` extension); else the index of the first
    part it does not know, the known dotted path most likely meant, and the fields there."""
    shape: _Shape | None = schema_shape(schema)
    for index, part in enumerate(parts):
        if shape is None or not shape.checks_keys or part.startswith(EXTENSION_PREFIX):
            return None
        if part not in shape.known:
            return index, _nearest_path(schema_shape(schema), parts), shape.known
        shape = shape.child(part)
    return None


def _nearest_path(shape: _Shape | None, parts: list[str]) -> str | None:
    """The known dotted path nearest to `parts`, part by part (`contxt.budget` → `context.budget`)."""
    found = []
    for part in parts:
        if shape is None or not shape.checks_keys:
            found.append(part)
            continue
        meant = part if part in shape.known else nearest(part, shape.known)
        if meant is None:
            return None
        found.append(meant)
        shape = shape.child(meant)
    return ".".join(found)


def _closed_object_findings(collector: _Collector, path: tuple, detail: dict) -> None:
    """A schema that closes an object (`additionalProperties: false`) decides which keys are
    unknown; the finding names the nearest known field, and `x-` extensions stay allowed."""
    value = _value_at(collector.parsed.value, path)
    shape = shape_at(collector.shape, path)
    known = shape.known if shape else ()
    unexpected = detail.get("unexpected") or [k for k in (value or {}) if k not in known]
    for key in unexpected:
        if isinstance(key, str) and not key.startswith(EXTENSION_PREFIX):
            collector.add(path + (key,), unknown_key_message(key, known), "schema.additionalProperties")
