"""`handoff show ID`: one handoff, readable, with its feedback and why it scores as it does."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from handoff_cli.commands.options import IdArgument, format_choices, handled, load_context, now, open_cache, survey

ShowFormat = format_choices("show")

EPILOG = "Examples:\n\n  handoff show 20261120-k3m9qa\n\n  handoff show k3m9\n\n  handoff show 2026112 --format json"


@handled
def show_cli(
    handoff_id: IdArgument,
    output_format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat("text"),
) -> None:
    """Show one handoff, readable, with its feedback entries."""
    from handoff_cli.output import renderer

    renderer(output_format.value, "show", sys.stdout).show(show(handoff_id))


def show(handoff_id: str, start=None):
    """The view of the handoff `handoff_id` names (any unique part of its id)."""
    from handoff_cli.documents import ids, layout
    from handoff_cli.errors import InvalidDocument
    from handoff_cli.i18n import t
    from handoff_cli.reporting.lists import handoff_view
    from handoff_cli.store.loader import MODELS, load_store

    config, kinds = load_context(start)
    resolved = ids.resolve(handoff_id, layout.known_ids(config.handoffs_dir))
    document = layout.document_path(config.handoffs_dir, resolved)
    feedback_file = layout.feedback_path(config.handoffs_dir, resolved)
    store = load_store(config, kinds, [document, *([feedback_file] if feedback_file.exists() else [])],
                       cache=open_cache(config, kinds), want=MODELS)
    if resolved not in store.handoffs:
        mine = [f for f in store.findings if f.file == layout.display_path(document)]
        raise InvalidDocument(t("error.has_findings", id=resolved), mine)
    handoff = store.handoffs[resolved]
    return handoff_view(handoff, store.feedback.get(resolved), kinds.get(handoff.kind),
                        _score_record(config, kinds, resolved))


def _score_record(config, kinds, handoff_id: str) -> dict | None:
    """The handoff's scores, which need everyone's (a receiver's leniency is relative);
    None if the report does not count it (its file changed between the two reads)."""
    assessments = survey(config, kinds, now()).assessments
    found = next((a for a in assessments if a.id == handoff_id), None)
    return found.score_record() if found else None
