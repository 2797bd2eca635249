"""`handoff new KIND`: write a handoff from prompts, flags, a file or the editor."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.commands.options import Yes, handled, load_context, say, shown

EPILOG = ("Examples:\n\n"
          "  handoff new lead\n\n"
          "  handoff new order --yes --from-file order.yaml --set to.name='田中 一郎'\n\n"
          "  handoff new service --edit\n\n"
          "  handoff new --resume                (continue a draft kept when prompts were interrupted)")


@handled
def new_cli(
    kind: Annotated[Optional[str], typer.Argument(help="lead, order, service or a custom kind.")] = None,
    set_values: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", metavar="FIELD=VALUE",
        help="A field value; dotted for groups (context.budget=…, to.email=…); FIELD[]=… appends to a list.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from-file", "-f", help="Take values from a YAML file.")] = None,
    yes: Yes = False,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Open $EDITOR on a pre-filled draft.")] = False,
    prompt: Annotated[Optional[bool], typer.Option(
        "--prompt/--no-prompt", help="Force prompting on or off (default: prompt on a terminal).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the latest interrupted draft.")] = False,
) -> None:
    """Write a new handoff: prompts for what its kind requires, or takes flags."""
    from handoff_cli.errors import InvalidDocument, UserError
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import missing_required
    from handoff_cli.store.writing import create_handoff

    config, kinds = load_context()
    draft, resumed = _draft(config, kinds, kind, resume=resume, from_file=from_file, set_values=set_values or [])
    kind = draft.kind.name
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes and not edit)
    edited = None
    if edit:
        draft, edited = _edit(draft, config)
    elif interactive:
        _prompt(draft, config, resumed, kind)
    else:
        missing = missing_required(draft)
        if missing:
            raise UserError(t("error.no_terminal", fields=", ".join(missing)))
    try:
        handoff_id, path = create_handoff(draft.kind, draft.values, config.root, config.handoffs_dir, kinds)
    except InvalidDocument as error:
        if edited or interactive:  # what a person typed is never lost
            kept = edited or drafts.save_new_draft(config.root, draft)
            if resumed and resumed != kept:
                resumed.unlink(missing_ok=True)
            error.note = t("new.draft_kept", path=shown(kept), kind=kind)
        raise
    for done in (resumed, edited):
        if done:
            done.unlink(missing_ok=True)
    sys.stdout.write(handoff_id + "\n")
    say(t("new.written", path=shown(path)))


def _draft(config, kinds, kind: str | None, *, resume: bool, from_file: Path | None, set_values: list[str]):
    """The values given so far (a kept draft, a file, `--set`, the sender from git's identity)
    for the kind, and the draft resumed, if any."""
    from handoff_cli.errors import UserError
    from handoff_cli.git import Git
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import Draft, assign, merge, read_values_file

    values: dict = {}
    resumed = None
    if resume:
        resumed = drafts.latest_new_draft(config.root)
        values = read_values_file(resumed)
        kind = kind or values.get("kind")
        say(t("new.resuming", path=shown(resumed)))
    if not kind:
        raise UserError(t("new.which_kind"), hint=t("kinds.known", kinds=", ".join(kinds.names)))
    kind_spec = kinds.get(kind)
    if from_file:
        values = merge(values, read_values_file(from_file))
    for assignment in set_values:
        assign(values, assignment, kind_spec)
    values.pop("kind", None)
    if not (values.get("from") or {}).get("name"):
        name, email = Git(config.root).identity()
        values["from"] = merge({k: v for k, v in (("name", name), ("email", email)) if v}, values.get("from") or {})
    return Draft(kind_spec, values), resumed


def _prompt(draft, config, resumed: Path | None, kind: str) -> None:
    """Ask for what is missing; on Ctrl-C or end of input keep the draft and exit 130."""
    from handoff_cli.i18n import t
    from handoff_cli.interact import drafts
    from handoff_cli.interact.prompts import Prompter
    from handoff_cli.output.tables import console

    try:
        Prompter(console(sys.stderr)).fill(draft)
    except (KeyboardInterrupt, EOFError):
        path = drafts.save_new_draft(config.root, draft)
        if resumed and resumed != path:
            resumed.unlink(missing_ok=True)
        sys.stderr.write("\n")
        say(t("new.draft_kept", path=shown(path), kind=kind))
        raise typer.Exit(130) from None


def _edit(draft, config):
    """Open the editor on a pre-filled draft; the edited values and the draft's path, which
    stays until the handoff is written."""
    from handoff_cli.interact import drafts
    from handoff_cli.interact.draft import Draft, read_values_file, skeleton, without_empty
    from handoff_cli.interact.editor import edit

    path = drafts.save_draft(config.root, f"{draft.kind.name}-draft", skeleton(draft))
    edit(path)
    return Draft(draft.kind, without_empty(read_values_file(path))), path
