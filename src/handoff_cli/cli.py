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


class GroupBy(str, Enum):
    sender = "sender"
    receiver = "receiver"
    team = "team"
    pair = "pair"
    kind = "kind"


class ReportTable(str, Enum):
    pending = "pending"
    quality = "quality"
    trend = "trend"
    best = "best"
    funnel = "funnel"
    scores = "scores"


def handled(command):
    """Run a command body; turn the project's errors into one clear line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from handoff_cli.errors import HandoffError, InvalidDocument
        from handoff_cli.messages import t

        try:
            return command(*args, **kwargs)
        except InvalidDocument as error:
            from handoff_cli.findings_format import finding_line

            sys.stderr.write("".join(finding_line(f) + "\n" for f in error.findings))
            sys.stderr.write(error.message + "\n")
            if error.note:
                sys.stderr.write(error.note + "\n")
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
    """The repository's config and kinds; every setting is checked here, so a broken
    `.handoff.yaml` fails every command the same way."""
    from handoff_cli.config import load_config
    from handoff_cli.schemas import Kinds
    from handoff_cli.scoring import Weights

    config = load_config()
    Weights.from_config(config.scoring)
    return config, Kinds(config)


def _cache(config, kinds):
    """The cache under .git/ for one command (it is only an optimisation)."""
    from handoff_cli.cache import Cache

    return Cache.for_repository(config.root, kinds)


def _load(config, kinds, paths=None, *, want: str = "digests", cache=None):
    """The repository's documents (findings, digests or models), through the blob-id cache under .git/."""
    from handoff_cli.store import load_store

    return load_store(config, kinds, paths, cache=cache or _cache(config, kinds), want=want)


def _survey(config, kinds, cache, as_of):
    """Every handoff's assessment (digest + feedback + git timeline + scores)."""
    from handoff_cli.assessing import survey
    from handoff_cli.scoring import Weights

    result = survey(config, kinds, cache, weights=Weights.from_config(config.scoring), as_of=as_of)
    cache.save()
    return result


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
    "  handoff new service --edit\n\n"
    "  handoff new --resume                (continue a draft kept when prompts were interrupted)"))
@handled
def new(
    kind: Annotated[Optional[str], typer.Argument(help="lead, order, service or a custom kind.")] = None,
    set_values: Annotated[Optional[list[str]], typer.Option(
        "--set", "-s", metavar="FIELD=VALUE",
        help="A field value; dotted for groups (context.budget=…, to.email=…); FIELD[]=… appends to a list.")] = None,
    from_file: Annotated[Optional[Path], typer.Option("--from-file", "-f", help="Take values from a YAML file.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never prompt; take values from flags and files only.")] = False,
    edit: Annotated[bool, typer.Option("--edit", "-e", help="Open $EDITOR on a pre-filled draft.")] = False,
    prompt: Annotated[Optional[bool], typer.Option(
        "--prompt/--no-prompt", help="Force prompting on or off (default: prompt on a terminal).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the latest interrupted draft.")] = False,
) -> None:
    """Write a new handoff: prompts for what its kind requires, or takes flags."""
    from handoff_cli import drafting
    from handoff_cli.errors import InvalidDocument, UserError
    from handoff_cli.messages import language, t

    config, kinds = _context()
    values: dict = {}
    resumed = None
    if resume:
        resumed = drafting.latest_new_draft(config.root)
        values = drafting.read_values_file(resumed)
        kind = kind or values.get("kind")
        sys.stderr.write(f"resuming {_shown(resumed)}\n")
    if not kind:
        raise UserError("which kind? e.g. handoff new lead", hint="known kinds: " + ", ".join(kinds.names))
    kind_spec = kinds.get(kind)
    if from_file:
        values = drafting.merge(values, drafting.read_values_file(from_file))
    for assignment in set_values or []:
        drafting.assign(values, assignment, kind_spec)
    values.pop("kind", None)
    if not (values.get("from") or {}).get("name"):
        person = drafting.git_person(config.root)
        values["from"] = drafting.merge({k: v for k, v in (("name", person.name), ("email", person.email)) if v},
                                        values.get("from") or {})
    draft = drafting.Draft(kind_spec, values)
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes and not edit)
    edited = None
    if edit:
        draft, edited = _edit(draft, config)
    elif interactive:
        from handoff_cli.prompting import Prompter
        from handoff_cli.render import console

        try:
            Prompter(console(stderr=True), language() == "ja").fill(draft)
        except (KeyboardInterrupt, EOFError):
            path = drafting.save_new_draft(config.root, draft)
            if resumed and resumed != path:
                resumed.unlink(missing_ok=True)
            sys.stderr.write("\n" + t("new.draft_kept", path=_shown(path), kind=kind) + "\n")
            raise typer.Exit(130) from None
    else:
        missing = drafting.missing_required(draft)
        if missing:
            raise UserError(t("error.no_terminal", fields=", ".join(missing)))
    try:
        handoff_id, path = drafting.create(draft, config.root, config.handoffs_dir, kinds)
    except InvalidDocument as error:
        if edited or interactive:  # what a person typed is never lost
            kept = edited or drafting.save_new_draft(config.root, draft)
            if resumed and resumed != kept:
                resumed.unlink(missing_ok=True)
            error.note = t("new.draft_kept", path=_shown(kept), kind=kind)
        raise
    for done in (resumed, edited):
        if done:
            done.unlink(missing_ok=True)
    sys.stdout.write(handoff_id + "\n")
    sys.stderr.write(t("new.written", path=_shown(path)) + "\n")


