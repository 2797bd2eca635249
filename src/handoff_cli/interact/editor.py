"""Opening the person's editor ($VISUAL, $EDITOR, else vi) on a file, as `git commit` does."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from handoff_cli.documents.layout import display_path
from handoff_cli.errors import UserError
from handoff_cli.i18n import t


def edit(path: Path) -> None:
    """Let the person edit `path`; returns when the editor exits successfully."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise UserError(t("editor.failed", editor=editor, problem=error, path=display_path(path)),
                        hint=t("editor.failed.hint")) from None
