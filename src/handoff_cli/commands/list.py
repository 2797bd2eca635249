"""`handoff list`: handoffs with their feedback state, filtered."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import KindFilter, format_choices, handled, load_context, open_cache, say

ListFormat = format_choices("list")

EPILOG = "Examples:\n\n  handoff list --pending\n\n  handoff list --kind order --to 田中 --format csv"


@handled
def list_cli(
    kind: KindFilter = None,
    sender: Annotated[Optional[str], typer.Option("--from", help="Sender name, email or team contains this.")] = None,
    receiver: Annotated[Optional[str], typer.Option("--to", help="Receiver name, email or team contains this.")] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Only handoffs still awaiting feedback.")] = False,
    output_format: Annotated[ListFormat, typer.Option("--format", help="table, json or csv.")] = ListFormat("table"),
) -> None:
    """List handoffs with their feedback state."""
    from handoff_cli.i18n import t
    from handoff_cli.output import renderer

    rows, files_with_findings = list_handoffs(kind=kind, sender=sender, receiver=receiver, pending=pending)
    renderer(output_format.value, "list", sys.stdout).list(rows)
    if files_with_findings:
        say(t("list.note_findings", count=files_with_findings))


def list_handoffs(*, kind=None, sender=None, receiver=None, pending=False, start=None):
    """The rows, and how many files were left out for their findings."""
    from handoff_cli.reporting.lists import list_rows
    from handoff_cli.store.loader import load_store

    config, kinds = load_context(start)
    if kind:
        kinds.get(kind)
    store = load_store(config, kinds, cache=open_cache(config, kinds))
    rows = list_rows(store.digests, store.feedback_digests, store.paths, kind=kind, sender=sender,
                     receiver=receiver, pending=pending)
    return rows, store.files_with_findings
