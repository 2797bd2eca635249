"""`handoff drafts`: the drafts `handoff new` kept when it stopped before writing, and
dropping one. A draft is continued with `handoff new --resume NAME`."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import complete_drafts, handled, load_context, say

EPILOG = ("Examples:\n\n"
          "  handoff drafts\n\n"
          "  handoff new --resume lead-20261120-140512-a1b2\n\n"
          "  handoff drafts --drop lead-20261120")


@handled
def drafts_cli(
    drop: Annotated[Optional[str], typer.Option(
        "--drop", metavar="DRAFT", help="Remove this draft (its name, or a unique part of it).",
        autocompletion=complete_drafts)] = None,
) -> None:
    """List the drafts kept when `handoff new` stopped before writing, or drop one."""
    from rich.table import Table

    from handoff_cli.i18n import t
    from handoff_cli.output.tables import add_row, console

    if drop is not None:
        say(t("drafts.dropped", name=drop_draft(drop).name))
        return
    kept = drafts()
    if not kept:
        say(t("drafts.empty"))
        return
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for column in ("name", "kind", "saved", "summary"):
        table.add_column(t(f"drafts.column.{column}"), overflow="fold", no_wrap=column != "summary")
    for draft in kept:
        add_row(table, draft.name, draft.kind or "?", draft.saved.strftime("%Y-%m-%d %H:%M"),
                draft.summary() if draft.values is not None else t("drafts.unreadable"))
    console(sys.stdout).print(table)
    say(t("drafts.how"))


def drafts(start=None):
    """The kept drafts of `handoff new` in the repository at `start`, the newest first."""
    from handoff_cli.interact.drafts import kept_drafts

    config, _ = load_context(start)
    return kept_drafts(config.root)


def drop_draft(name: str, start=None):
    """Remove the draft `name` names (its name or a unique part); returns it."""
    from handoff_cli.interact.drafts import drop

    config, _ = load_context(start)
    return drop(config.root, name)
