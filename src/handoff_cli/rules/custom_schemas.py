"""Custom kinds' schemas. They come from the repository, and so from pull requests: each is a
regular file inside the repository (no link, no `..`, at most 1 MiB of UTF-8), every `$ref`
and `$dynamicRef` points inside the schema itself or to a built-in document
(`urn:handoff:v1:*`), and it compiles in the linear-time regular-expression engine. Any
other schema is a configuration error when it is loaded, naming the file, the JSON pointer
and the fix; nothing is ever fetched."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

from handoff_cli.errors import ConfigError
from handoff_cli.i18n import t

MAX_SCHEMA_BYTES = 1024 * 1024
ENVELOPE_ID = "urn:handoff:v1:envelope"

SchemaSource = Callable[[str], bytes]  # a schema's path relative to the repository -> its bytes


def working_tree(root: Path) -> SchemaSource:
    """Schema files as they are in the working tree, read without following any link."""
    def read(relative: str) -> bytes:
        current = root
        for part in Path(relative).parts:
            current = current / part
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                raise ConfigError(t("kinds.schema_not_found", where=relative),
                                  hint=t("kinds.schema_not_found.hint")) from None
            if stat.S_ISLNK(mode):
                raise ConfigError(t("kinds.schema_link", where=relative, link=current.relative_to(root).as_posix()),
                                  hint=t("kinds.schema_file.hint"))
        try:
            fd = os.open(current, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as error:
            raise ConfigError(t("kinds.schema_unreadable", where=relative, problem=error.strerror)) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ConfigError(t("kinds.schema_not_regular", where=relative), hint=t("kinds.schema_file.hint"))
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return handle.read(MAX_SCHEMA_BYTES + 1)
        finally:
            os.close(fd)

    return read


def inside(root: Path, file: str) -> str | None:
    """`file` (from `.handoff.yaml`) as a path relative to `root`, or None when it is absolute
    or climbs out with `..`."""
    path = Path(file)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path.as_posix()


def load_custom_schema(kind_name: str, relative: str, source: SchemaSource, builtins: dict[str, dict]) -> dict:
    """The schema of custom kind `kind_name`, checked (see the module's docstring)."""
    where = f".handoff.yaml: kinds.{kind_name}: {relative}"
    data = source(relative)
    if len(data) > MAX_SCHEMA_BYTES:
        raise ConfigError(t("kinds.schema_too_large", where=where, limit=MAX_SCHEMA_BYTES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(t("kinds.schema_not_text", where=where), hint=t("kinds.schema_file.hint")) from None
    schema = _parse(text, relative)
    if not isinstance(schema, dict):
        raise ConfigError(t("kinds.not_object", where=where))
    _meta_validate(schema, where)
    _check_references(schema, where, builtins)
    _compile(schema, where, builtins)
    return schema


def _parse(text: str, relative: str):
    if relative.endswith((".yaml", ".yml")):
        from handoff_cli.documents import reading

        parsed = reading.parse_text(text)
        if parsed.problems:
            problem = parsed.problems[0]
            raise ConfigError(f"{relative}:{problem.position.line}:{problem.position.column}: {problem.message}")
        return parsed.value
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(t("kinds.not_json", where=f"{relative}:{error.lineno}:{error.colno}",
                            problem=error.msg)) from None
    except RecursionError:
        raise ConfigError(t("kinds.not_json", where=relative, problem="nesting too deep")) from None
    except ValueError as error:  # e.g. a number past Python's 4,300-digit limit
        raise ConfigError(t("kinds.not_json", where=relative, problem=str(error).split(";")[0])) from None


def _meta_validate(schema: dict, where: str) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        at = "/".join(str(p) for p in error.absolute_path) or t("kinds.schema_root")
        raise ConfigError(t("kinds.invalid_schema", where=where, at=at, problem=error.message),
                          hint=t("kinds.invalid_schema.hint")) from None
    except RecursionError:
        raise ConfigError(t("kinds.invalid_schema", where=where, at=t("kinds.schema_root"),
                            problem="nesting too deep"), hint=t("kinds.invalid_schema.hint")) from None


def _references(node, pointer: str = "") -> Iterator[tuple[str, str, object]]:
    """(JSON pointer, keyword, value) of every reference and nested `$id` in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key in ("$ref", "$dynamicRef") or (key == "$id" and pointer):
                yield here, key, value
            yield from _references(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, f"{pointer}/{index}")


def _anchors(node, keyword: str) -> set[str]:
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get(keyword), str):
            found.add(node[keyword])
        for value in node.values():
            found |= _anchors(value, keyword)
    elif isinstance(node, list):
        for value in node:
            found |= _anchors(value, keyword)
    return found


def _resolves(document, fragment: str, anchor_keyword: str) -> bool:
    """Whether `#fragment` names something in `document` (a JSON pointer or an anchor)."""
    fragment = unquote(fragment)
    if not fragment:
        return True
    if not fragment.startswith("/"):
        return fragment in _anchors(document, anchor_keyword) or fragment in _anchors(document, "$anchor")
    node = document
    for part in fragment[1:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _check_references(schema: dict, where: str, builtins: dict[str, dict]) -> None:
    for pointer, keyword, value in _references(schema):
        if keyword == "$id":
            raise ConfigError(t("kinds.nested_id", where=where, pointer=pointer),
                              hint=t("kinds.reference.hint", id=ENVELOPE_ID))
        target, _, fragment = value.partition("#") if isinstance(value, str) else ("?", "", "")
        anchor = "$dynamicAnchor" if keyword == "$dynamicRef" else "$anchor"
        if isinstance(value, str) and not target and _resolves(schema, fragment, anchor):
            continue
        if isinstance(value, str) and target in builtins and _resolves(builtins[target], fragment, anchor):
            continue
        message = "kinds.reference_unresolvable" if isinstance(value, str) and not target else "kinds.reference_refused"
        raise ConfigError(t(message, where=where, pointer=pointer, keyword=keyword, ref=value),
                          hint=t("kinds.reference.hint", id=ENVELOPE_ID))


def _compile(schema: dict, where: str, builtins: dict[str, dict]) -> None:
    """Compile now, so that a pattern the linear-time engine cannot run (look-around,
    back-references) is refused at load, not in the middle of a check."""
    from handoff_cli.rules.schema_check import SchemaValidator

    try:
        SchemaValidator(schema, builtins)
    except Exception as error:  # jsonschema-rs reports every compile problem as one error type
        problem = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(t("kinds.uncompilable", where=where, problem=problem),
                          hint=t("kinds.uncompilable.hint")) from None
