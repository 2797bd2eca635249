"""One validation semantics: the same validator gives the verdict and the errors.

jsonschema-rs (native, linear-time regular expressions, nothing ever fetched) answers both
"valid?" and "why not?"; its errors are turned into plain `SchemaError`s that
`rules.validate` words as findings. So a document's findings never depend on which
question was asked first, or on an unrelated field. python-jsonschema is the fallback
where no jsonschema-rs wheel exists (and meta-validates custom schemas); its errors become
the same `SchemaError`s.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from handoff_cli.rules.formats import is_date, is_date_time, is_email

FORMATS: dict[str, Callable[[object], bool]] = {"date": is_date, "date-time": is_date_time, "email": is_email}


@dataclass(frozen=True)
class SchemaError:
    """One schema error, whichever validator found it."""

    keyword: str  # the JSON Schema keyword that failed: required, type, enum, …
    path: tuple  # where in the instance
    instance: Any  # the value that failed
    detail: dict = field(default_factory=dict)  # property, types, options, expected, limit, format, pattern, unexpected
    message: str = ""  # the library's own words, for keywords we do not word ourselves
    branches: tuple = ()  # for anyOf / oneOf: the errors of each branch


class Refused(Exception):
    """A schema asked for a resource that is not a built-in document."""


def refuse(uri: str):
    """The retriever of both validators: nothing is ever fetched, from a network or a disk."""
    raise Refused(f"{uri} is not a built-in schema; nothing is fetched")


class SchemaValidator:
    """A compiled schema: `is_valid` and `errors` from one validator."""

    def __init__(self, schema: dict, builtins: dict[str, dict], *, native: bool = True):
        """`native=False` uses python-jsonschema alone (the fallback, tested as the reference)."""
        self._native = _native(schema, builtins) if native else None
        self._python = None if self._native is not None else _python(schema, builtins)

    @property
    def native(self) -> bool:
        return self._native is not None

    def is_valid(self, instance: Any) -> bool:
        if self._native is not None:
            return self._native.is_valid(instance)
        return self._python.is_valid(instance)

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        if self._native is not None:
            for error in self._native.iter_errors(instance):
                yield _from_native(error)
        else:
            for error in self._python.iter_errors(instance):
                yield _from_python(error)


def _native(schema: dict, builtins: dict[str, dict]):
    try:
        import jsonschema_rs
    except ImportError:
        return None
    registry = jsonschema_rs.Registry(list(builtins.items()), retriever=refuse)
    return jsonschema_rs.validator_for(schema, formats=FORMATS, validate_formats=True, registry=registry,
                                       retriever=refuse, pattern_options=jsonschema_rs.RegexOptions())


def _python(schema: dict, builtins: dict[str, dict]):
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    registry = Registry(retrieve=refuse).with_resources(
        (uri, Resource.from_contents(contents)) for uri, contents in builtins.items())
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(check)
    return Draft202012Validator(schema, registry=registry, format_checker=checker)


_NATIVE_DETAIL = {"multiple_of": "limit", "expected_value": "expected"}


def _from_native(error) -> SchemaError:
    kind = error.kind
    keyword = kind.name
    detail = dict(kind.as_dict())
    context = detail.pop("context", None) or ()
    for native, ours in _NATIVE_DETAIL.items():
        if native in detail:
            detail[ours] = detail.pop(native)
    branches = ()
    if context:
        branches = tuple(tuple(_from_native(inner) for inner in branch) for branch in context)
    return SchemaError(keyword, tuple(error.instance_path), error.instance, detail, error.message, branches)


def _from_python(error) -> SchemaError:
    keyword, value = error.validator, error.validator_value
    detail: dict = {}
    if keyword == "required":
        detail["property"] = ast.literal_eval(error.message.rsplit(" is a required property", 1)[0])
    elif keyword == "type":
        detail["types"] = [value] if isinstance(value, str) else list(value)
    elif keyword == "enum":
        detail["options"] = list(value)
    elif keyword == "const":
        detail["expected"] = value
    elif keyword in ("format", "pattern"):
        detail[keyword] = value
    elif keyword == "additionalProperties":
        detail["unexpected"] = sorted(set(error.instance) - set(error.schema.get("properties", {}))) \
            if isinstance(error.instance, dict) else []
    else:
        detail["limit"] = value
    branches = ()
    if keyword in ("anyOf", "oneOf"):
        grouped: dict[int, list] = {}
        for inner in error.context or ():
            grouped.setdefault(inner.schema_path[0], []).append(_from_python(inner))
        branches = tuple(tuple(group) for _, group in sorted(grouped.items()))
    return SchemaError(keyword, tuple(error.absolute_path), error.instance, detail, error.message, branches)
