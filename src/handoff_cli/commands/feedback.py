"""`handoff feedback ID`: the receiver returns the baton (a receipt, later the outcome)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import IdArgument, Yes, handled, load_context, open_cache, say, shown

EPILOG = ("Examples:\n\n"
          "  handoff feedback k3m9qa                      (prompts: receipt first, then the outcome)\n\n"
          "  handoff feedback k3m9qa --receipt --decision accepted --synthesis '決裁は工場長、監査が期限'\n\n"
          "  handoff feedback k3m9qa --decision rejected --rejection-reason clerical "
          "--rejection-note '決裁者が空欄' --wrong-field decision_maker\n\n"
          "  handoff feedback k3m9qa --outcome progressing --rating 4 --useful '課題感が的確' "
          "--missing-field decision_maker")


@handled
def feedback_cli(
    handoff_id: IdArgument,
    receipt: Annotated[bool, typer.Option("--receipt", help="Record the receipt (accepted? what you understood).")] = False,
    decision: Annotated[Optional[str], typer.Option(help="Receipt: accepted, conditional or rejected.")] = None,
    synthesis: Annotated[Optional[str], typer.Option(help="Receipt: what you understood, in your own words.")] = None,
    condition: Annotated[Optional[str], typer.Option(
        help="Receipt, conditional: what must happen or change for you to take it on fully.")] = None,
    rejection_reason: Annotated[Optional[str], typer.Option(
        help="Receipt: procedural, clerical or definitional.")] = None,
    rejection_note: Annotated[Optional[str], typer.Option(
        help="Receipt, rejected: in words, what is wrong and what would make it acceptable.")] = None,
    outcome: Annotated[Optional[str], typer.Option(help="Outcome, one of the kind's outcomes.")] = None,
    rating: Annotated[Optional[int], typer.Option(help="1-5: how well the handoff prepared you.")] = None,
    useful: Annotated[Optional[str], typer.Option(help="What helped.")] = None,
    missing: Annotated[Optional[str], typer.Option(help="What was missing.")] = None,
    missing_field: Annotated[Optional[list[str]], typer.Option(help="A context field that was missing (repeatable).")] = None,
    wrong_field: Annotated[Optional[list[str]], typer.Option(
        help="A context field that was (or, rejecting, is) wrong (repeatable).")] = None,
    reason: Annotated[Optional[str], typer.Option(help="Why, when the outcome is a loss.")] = None,
    request: Annotated[Optional[str], typer.Option(help="What to do differently next time.")] = None,
    at: Annotated[Optional[str], typer.Option(
        help="When it happened, e.g. '2026-11-20 17:10' (the repository's time zone unless given; default now).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Record feedback although you are not the receiver.")] = False,
    yes: Yes = False,
    prompt: Annotated[Optional[bool], typer.Option("--prompt/--no-prompt", help="Force prompting on or off.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue answers kept when prompts were interrupted.")] = False,
) -> None:
    """Return the baton: record your receipt or the outcome of a handoff."""
    from handoff_cli.documents.feedback_file import make_entry
    from handoff_cli.errors import InvalidDocument, UserError
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.prompts import phase_choices
    from handoff_cli.rules.formats import read_datetime, zone
    from handoff_cli.rules.returning import feedback_phase, missing_flags
    from handoff_cli.store.writing import append_feedback, now_iso, open_returning

    config, kinds = load_context()
    target = open_returning(config, kinds, handoff_id, force=force, cache=open_cache(config, kinds))
    resolved = target.handoff.id
    values = {"decision": decision, "synthesis": synthesis, "condition": condition,
              "rejection_reason": rejection_reason, "rejection_note": rejection_note,
              "outcome": outcome, "rating": rating, "useful": useful, "missing": missing,
              "missing_fields": list(missing_field or []), "wrong_fields": list(wrong_field or []),
              "reason": reason, "request": request}
    if resume:
        receipt = drafts.resume_feedback(config.root, resolved, values) == "receipt" or receipt
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes)
    asker = _asker(config) if interactive else None

    def keep(phase: str) -> str:
        return t("feedback.kept", path=shown(drafts.keep_feedback(config.root, resolved, phase, values)), id=resolved)

    phase = feedback_phase(receipt, values, target.existing.has_receipt)
    if phase is None:
        if asker is None:
            raise UserError(t("feedback.no_receipt", id=resolved))
        phase = asker.ask(t("prompt.feedback.phase"), required=True, choices=phase_choices(), default="receipt")
    if asker:
        try:
            _ask(asker, phase, values, target)
        except (KeyboardInterrupt, EOFError):
            sys.stderr.write("\n")
            say(t("feedback.interrupted", kept=keep(phase)))
            raise typer.Exit(130) from None
    elif needed := missing_flags(phase, values, target.kind):
        raise UserError(t("feedback.missing", phase=t(f"phase.{phase}"), flags=", ".join(needed)),
                        hint=t("feedback.missing.hint"))
    if at:  # as people type it (2026-11-20 17:10), in the repository's time zone unless given
        at = read_datetime(at, zone(config.timezone)) or at
    entry = make_entry(phase, at or now_iso(), target.by, values)
    try:
        path = append_feedback(config.root, config.handoffs_dir, target.handoff, target.kind, kinds, entry)
    except InvalidDocument as error:
        if asker:  # what a person typed is never lost
            error.note = keep(phase)
        raise
    drafts.feedback_draft(config.root, resolved).unlink(missing_ok=True)
    say(t("feedback.recorded", phase=t(f"phase.{phase}"), id=resolved, path=shown(path)))


def _asker(config):
    from handoff_cli.interact.prompts import FeedbackPrompter
    from handoff_cli.output.tables import console

    return FeedbackPrompter(console(sys.stderr), timezone=config.timezone)


def _ask(asker, phase: str, values: dict, target) -> None:
    """A receipt shows the handoff first, then asks; an outcome asks straight away."""
    kind = target.kind
    if phase == "receipt":
        from handoff_cli.output.tables import show_renderables
        from handoff_cli.reporting.lists import handoff_view

        for renderable in show_renderables(handoff_view(target.handoff, None, kind)):
            asker.console.print(renderable)
        asker.receipt(values, kind)
    else:
        asker.outcome(values, kind)
