"""`handoff schema KIND`: a kind's JSON Schema, bundled so any validator or editor can use it;
`handoff schema --write-editor-config`: the schemas and settings YAML editors use
(store/editors.py, docs/editors.md)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import handled, load_context, say

EPILOG = ("Examples:\n\n  handoff schema lead > lead.schema.json\n\n  handoff schema feedback\n\n"
          "  handoff schema --write-editor-config")


@handled
def schema_cli(
    kind: Annotated[Optional[str], typer.Argument(help="A kind, or 'feedback' / 'envelope'.")] = None,
    write_editor_config: Annotated[bool, typer.Option(
        "--write-editor-config",
        help="Instead, write .handoff/schemas/ and .vscode/settings.json (yaml.schemas) so YAML editors "
             "check handoffs as they are typed.")] = False,
) -> None:
    """Print a kind's JSON Schema (for editors and other validators), or set up editors."""
    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t

    if write_editor_config:
        if kind is not None:
            raise UserError(t("schema.kind_and_editor"))
        for line in editor_config()[0]:
            say(line)
        return
    if kind is None:
        raise UserError(t("schema.kind_missing"), hint=t("schema.kind_missing.hint"))
    sys.stdout.write(schema(kind))


def schema(kind: str, start=None) -> str:
    import json

    from handoff_cli.rules.kinds import builtin_schema, schema_text

    if kind in ("feedback", "envelope"):
        return json.dumps(builtin_schema(kind), ensure_ascii=False, indent=2) + "\n"
    _, kinds = load_context(start)
    return schema_text(kinds.get(kind))


def editor_config(start=None) -> tuple[list[str], bool]:
    """Write the repository's editor configuration: one line per place, what was done there,
    and whether anything was written."""
    import json

    from handoff_cli.i18n import t
    from handoff_cli.store import editors

    config, kinds = load_context(start)
    done = editors.write_editor_config(config, kinds)
    entry = json.dumps({"yaml.schemas": done.mapping}, ensure_ascii=False)[1:-1]
    lines = [t(f"editors.schemas.{done.schemas}", path=editors.SCHEMAS_DIR + "/", kinds=", ".join(kinds.names)),
             t(f"editors.settings.{done.settings}", path=editors.SETTINGS, dir=config.dir + "/", entry=entry)]
    changed = done.schemas != editors.UNCHANGED or done.settings in (editors.CREATED, editors.UPDATED)
    return lines, changed