def _shown(path: Path) -> str:
    from handoff_cli.layout import display_path

    return display_path(path)


def _edit(draft, config):
    """Open the editor on a pre-filled draft; the edited values and the draft's path, which
    stays until the handoff is written."""
    from handoff_cli import drafting
    from handoff_cli.errors import UserError

    path = drafting.save_draft(config.root, f"{draft.kind.name}-draft", drafting.skeleton(draft))
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise UserError(f"editor '{editor}' failed: {error}; your draft is kept at {_shown(path)}",
                        hint="set EDITOR, e.g. export EDITOR=nano") from None
    return drafting.Draft(draft.kind, drafting.without_empty(drafting.read_values_file(path))), path


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
    from handoff_cli.findings_format import FINDINGS_RENDERERS

    config, kinds = _context()
    kinds.load_all()
    selected = list(paths) if paths else None
    if changed_since:
        selected = (selected or []) + _changed_files(config, changed_since)
        if not selected:
            sys.stdout.write(FINDINGS_RENDERERS[output_format.value]([], 0))
            return
    store = _load(config, kinds, selected, want="findings")
    sys.stdout.write(FINDINGS_RENDERERS[output_format.value](store.findings, store.files_checked))
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
    from handoff_cli import exports
    from handoff_cli.reporting import list_rows

    config, kinds = _context()
    if kind:
        kinds.get(kind)
    store = _load(config, kinds)
    rows = list_rows(store, kind=kind, sender=sender, receiver=receiver, pending=pending)
    if output_format is TableFormat.json:
        sys.stdout.write(exports.list_json(rows))
    elif output_format is TableFormat.csv:
        sys.stdout.write(exports.list_csv(rows))
    else:
        from handoff_cli import render

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
    from handoff_cli import exports, ids, layout
    from handoff_cli.errors import InvalidDocument
    from handoff_cli.reporting import handoff_view

    config, kinds = _context()
    resolved = ids.resolve(handoff_id, layout.known_ids(config.handoffs_dir))
    document = layout.document_path(config.handoffs_dir, resolved)
    feedback_file = layout.feedback_path(config.handoffs_dir, resolved)
    store = _load(config, kinds, [document, *([feedback_file] if feedback_file.exists() else [])], want="models")
    if resolved not in store.handoffs:
        mine = [f for f in store.findings if f.file == layout.display_path(document)]
        raise InvalidDocument(f"{resolved} has findings; fix them first (`handoff check`)", mine)
    view = handoff_view(store, resolved)
    record = _score_record(config, kinds, resolved)
    if output_format is ShowFormat.json:
        sys.stdout.write(exports.show_json(view, record))
        return
    from handoff_cli import render

    out = render.console()
    for renderable in render.show_renderables(view, kinds.get(view.handoff.kind)):
        out.print(renderable)
    if record is not None:
        out.print()
        for renderable in render.explanation_renderables(record):
            out.print(renderable)


