"""The `handoff` command line: parse arguments, call the core, pick a renderer."""

from __future__ import annotations

import functools
import os
import shlex
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli import __version__

app = typer.Typer(
    name="handoff",
    help="Structured handoffs between teams, kept as YAML in git.\n\n"
         "Example: handoff new lead; handoff check; handoff list --pending",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FindingsFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def handled(command):
    """Run a command body; turn the project's errors into one clear line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from handoff_cli.errors import HandoffError, InvalidDocument
        from handoff_cli.messages import t

        try:
            return command(*args, **kwargs)
        except InvalidDocument as error:
            from handoff_cli import render

            sys.stderr.write(render.findings_text(error.findings, 1).rsplit("\n", 2)[0] + "\n")
            sys.stderr.write(error.message + "\n")
            if error.draft_path:
                sys.stderr.write(str(error.draft_path) + "\n")
            raise typer.Exit(error.exit_code) from None
        except HandoffError as error:
            sys.stderr.write(f"error: {error.message}\n")
            if error.hint:
                sys.stderr.write(f"hint: {error.hint}\n")
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            sys.stderr.write("\n" + t("error.interrupted") + "\n")
            raise typer.Exit(130) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"handoff {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = False,
) -> None:
    """Structured handoffs between teams, kept as YAML in git."""


def _context():
    from handoff_cli.config import load_config
    from handoff_cli.schemas import Kinds

    config = load_config()
    return config, Kinds(config)


# ---------------------------------------------------------------- init

@app.command(epilog="Example: cd my-repo && handoff init")
@handled
def init() -> None:
    """Set up this repository: write .handoff.yaml (commented defaults) and handoffs/."""
    from handoff_cli.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT, load_config
    from handoff_cli.messages import t
    from handoff_cli.yamlio import write_atomic

    root = load_config().root
    changed = False
    config_path = root / CONFIG_NAME
    if config_path.exists():
        sys.stderr.write(t("init.exists", path=CONFIG_NAME) + "\n")
    else:
        write_atomic(config_path, DEFAULT_CONFIG_TEXT, exclusive=True)
        sys.stderr.write(t("init.created", path=CONFIG_NAME) + "\n")
        changed = True
    config = load_config(root)
    keep = config.handoffs_dir / ".gitkeep"
    if config.handoffs_dir.is_dir():
        sys.stderr.write(t("init.exists", path=config.dir + "/") + "\n")
    else:
        write_atomic(keep, "", exclusive=True)
        sys.stderr.write(t("init.created", path=config.dir + "/") + "\n")
        changed = True
    if not changed:
        sys.stderr.write(t("init.nothing") + "\n")


# ---------------------------------------------------------------- new

@app.command(epilog=(
    "Examples:\n\n"
    "  handoff new lead\n\n"
    "  handoff new order --yes --from-file order.yaml --set to.name='田中 一郎'\n\n"
    "  handoff new service --edit"))
@handled
def new(
    kind: Annotated[str, typer.Argument(help="lead, order, service or a custom kind.")],
    set_values: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", metavar="FIELD=VALUE",
        help="A field value; dotted for groups (context.budget=…, to.email=…); FIELD[]=… appends to a list.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from-file", "-f", help="Take values from a YAML file.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never prompt; take values from flags and files only.")] = False,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Open $EDITOR on a pre-filled draft.")] = False,
    prompt: Annotated[Optional[bool], typer.Option(
        "--prompt/--no-prompt", help="Force prompting on or off (default: prompt on a terminal).")] = None,
) -> None:
    """Write a new handoff: prompts for what its kind requires, or takes flags."""
    from handoff_cli import drafting
    from handoff_cli.errors import UserError
    from handoff_cli.messages import language, t

    config, kinds = _context()
    kind_spec = kinds.get(kind)
    values: dict = {}
    if from_file:
        values = drafting.read_values_file(from_file)
    for assignment in set_values or []:
        drafting.assign(values, assignment, kind_spec)
    values.pop("kind", None)
    if not (values.get("from") or {}).get("name"):
        person = drafting.git_person(config.root)
        values["from"] = drafting.merge({k: v for k, v in (("name", person.name), ("email", person.email)) if v},
                                        values.get("from") or {})
    draft = drafting.Draft(kind_spec, values)
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes and not edit)
    if edit:
        draft = _edit_until_valid(draft, config, kinds)
    elif interactive:
        from handoff_cli.prompting import Prompter
        from handoff_cli.render import console

        try:
            Prompter(console(stderr=True), language() == "ja").fill(draft)
        except (KeyboardInterrupt, EOFError):
            path = drafting.save_draft(config.root, kind_spec, draft.values)
            sys.stderr.write("\n" + t("new.draft_kept", path=_shown(path), kind=kind) + "\n")
            raise typer.Exit(130) from None
    else:
        missing = drafting.missing_required(draft)
        if missing:
            raise UserError(t("error.no_terminal", fields=", ".join(missing)))
    handoff_id, path = drafting.create(draft, config.handoffs_dir, kinds)
    sys.stdout.write(handoff_id + "\n")
    sys.stderr.write(t("new.written", path=_shown(path)) + "\n")


def _shown(path: Path) -> str:
    from handoff_cli.layout import display_path

    return display_path(path)


def _edit_until_valid(draft, config, kinds):
    """Open the editor on a draft; keep the draft (and say where) when it does not validate."""
    from handoff_cli import drafting, yamlio
    from handoff_cli.errors import InvalidDocument, UserError
    from handoff_cli.messages import t

    folder = drafting.drafts_dir(config.root)
    path = folder / f"{draft.kind.name}-draft.yaml"
    yamlio.write_atomic(path, yamlio.dump(drafting.skeleton(draft)))
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise UserError(f"editor '{editor}' failed: {error}; your draft is kept at {_shown(path)}",
                        hint="set EDITOR, e.g. export EDITOR=nano") from None
    values = drafting.without_empty(drafting.read_values_file(path))
    edited = drafting.Draft(draft.kind, values)
    findings = drafting.validate_text(yamlio.dump(edited.document("00000000-000000" if not values.get("id") else None,
                                                                  drafting.now_iso())),
                                      _shown(path), None, kinds)
    findings = [f for f in findings if f.field != "id"]
    if findings:
        raise InvalidDocument(t("new.invalid", count=len(findings)), findings,
                              draft_path=t("new.draft_kept", path=_shown(path), kind=draft.kind.name))
    path.unlink()
    return edited


# ---------------------------------------------------------------- check

@app.command(epilog=(
    "Examples:\n\n"
    "  handoff check\n\n"
    "  handoff check handoffs/2026/11 --format json\n\n"
    "  handoff check --changed-since origin/main --format github"))
@handled
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the whole handoffs folder).")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF",
                                                         help="Check only files changed since this git ref.")] = None,
    output_format: Annotated[FindingsFormat, typer.Option("--format", help="text, json, or github annotations.")] = FindingsFormat.text,
) -> None:
    """Validate handoffs and feedback (the CI gate): exit 0 valid, 1 findings, 2 usage error."""
    from handoff_cli import render
    from handoff_cli.store import load_store

    config, kinds = _context()
    kinds.load_all()
    selected = list(paths) if paths else None
    if changed_since:
        selected = (selected or []) + _changed_files(config, changed_since)
        if not selected:
            sys.stdout.write(render.FINDINGS_RENDERERS[output_format.value]([], 0))
            return
    store = load_store(config, kinds, selected)
    sys.stdout.write(render.FINDINGS_RENDERERS[output_format.value](store.findings, store.files_checked))
    if store.findings:
        raise typer.Exit(1)


def _changed_files(config, ref: str) -> list[Path]:
    from handoff_cli.errors import UserError

    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", *args], cwd=config.root, capture_output=True, text=True, encoding="utf-8")
        if done.returncode != 0:
            raise UserError(f"--changed-since {ref}: {done.stderr.strip() or 'git failed'}",
                            hint="is this a git repository, and is the ref fetched? (fetch-depth: 0 in CI)")
        return [line for line in done.stdout.splitlines() if line]

    names = git("diff", "--name-only", "--diff-filter=d", "--no-renames", ref, "--", config.dir)
    names += git("ls-files", "--others", "--exclude-standard", "--", config.dir)
    return sorted({config.root / name for name in names})


# ---------------------------------------------------------------- list

@app.command("list", epilog="Examples:\n\n  handoff list --pending\n\n  handoff list --kind order --to 田中 --format csv")
@handled
def list_handoffs(
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind.")] = None,
    sender: Annotated[Optional[str], typer.Option("--from", help="Sender name, email or team contains this.")] = None,
    receiver: Annotated[Optional[str], typer.Option("--to", help="Receiver name, email or team contains this.")] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Only handoffs still awaiting feedback.")] = False,
    output_format: Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")] = TableFormat.table,
) -> None:
    """List handoffs with their feedback state."""
    from handoff_cli import render
    from handoff_cli.reporting import list_rows
    from handoff_cli.store import load_store

    config, kinds = _context()
    if kind:
        kinds.get(kind)
    store = load_store(config, kinds)
    rows = list_rows(store, kind=kind, sender=sender, receiver=receiver, pending=pending)
    if output_format is TableFormat.json:
        sys.stdout.write(render.list_json(rows))
    elif output_format is TableFormat.csv:
        sys.stdout.write(render.list_csv(rows))
    else:
        render.console().print(render.list_table(rows))
    if store.findings:
        sys.stderr.write(f"note: {store.files_with_findings} files have findings and are not listed; "
                         "run `handoff check`\n")


# ---------------------------------------------------------------- show

@app.command(epilog="Examples:\n\n  handoff show 20261120-k3m9qa\n\n  handoff show k3m9\n\n  handoff show 2026112 --format json")
@handled
def show(
    handoff_id: Annotated[str, typer.Argument(metavar="ID", help="The id, any unique prefix, or the random suffix.")],
    output_format: Annotated[ShowFormat, typer.Option("--format", help="text or json.")] = ShowFormat.text,
) -> None:
    """Show one handoff, readable, with its feedback entries."""
    from handoff_cli import ids, layout, render
    from handoff_cli.errors import InvalidDocument
    from handoff_cli.reporting import handoff_view
    from handoff_cli.store import load_store

    config, kinds = _context()
    resolved = ids.resolve(handoff_id, layout.known_ids(config.handoffs_dir))
    paths = [layout.document_path(config.handoffs_dir, resolved)]
    feedback_file = layout.feedback_path(config.handoffs_dir, resolved)
    if feedback_file.exists():
        paths.append(feedback_file)
    store = load_store(config, kinds, paths)
    if store.findings:
        raise InvalidDocument(f"{resolved} has findings; fix them first (`handoff check`)", store.findings)
    view = handoff_view(store, resolved)
    if output_format is ShowFormat.json:
        sys.stdout.write(render.show_json(view))
        return
    out = render.console()
    for renderable in render.show_renderables(view, kinds.get(view.handoff.kind)):
        out.print(renderable)


# ---------------------------------------------------------------- schema

@app.command(epilog="Examples:\n\n  handoff schema lead > lead.schema.json\n\n  handoff schema feedback")
@handled
def schema(
    kind: Annotated[str, typer.Argument(help="A kind, or 'feedback' / 'envelope'.")],
) -> None:
    """Print a kind's JSON Schema (for editors and other validators)."""
    import json

    from handoff_cli.schemas import builtin_schema, schema_text

    if kind in ("feedback", "envelope"):
        sys.stdout.write(json.dumps(builtin_schema(kind), ensure_ascii=False, indent=2) + "\n")
        return
    _, kinds = _context()
    sys.stdout.write(schema_text(kinds.get(kind)))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
