"""`handoff schema KIND`: a kind's JSON Schema, bundled so any validator or editor can use it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from handoff_cli.commands.options import handled, load_context

EPILOG = "Examples:\n\n  handoff schema lead > lead.schema.json\n\n  handoff schema feedback"


@handled
def schema_cli(
    kind: Annotated[str, typer.Argument(help="A kind, or 'feedback' / 'envelope'.")],
) -> None:
    """Print a kind's JSON Schema (for editors and other validators)."""
    sys.stdout.write(schema(kind))


def schema(kind: str, start=None) -> str:
    import json

    from handoff_cli.rules.kinds import builtin_schema, schema_text

    if kind in ("feedback", "envelope"):
        return json.dumps(builtin_schema(kind), ensure_ascii=False, indent=2) + "\n"
    _, kinds = load_context(start)
    return schema_text(kinds.get(kind))
