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
    sanitised (output/sanitize.py). With `--format github` an error is an `::error`
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
    from handoff_cli.output.sanitize import sanitize

    try:
        return command(*args, **kwargs)
    except InvalidDocument as error:
        if github:
            from handoff_cli.output.github import annotation, error_annotation

            lines = [annotation(f.message, file=f.file, line=f.line, col=f.column,
                                title=f"handoff: {f.field}" if f.field else "handoff") for f in error.findings]
            lines.append(error_annotation(error.message, [error.note] if error.note else []))
        else:
            from handoff_cli.output.text import finding_line

            lines = [finding_line(f) for f in error.findings] + [sanitize(error.message)]
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


# ---------------------------------------------------------------- shared options

def format_choices(command: str) -> type[Enum]:
    """The choices of `command`'s `--format`: exactly the formats registered for it
    (output.FORMATS), the default first."""
    names = formats_for(command)
    return Enum(f"{command.capitalize()}Format", {name: name for name in names}, type=str)


IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The id, any unique prefix, or the random suffix.")]
KindFilter = Annotated[Optional[str], typer.Option("--kind", help="Only this kind.")]
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
    from handoff_cli.output.sanitize import sanitize

    return sanitize(display_path(path))


def say(message: str) -> None:
    """A warning or note on stderr, one line: whatever values it carries are shown sanitised."""
    from handoff_cli.output.sanitize import sanitize

    sys.stderr.write(sanitize(message) + "\n")
