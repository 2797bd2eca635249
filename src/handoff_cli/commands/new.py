"""`handoff new KIND`: write a handoff from prompts, flags, a file or the editor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import Yes, complete_kinds, handled, load_context, say, shown

EPILOG = ("Examples:\n\n"
          "  handoff new lead\n\n"
          "  handoff new order --yes --from-file order.yaml --set to.name='田中 一郎'\n\n"
          "  handoff new service --edit\n\n"
          "  handoff new lead --resume          (continue the newest lead draft; `handoff drafts` lists them)")


@handled
def new_cli(
    kind: Annotated[Optional[str], typer.Argument(
        metavar="KIND", help="lead, order, service or a custom kind; with --resume, a draft's name.",
        autocompletion=complete_kinds)] = None,
    set_values: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", metavar="FIELD=VALUE",
        help="A field value; dotted for groups (context.budget=…, to.email=…); FIELD[]=… appends to a list.")] = None,
    from_file: Annotated[Optional[Path], typer.Option(
        "--from-file", "-f", metavar="FILE", help="Take values from a YAML file.")] = None,
    yes: Yes = False,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Open $EDITOR on a commented draft.")] = False,
    prompt: Annotated[Optional[bool], typer.Option(
        "--prompt/--no-prompt", help="Force prompting on or off (default: prompt on a terminal).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue a kept draft: the newest of KIND, or the one KIND names.")] = False,
) -> None:
    """Write a new handoff: prompts for what its kind requires, or takes flags."""
    from handoff_cli.errors import InvalidDocument
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.store.writing import create_handoff

    config, kinds = load_context()
    draft, resumed = _draft(config, kinds, kind, resume=resume, from_file=from_file, set_values=set_values or [])
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes and not edit)
    edited = None
    if edit:
        draft, edited = _edit(draft, config, resumed)
    elif interactive:
        _prompt(draft, config, kinds, resumed)
    else:
        _check_given(draft)
    try:
        handoff_id, path = create_handoff(draft.kind, draft.values, config.root, config.handoffs_dir, kinds)
    except InvalidDocument as error:
        raise _not_written(error, draft, config, resumed=resumed, edited=edited, keep=interactive) from None
    written_from = [resumed.path if resumed else None, edited]  # drafts: done once the handoff is written
    if from_file and drafts.is_kept(config.root, from_file):
        written_from.append(from_file)
    for done in filter(None, written_from):
        done.unlink(missing_ok=True)
    sys.stdout.write(handoff_id + "\n")
    say(t("new.written", path=shown(path)))


def _draft(config, kinds, kind: str | None, *, resume: bool, from_file: Path | None, set_values: list[str]):
    """The values given so far (a kept draft, a file, `--set`, the sender from git's identity)
    for the kind, each with where it came from, and the draft resumed, if any."""
    from handoff_cli.errors import UserError
    from handoff_cli.git import Git
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import Draft, Origins, assign, merge, read_values

    values: dict = {}
    origins = Origins()
    resumed = None
    if resume:
        if kind is None or kind in kinds:
            resumed = drafts.newest_draft(config.root, kind)
        else:  # `handoff new --resume NAME`: a draft's name, or a unique part of it
            resumed = drafts.find_draft(config.root, kind)
            kind = None
        values, parsed = read_values(resumed.path)
        origins.from_file(values, resumed.path, parsed)
        drafted = values.get("kind")
        if kind and drafted and drafted != kind:
            raise UserError(t("drafts.other_kind", name=resumed.name, drafted=drafted, kind=kind))
        kind = kind or drafted
        say(t("new.resuming", name=resumed.name, path=shown(resumed.path)))
    if not kind:
        raise UserError(t("new.which_kind"), hint=t("kinds.known", kinds=", ".join(kinds.names)))
    kind_spec = kinds.get(kind)
    if from_file:
        given, parsed = read_values(from_file)
        values = merge(values, given)
        origins.from_file(given, from_file, parsed)
    for assignment in set_values:
        assign(values, assignment, kind_spec)
        key = assignment.split("=", 1)[0].strip()
        origins.given(tuple(key.removesuffix("[]").split(".")), f"--set {key}")
    values.pop("kind", None)
    if not (values.get("from") or {}).get("name"):
        name, email = Git(config.root).identity()
        found = {k: v for k, v in (("name", name), ("email", email)) if v}
        values["from"] = merge(found, values.get("from") or {})
        for key in found:
            if (values.get("from") or {}).get(key) == found[key]:
                origins.given(("from", key), f"git config user.{key}")
    return Draft(kind_spec, values, origins), resumed


def _check_given(draft) -> None:
    """Without prompts every required value must be given: the sender from git (said how to
    set it when git does not know), the rest from flags or files."""
    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t
    from handoff_cli.interact.draft import missing_required

    if not (draft.values.get("from") or {}).get("name"):
        raise UserError(t("new.no_identity"), hint=t("new.no_identity.hint"))
    missing = missing_required(draft)
    if missing:
        raise UserError(t("error.no_terminal", fields=", ".join(missing)))


def _prompt(draft, config, kinds, resumed) -> None:
    """Ask for what is missing, and again for every value that has a finding (a resumed
    draft's `TBD`); on Ctrl-C or end of input keep the draft and exit 130."""
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import clear_for_asking, draft_findings
    from handoff_cli.interact.prompts import ENVELOPE_PROMPTS, Prompter
    from handoff_cli.output.tables import console

    if resumed is not None:
        askable = {dotted for dotted, _ in ENVELOPE_PROMPTS} | {
            f"context.{f.name}" for f in draft.kind.fields if f.type != "object"}
        for finding in clear_for_asking(draft, draft_findings(draft, kinds), askable, resumed.path):
            say(t("new.asked_again", field=finding.field, message=finding.message))
    try:
        Prompter(console(sys.stderr)).fill(draft)
    except (KeyboardInterrupt, EOFError):
        path = drafts.keep(config.root, draft, resumed)
        sys.stderr.write("\n")
        say(_kept_note(draft, path))
        raise typer.Exit(130) from None


def _kept_note(draft, path: Path, *, edited: bool = False) -> str:
    from handoff_cli.i18n import t

    return t("new.edit_kept" if edited else "new.draft_kept", path=shown(path), name=path.stem,
             kind=draft.kind.name)


def _edit(draft, config, resumed):
    """Open the editor on the commented draft (the resumed draft's own file, else a new one);
    the edited values, each at its line of the draft, and the draft's path, which stays until
    the handoff is written."""
    from handoff_cli.documents import layout, writing
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import Draft, Origins, read_values, without_empty
    from handoff_cli.interact.editor import edit, template

    text = template(draft)
    if resumed is not None:
        path = resumed.path
        writing.write_atomic(layout.contained(config.root, path), text)
    else:
        path = drafts.create_draft(config.root, draft.kind.name, text)
    edit(path)
    values, parsed = read_values(path)
    values.pop("kind", None)
    origins = Origins()
    origins.from_file(values, path, parsed)
    kept = without_empty(values)
    for group in ("from", "to", "customer", "context"):  # left empty: its required fields are said at their lines
        if isinstance(values.get(group), dict) and group not in kept:
            kept[group] = {}
    return Draft(draft.kind, kept, origins), path


def _not_written(error, draft, config, *, resumed, edited, keep: bool):
    """The findings where the person gave each value (their file's line, the flag, the
    prompt), that nothing was written, and where their typing is kept."""
    from handoff_cli.errors import InvalidDocument
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts

    findings = sorted((draft.origins.relocate(f) for f in error.findings),
                      key=lambda f: (f.line > 0, f.file if f.line else "", f.line, f.column))  # a file's, in its order
    note = None
    if edited:
        note = _kept_note(draft, edited, edited=True)
    elif keep:  # what a person typed is never lost
        note = _kept_note(draft, drafts.keep(config.root, draft, resumed))
    elif resumed:
        note = t("new.draft_unchanged", name=resumed.name)
    count = len(findings)
    return InvalidDocument(t("new.invalid.one") if count == 1 else t("new.invalid", count=count), findings, note)
