"""Editor support: the JSON Schemas a YAML language server (yaml-language-server: VS Code's
YAML extension, Neovim, Helix, Emacs, Zed …) checks handoffs with while they are typed, and
the VS Code setting that maps the handoffs folder to them (docs/editors.md).

    .handoff/schemas/handoff.schema.json   picks the schema of the document's kind (if/then on `kind`)
    .handoff/schemas/kinds/<kind>.schema.json  one per kind, built-in and custom, bundled to stand alone
    .handoff/schemas/feedback.schema.json  feedback files
    .vscode/settings.json                  `yaml.schemas`: the handoffs folder -> those schemas

Every file is written only when its text changes, atomically, and never outside the
repository; a `.vscode/settings.json` that is not plain JSON is left alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from handoff_cli.documents.config import Config
from handoff_cli.documents.layout import DOCUMENT_SUFFIX, FEEDBACK_SUFFIX, contained, display_path
from handoff_cli.documents.writing import write_atomic
from handoff_cli.errors import EnvironmentProblem
from handoff_cli.i18n import t
from handoff_cli.rules.kinds import Kinds, builtin_schema, schema_text

SCHEMAS_DIR = ".handoff/schemas"
DISPATCH = "handoff.schema.json"
FEEDBACK = "feedback.schema.json"
KINDS_DIR = "kinds"
SETTINGS = ".vscode/settings.json"
SCHEMA_SUFFIX = ".schema.json"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

# what happened to a file
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
NOT_JSON, NOT_MAPPING, NOT_A_FILE = "not_json", "not_mapping", "not_a_file"  # settings left alone


@dataclass
class EditorConfig:
    """What `write_editor_config` did: to the schemas folder and to the VS Code settings."""

    schemas: str
    settings: str
    mapping: dict[str, list[str]]  # the `yaml.schemas` entries, for a person to add by hand


def kind_file(name: str) -> str:
    """The file of kind `name` under kinds/: its name when that is a plain file name, else a
    digest of it (a kind's name comes from `.handoff.yaml` and may hold any character)."""
    stem = name if _PLAIN_NAME.fullmatch(name) else "kind-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{KINDS_DIR}/{stem}{SCHEMA_SUFFIX}"


def dispatch_schema(kinds: Kinds) -> dict:
    """One schema for every handoff document: the schema of its `kind` (if/then on `kind`).

    A document shaped like feedback (`handoff` and `entries`, no `kind`) gets the feedback
    schema: an editor that matches `*.yaml` but ignores the `!` exclusion of feedback files
    (yaml-language-server before negated patterns) still checks them right.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Written by handoff; run `handoff schema --write-editor-config` again after changing kinds "
                    "or upgrading handoff.",
        "title": "A handoff, checked against the schema of its kind",
        "x-handoff-title-ja": "引き継ぎ（種別ごとのスキーマで検査）",
        "type": "object",
        "if": {"required": ["handoff", "entries"], "not": {"required": ["kind"]}},
        "then": {"$ref": FEEDBACK},
        "else": {
            "required": ["kind"],
            "properties": {"kind": {"enum": list(kinds.names)}},
            "allOf": [{"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]},
                       "then": {"$ref": kind_file(name)}} for name in kinds.names],
        },
    }


def schema_files(kinds: Kinds) -> dict[str, str]:
    """Every schema file's text by its path under `.handoff/schemas/`."""
    files = {kind_file(name): schema_text(kinds.get(name)) for name in kinds.names}
    files[FEEDBACK] = _json(builtin_schema("feedback"), indent=2)
    files[DISPATCH] = _json(dispatch_schema(kinds), indent=2)
    return files


def yaml_schemas(config: Config) -> dict[str, list[str]]:
    """`yaml.schemas` (paths relative to the workspace, the repository's root): documents to
    the dispatch schema, feedback files to the feedback schema, and never both."""
    folder = config.dir
    return {
        f"{SCHEMAS_DIR}/{DISPATCH}": [f"{folder}/**/*{DOCUMENT_SUFFIX}", f"!{folder}/**/*{FEEDBACK_SUFFIX}"],
        f"{SCHEMAS_DIR}/{FEEDBACK}": [f"{folder}/**/*{FEEDBACK_SUFFIX}"],
    }


def write_editor_config(config: Config, kinds: Kinds) -> EditorConfig:
    """Write the schemas and merge `yaml.schemas` into `.vscode/settings.json`."""
    return EditorConfig(_write_schemas(config, kinds), _merge_settings(config), yaml_schemas(config))


def _write_schemas(config: Config, kinds: Kinds) -> str:
    folder = config.root / SCHEMAS_DIR
    existed = folder.is_dir()
    wanted = schema_files(kinds)  # every kind loads first: a broken custom schema writes nothing
    changed = False
    for relative, text in wanted.items():
        changed |= _write_if_changed(config.root, folder / relative, text)
    kinds_folder = folder / KINDS_DIR
    for old in sorted(kinds_folder.glob("*" + SCHEMA_SUFFIX)):  # a kind no longer configured
        if f"{KINDS_DIR}/{old.name}" not in wanted and (old.is_file() or old.is_symlink()):
            try:
                old.unlink()
            except OSError:
                continue  # left behind: no editor uses it, the dispatch schema no longer names it
            changed = True
    if not existed:
        return CREATED
    return UPDATED if changed else UNCHANGED


def _merge_settings(config: Config) -> str:
    path = config.root / SETTINGS
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return NOT_A_FILE
    mapping = yaml_schemas(config)
    if not path.exists():
        _write_if_changed(config.root, path, _json({"yaml.schemas": mapping}, indent=4))
        return CREATED
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):  # VS Code allows comments and trailing commas: not ours to rewrite
        return NOT_JSON
    if not isinstance(settings, dict):
        return NOT_JSON
    current = settings.get("yaml.schemas", {})
    if not isinstance(current, dict):
        return NOT_MAPPING
    merged = {**current, **mapping}
    if merged == current:
        return UNCHANGED
    settings["yaml.schemas"] = merged
    _write_if_changed(config.root, path, _json(settings, indent=4))
    return UPDATED


def _write_if_changed(root: Path, path: Path, text: str) -> bool:
    contained(root, path)
    try:
        if not path.is_symlink() and path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    try:
        if path.is_symlink():
            path.unlink()  # replaced by a file, never written through
        write_atomic(path, text)
    except OSError as error:
        raise EnvironmentProblem(t("editors.failed", path=display_path(path), problem=error.strerror or error),
                                 hint=t("writing.failed.hint")) from None
    return True


def _json(value, *, indent: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent) + "\n"
