"""What every command shares: options declared once, the repository's context, and the
one funnel from the project's errors to a clear line on stderr and an exit code."""

from __future__ import annotations

import functools
import sys
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff_cli.output import formats_for


def handled(command):
    """Run a command body; turn the project's errors into one clear line and an exit code
    (errors.py documents them), and Ctrl-C into a calm message. Every value from data is
    sanitised (sanitize.py). With `--format github` an error is an `::error`
    annotation; otherwise, under GitHub Actions, the command's output is fenced off from
    the runner's workflow commands (output/github.py, `commands_stopped`)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from handoff_cli.output.github import commands_stopped

        output_format = getattr(kwargs.get("output_format"), "value", kwargs.get("output_format"))
        if output_format == "github":  # the annotations are commands: nothing is fenced off
            return _funnel(command, args, kwargs, github=True)
        # stdout only where it is for people: a program reads JSON, CSV, a schema or a new id
        with commands_stopped(stdout=output_format in ("text", "table")):
            return _funnel(command, args, kwargs, github=False)

    return wrapper


def _funnel(command, args, kwargs, *, github: bool):
    from handoff_cli.errors import HandoffError, InvalidDocument
    from handoff_cli.i18n import t
    from handoff_cli.sanitize import sanitize

    try:
        return command(*args, **kwargs)
    except InvalidDocument as error:
        if github:
            from handoff_cli.output.github import annotation, error_annotation

            lines = [annotation(f.message, file=f.file if f.line else None, line=f.line or None,
                                col=f.column or None, title=_annotation_title(f))
                     for f in _at_flags(error, kwargs)]
            lines.append(error_annotation(error.message, [error.note] if error.note else []))
        else:
            lines = [_finding_line(f) for f in _at_flags(error, kwargs)] + [sanitize(error.message)]
            if error.note:
                lines.append(sanitize(error.note))
        sys.stderr.write("".join(line + "\n" for line in lines))
        raise typer.Exit(error.exit_code) from None
    except HandoffError as error:
        if github:
            from handoff_cli.output.github import error_annotation

            hints = [t("error.hint", hint=error.hint)] if error.hint else []
            sys.stderr.write(error_annotation(error.message, hints) + "\n")
        else:
            sys.stderr.write(t("error.prefix", message=sanitize(error.message)) + "\n")
            if error.hint:
                sys.stderr.write(t("error.hint", hint=sanitize(error.hint)) + "\n")
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write("\n" + t("error.interrupted") + "\n")
        raise typer.Exit(130) from None


def _finding_line(finding) -> str:
    """A finding at a file's line as `check` writes it; one about a value given elsewhere (a
    flag, a prompt) names that, never a file that was not written."""
    from handoff_cli.output.text import finding_line
    from handoff_cli.sanitize import sanitize

    if finding.line > 0:
        return finding_line(finding)
    where = " ".join(sanitize(part) for part in (finding.file, finding.field) if part)
    return f"{where}: {sanitize(finding.message)}" if where else sanitize(finding.message)


def _annotation_title(finding) -> str:
    where = finding.field if finding.line > 0 else " ".join(p for p in (finding.file, finding.field) if p)
    return f"handoff: {where}" if where else "handoff"


def _at_flags(error, kwargs: dict) -> list:
    """Findings on the entry a command was writing (`entries[N].at`) for a value given by one
    of its flags name the flag (`--at`), where the person can act; the file being appended to
    is not where the mistake was made (nor is it written)."""
    import re

    from handoff_cli.i18n import t
    from handoff_cli.rules.findings import Finding

    findings = error.findings
    if error.message not in (t("feedback.invalid", count=len(findings)), t("feedback.invalid.one")):
        return findings  # not the entry being written (the file as it was, a handoff read)

    try:
        from typer._click.globals import get_current_context

        params = get_current_context().command.params
    except (ImportError, RuntimeError):
        return findings
    flags = {}
    for param in params:
        opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        if opts and param.name and kwargs.get(param.name) not in (None, False, [], ()):
            flags[param.name] = opts[0]
            flags[param.name + "s"] = opts[0]  # --missing-field gives missing_fields
    moved = []
    for finding in findings:
        match = re.fullmatch(r"entries\[\d+\]\.(([a-z_]+).*)", finding.field or "")
        if match is None:
            moved.append(finding)
            continue
        flag = flags.get(match.group(2))  # else typed at a prompt: the field alone
        moved.append(Finding(flag or "", 0, 0, "" if flag else match.group(1), finding.message, finding.code))
    return moved


# ---------------------------------------------------------------- shared options

def format_choices(command: str) -> type[Enum]:
    """The choices of `command`'s `--format`: exactly the formats registered for it
    (output.FORMATS), the default first."""
    names = formats_for(command)
    return Enum(f"{command.capitalize()}Format", {name: name for name in names}, type=str)


def _completion_root():
    """The repository's config for shell completion, read cheaply; None when there is none
    (completion never prints an error)."""
    from handoff_cli.documents.config import load_config
    from handoff_cli.errors import HandoffError

    try:
        return load_config()
    except (HandoffError, OSError, ValueError):
        return None


def _matching(candidates, incomplete: str) -> list[str]:
    """What the word typed so far may become (shells complete what starts with it)."""
    return [c for c in candidates if c.startswith(incomplete or "")]


def complete_kinds(ctx: typer.Context, incomplete: str) -> list[str]:
    """`handoff new <TAB>`: the kinds this repository knows; with --resume, the kept drafts too."""
    from handoff_cli.rules.kinds import Kinds

    config = _completion_root()
    if config is None:
        return []
    names = list(Kinds(config).names)
    if ctx.params.get("resume"):
        names += complete_drafts(incomplete)
    return _matching(dict.fromkeys(names), incomplete)


def complete_ids(incomplete: str) -> list[str]:
    """`handoff show <TAB>`, `handoff feedback <TAB>`: the handoffs' ids (file names only, nothing parsed)."""
    from handoff_cli.documents.layout import known_ids

    config = _completion_root()
    if config is None:
        return []
    try:
        ids = sorted(known_ids(config.handoffs_dir), reverse=True)
    except OSError:
        return []
    return _matching(ids, incomplete)