def _now():
    from datetime import datetime

    return datetime.now().astimezone()


def _score_record(config, kinds, handoff_id: str) -> dict | None:
    """The handoff's scores, which need everyone's (a receiver's leniency is relative);
    None if the report does not count it (its file changed between the two reads)."""
    assessments = _survey(config, kinds, _cache(config, kinds), _now()).assessments
    found = next((a for a in assessments if a.id == handoff_id), None)
    return found.score_record() if found else None


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


# ---------------------------------------------------------------- feedback

@app.command(epilog=(
    "Examples:\n\n"
    "  handoff feedback k3m9qa                      (prompts: receipt first, then the outcome)\n\n"
    "  handoff feedback k3m9qa --receipt --decision accepted --synthesis '決裁は工場長、監査が期限'\n\n"
    "  handoff feedback k3m9qa --outcome progressing --rating 4 --useful '課題感が的確' "
    "--missing-field decision_maker"))
@handled
def feedback(
    handoff_id: Annotated[str, typer.Argument(metavar="ID", help="The id, any unique prefix, or the random suffix.")],
    receipt: Annotated[bool, typer.Option("--receipt", help="Record the receipt (accepted? what you understood).")] = False,
    decision: Annotated[Optional[str], typer.Option(help="Receipt: accepted, conditional or rejected.")] = None,
    synthesis: Annotated[Optional[str], typer.Option(help="Receipt: what you understood, in your own words.")] = None,
    rejection_reason: Annotated[Optional[str], typer.Option(
        help="Receipt: procedural, clerical or definitional.")] = None,
    outcome: Annotated[Optional[str], typer.Option(help="Outcome, one of the kind's outcomes.")] = None,
    rating: Annotated[Optional[int], typer.Option(help="1-5: how well the handoff prepared you.")] = None,
    useful: Annotated[Optional[str], typer.Option(help="What helped.")] = None,
    missing: Annotated[Optional[str], typer.Option(help="What was missing.")] = None,
    missing_field: Annotated[Optional[list[str]], typer.Option(help="A context field that was missing (repeatable).")] = None,
    wrong_field: Annotated[Optional[list[str]], typer.Option(help="A context field that was wrong (repeatable).")] = None,
    reason: Annotated[Optional[str], typer.Option(help="Why, when the outcome is a loss.")] = None,
    request: Annotated[Optional[str], typer.Option(help="What to do differently next time.")] = None,
    at: Annotated[Optional[str], typer.Option(help="When it happened (ISO 8601 with offset; default now).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Record feedback although you are not the receiver.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never prompt; take values from flags only.")] = False,
    prompt: Annotated[Optional[bool], typer.Option("--prompt/--no-prompt", help="Force prompting on or off.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue answers kept when prompts were interrupted.")] = False,
) -> None:
    """Return the baton: record your receipt or the outcome of a handoff."""
    from handoff_cli import drafting, ids, layout
    from handoff_cli import feedback as returning
    from handoff_cli.errors import InvalidDocument, UserError
    from handoff_cli.messages import language

    config, kinds = _context()
    resolved = ids.resolve(handoff_id, layout.known_ids(config.handoffs_dir))
    store = _load(config, kinds, [layout.document_path(config.handoffs_dir, resolved)], want="models")
    if store.findings:
        raise InvalidDocument(f"{resolved} has findings; fix them first (`handoff check`)", store.findings)
    handoff = store.handoffs[resolved]
    kind = kinds.get(handoff.kind)
    by = drafting.git_person(config.root)
    returning.check_author(handoff, by, force)
    existing = returning.read_existing(config.handoffs_dir, resolved, kinds, kind)
    values = {"decision": decision, "synthesis": synthesis, "rejection_reason": rejection_reason,
              "outcome": outcome, "rating": rating, "useful": useful, "missing": missing,
              "missing_fields": list(missing_field or []), "wrong_fields": list(wrong_field or []),
              "reason": reason, "request": request}
    draft_name = f"feedback-{resolved}"
    draft_path = drafting.drafts_dir(config.root) / f"{draft_name}.yaml"
    if resume:
        if not draft_path.exists():
            raise UserError(f"no kept answers for {resolved}", hint="answers are kept when prompts are interrupted")
        kept = drafting.read_values_file(draft_path)
        values.update({k: v for k, v in (kept.get("values") or {}).items()  # flags given now win
                       if v not in (None, "", []) and values.get(k) in (None, "", [])})
        receipt = receipt or kept.get("phase") == "receipt"
    interactive = prompt if prompt is not None else (sys.stdin.isatty() and not yes)
    asker = None
    if interactive:
        from handoff_cli.prompting import FeedbackPrompter
        from handoff_cli.render import console

        asker = FeedbackPrompter(console(stderr=True), language() == "ja")

    def keep(phase: str) -> str:
        kept = drafting.save_draft(config.root, draft_name, {"handoff": resolved, "phase": phase, "values": values})
        return f"your answers are kept in {_shown(kept)}; continue with: handoff feedback {resolved} --resume"

    phase = _feedback_phase(receipt, values, existing.has_receipt, asker, resolved)
    if asker:
        from handoff_cli.render import show_renderables
        from handoff_cli.reporting import handoff_view

        try:
            if phase == "receipt":
                for renderable in show_renderables(handoff_view(store, resolved), kind):
                    asker.console.print(renderable)
                asker.receipt(values)
            else:
                asker.outcome(values, list(kind.outcomes), list(kind.loss_outcomes), kind.field_names)
        except (KeyboardInterrupt, EOFError):
            sys.stderr.write(f"\ninterrupted; {keep(phase)}\n")
            raise typer.Exit(130) from None
    else:
        _require_feedback_flags(phase, values, kind)
    entry = returning.make_entry(phase, at or drafting.now_iso(), by, values)
    try:
        path = returning.append(config.root, config.handoffs_dir, handoff, kind, kinds, entry)
    except InvalidDocument as error:
        if asker:  # what a person typed is never lost
            error.note = keep(phase)
        raise
    draft_path.unlink(missing_ok=True)
    sys.stderr.write(f"recorded {phase} for {resolved} in {_shown(path)}\n")


