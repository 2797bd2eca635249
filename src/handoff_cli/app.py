"""The `handoff` command line: the Typer app and its commands (one module each in commands/)."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from handoff_cli import __version__
from handoff_cli.commands import check, demo, drafts, feedback, init, new, report, schema, show
from handoff_cli.commands import list as list_command
from handoff_cli.commands.usage import HandoffCommand, HandoffGroup

# Help pages, usage mistakes and completion are handled in commands/usage.py: the words are
# looked up in the user's language when they are shown (the English is written here and in
# the command modules, the Japanese in i18n/catalog.py).
app = typer.Typer(
    name="handoff",
    cls=HandoffGroup,
    help="Structured handoffs between teams, kept as YAML in git.\n\n"
         "Example: handoff new lead; handoff check; handoff list --pending",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


for name, module, command in (
    ("init", init, init.init_cli),
    ("new", new, new.new_cli),
    ("drafts", drafts, drafts.drafts_cli),
    ("check", check, check.check_cli),
    ("list", list_command, list_command.list_cli),
    ("show", show, show.show_cli),
    ("schema", schema, schema.schema_cli),
    ("feedback", feedback, feedback.feedback_cli),
    ("report", report, report.report_cli),
    ("demo", demo, demo.demo_cli),
):
    app.command(name, cls=HandoffCommand, epilog=module.EPILOG)(command)


def _stop(signum, frame) -> None:
    """SIGTERM and SIGHUP (a closed terminal, a killed session) stop a command the way Ctrl-C
    does: the prompts keep what was typed as a draft, and nothing is half-written."""
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    app()


if __name__ == "__main__":
    main()