def complete_drafts(incomplete: str) -> list[str]:
    """`handoff drafts --drop <TAB>`: the names of the kept drafts."""
    from handoff_cli.interact.drafts import FEEDBACK_PREFIX, drafts_dir

    config = _completion_root()
    if config is None:
        return []
    try:
        names = sorted((p.stem for p in drafts_dir(config.root).glob("*.yaml")
                        if not p.name.startswith((FEEDBACK_PREFIX, "."))), reverse=True)
    except OSError:
        return []
    return _matching(names, incomplete)


IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The id, any unique prefix, or the random suffix.",
                                           autocompletion=complete_ids)]
KindFilter = Annotated[Optional[str], typer.Option("--kind", metavar="KIND", help="Only this kind.",
                                                   autocompletion=complete_kinds)]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Never prompt; take values from flags and files only.")]


# ---------------------------------------------------------------- the repository

def load_context(start: Path | None = None):
    """The repository's config and kinds; every setting is checked here, so a broken
    `.handoff.yaml` fails every command the same way."""
    from handoff_cli.documents.config import load_config
    from handoff_cli.rules.kinds import Kinds
    from handoff_cli.scoring.weights import Weights

    config = load_config(start)
    Weights.from_config(config.scoring)
    return config, Kinds(config)


def open_cache(config, kinds):
    """The cache under .git/ for one command (it is only an optimisation)."""
    from handoff_cli.store.cache import Cache

    return Cache.for_repository(config.root, kinds)


def survey(config, kinds, as_of: datetime):
    """Every handoff's assessment (digest + feedback + git timeline + scores); saves the cache."""
    from handoff_cli.scoring.weights import Weights
    from handoff_cli.store.survey import survey as gather

    cache = open_cache(config, kinds)
    result = gather(config, kinds, cache, weights=Weights.from_config(config.scoring), as_of=as_of)
    cache.save()
    return result


def now() -> datetime:
    return datetime.now().astimezone()


def date_option(flag: str, value: str | None) -> date | None:
    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(t("error.date_expected", flag=flag, value=value)) from None


def as_of_option(value: str | None) -> datetime:
    """`--as-of DAY` as the end of that day, local time; now when not given."""
    day = date_option("--as-of", value)
    if day is None:
        return now()
    return datetime.combine(day, time(23, 59, 59)).astimezone()


def shown(path: Path) -> str:
    """A path for a message on one line (file names may come from a pull request)."""
    from handoff_cli.documents.layout import display_path
    from handoff_cli.sanitize import sanitize

    return sanitize(display_path(path))


def output_mode(path: Path) -> int | None:
    """Check, before any work, that `-o PATH` can be written: not a folder, not a symbolic
    link. Returns the permissions of the file it would replace (None: a new file), so a file
    kept private (a 1on1 sheet) stays private."""
    import os
    import stat

    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t

    if not str(path) or path.is_dir():
        raise UserError(t("output.is_folder", path=shown(path)))
    if path.is_symlink():
        raise UserError(t("output.is_link", path=shown(path)))
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UserError(t("output.unwritable", path=shown(path), reason=error.strerror or error)) from None


def write_output(path: Path, render, mode: int | None) -> None:
    """Call `render(stream)` into memory, then write it to `path` atomically (`mode`: from
    `output_mode`): a failed run never leaves half a file, and an existing one is replaced whole."""
    import io

    from handoff_cli.documents.writing import write_bytes_atomic
    from handoff_cli.errors import UserError
    from handoff_cli.i18n import t

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    render(stream)
    stream.flush()
    try:
        write_bytes_atomic(path, buffer.getvalue(), mode=mode)
    except OSError as error:
        raise UserError(t("output.unwritable", path=shown(path), reason=error.strerror or error)) from None


def say(message: str) -> None:
    """A warning or note on stderr, one line: whatever values it carries are shown sanitised."""
    from handoff_cli.sanitize import sanitize

    sys.stderr.write(sanitize(message) + "\n")