def _feedback_phase(receipt: bool, values: dict, has_receipt: bool, asker, handoff_id: str) -> str:
    """Receipt when asked for or given receipt values; outcome when given outcome values or a
    receipt exists; otherwise the person chooses (receipt first), or it is a usage error."""
    from handoff_cli import feedback as returning
    from handoff_cli.errors import UserError

    if receipt or any(values[k] for k in returning.RECEIPT_KEYS):
        return "receipt"
    if has_receipt or any(values[k] for k in returning.OUTCOME_KEYS):
        return "outcome"
    if asker:
        return asker.ask("phase", required=True, choices=["receipt", "outcome"], default="receipt")
    raise UserError(f"{handoff_id} has no receipt yet: give --receipt --decision … (or the outcome flags)")


def _require_feedback_flags(phase: str, values: dict, kind) -> None:
    from handoff_cli.errors import UserError

    needed = []
    if phase == "receipt":
        if not values["decision"]:
            needed.append("--decision")
        elif values["decision"] == "rejected" and not values["rejection_reason"]:
            needed.append("--rejection-reason")
        elif values["decision"] in ("accepted", "conditional") and not values["synthesis"]:
            needed.append("--synthesis")
    else:
        needed += [flag for flag, key in (("--outcome", "outcome"), ("--rating", "rating")) if values[key] is None]
        if not values["useful"] and not values["missing"]:
            needed.append("--useful or --missing")
        if values["outcome"] in kind.loss_outcomes and not values["reason"]:
            needed.append("--reason")
    if needed:
        raise UserError(f"{phase}: missing {', '.join(needed)}", hint="run on a terminal to be asked, or give the flags")


# ---------------------------------------------------------------- report

@app.command(epilog=(
    "Examples:\n\n"
    "  handoff report\n\n"
    "  handoff report --by pair --since 2026-10-01\n\n"
    "  handoff report --format csv --table pending\n\n"
    "  handoff report --fail-on-overdue          (for a scheduled CI job)"))
@handled
def report(
    by: Annotated[GroupBy, typer.Option("--by", help="Group quality by sender, receiver, team, pair or kind.")] = GroupBy.sender,
    since: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or after this date.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only handoffs handed over on or before this date.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind.")] = None,
    output_format: Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")] = TableFormat.table,
    table: Annotated[ReportTable, typer.Option("--table", help="With --format csv: which table.")] = ReportTable.pending,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Compute ages and overdue as of this date.")] = None,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help="Exit 1 when feedback is overdue.")] = False,
) -> None:
    """Pending feedback, quality by person, funnel, trend and best handoffs, from git history."""
    from handoff_cli import exports
    from handoff_cli.reporting import build_report
    from handoff_cli.scoring import Weights

    config, kinds = _context()
    if kind:
        kinds.get(kind)
    moment = _as_of(as_of)
    gathered = _survey(config, kinds, _cache(config, kinds), moment)
    result = build_report(gathered.assessments, gathered.history, kinds,
                          shrinkage=Weights.from_config(config.scoring).shrinkage, as_of=moment, by=by.value,
                          since=_date_option("--since", since), until=_date_option("--until", until), kind=kind)
    if output_format is TableFormat.json:
        sys.stdout.flush()
        sys.stdout.buffer.writelines(exports.report_json(result))
    elif output_format is TableFormat.csv:
        sys.stdout.write(exports.report_csv(result, table.value))
    else:
        from handoff_cli import render

        for warning in result.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        out = render.console()
        for renderable in render.report_renderables(result, warnings=False):
            out.print(renderable)
    if gathered.files_with_findings:
        sys.stderr.write(f"note: {gathered.files_with_findings} files have findings and are not counted; "
                         "run `handoff check`\n")
    if fail_on_overdue and result.responsiveness.overdue:
        raise typer.Exit(1)


def _date_option(flag: str, value: str | None):
    from datetime import date

    from handoff_cli.errors import UserError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{flag} {value}: expected a date like 2026-11-30") from None


def _as_of(value: str | None):
    from datetime import datetime, time

    day = _date_option("--as-of", value)
    if day is None:
        return _now()
    return datetime.combine(day, time(23, 59, 59)).astimezone()


# ---------------------------------------------------------------- demo

@app.command(epilog="Example: handoff demo, then cd into the printed folder and try `handoff report --by pair`")
@handled
def demo(
    path: Annotated[Optional[Path], typer.Argument(help="Where to build it (default: a new temporary folder).")] = None,
) -> None:
    """Build a demo repository with months of history from the examples, and report on it."""
    from handoff_cli import render
    from handoff_cli.config import load_config
    from handoff_cli.demo import build_demo
    from handoff_cli.errors import UserError
    from handoff_cli.reporting import build_report
    from handoff_cli.schemas import Kinds
    from handoff_cli.scoring import Weights

    if path is not None and path.exists() and any(path.iterdir()):
        raise UserError(f"{path} is not empty", hint="give a new folder, or none for a temporary one")
    folder = build_demo(path)
    config = load_config(folder)
    kinds = Kinds(config)
    moment = _now()
    gathered = _survey(config, kinds, _cache(config, kinds), moment)
    result = build_report(gathered.assessments, gathered.history, kinds,
                          shrinkage=Weights.from_config(config.scoring).shrinkage, as_of=moment)
    out = render.console()
    for renderable in render.report_renderables(result):
        out.print(renderable)
    out.print()
    out.print(f"Demo repository: {folder}")
    out.print(f"Explore it:  cd {folder} && handoff list && handoff show k3m9qa && handoff report --by pair")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
