"""GitHub Actions workflow commands: each finding an `::error` annotation on its line;
an error that stops `check --format github` as one annotation too; under GitHub Actions,
everything else that echoes data between `::stop-commands::` and its token, so the runner
reads none of it as a command; and the job summary (`GITHUB_STEP_SUMMARY`), where the
commands append Markdown (output/markdown.py) that shows every finding, not the runner's
first ten annotations."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from handoff_cli.i18n import t
from handoff_cli.output import Renderer
from handoff_cli.sanitize import sanitize


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(*message: str, file: str | None = None, line: int | None = None, col: int | None = None,
               title: str = "handoff") -> str:
    """One `::error` command, the message's parts on lines of their own: every value
    sanitised (one line each, no control characters), then escaped as the runner expects,
    so the line is this one command and nothing else."""
    props = [f"file={_escape_property(sanitize(file))}"] if file else []
    props += [f"{name}={int(value)}" for name, value in (("line", line), ("col", col)) if value is not None]
    props.append(f"title={_escape_property(sanitize(title))}")
    return f"::error {','.join(props)}::" + "%0A".join(_escape_data(sanitize(part)) for part in message)


class GithubRenderer(Renderer):
    def check(self, result) -> None:
        from handoff_cli.output.text import summary_line

        lines = [annotation(f.message, file=f.file, line=f.line, col=f.column,
                            title=f"handoff: {f.field}" if f.field else "handoff")
                 for f in result.findings]
        lines.append(summary_line(result.files_checked, result.findings))
        self.stream.write("\n".join(lines) + "\n")


# A configuration error names its file first, often with a line and column:
# ".handoff.yaml:3:5: dir: …", "schemas/rfq.schema.json: schema file not found".
_WHERE = r"(?P<file>[^\s:]+\.(?:ya?ml|json))(?::(?P<line>\d+))?(?::(?P<col>\d+))?: "


def error_annotation(message: str, extra: Sequence[str] = ()) -> str:
    """An error that stopped the command, as one annotation on the file it names (if any);
    `extra` (the hint, a note) follows the message on lines of the annotation's own."""
    import re

    where = re.match(_WHERE, message)
    if where is None:
        return annotation(message, *extra)
    line, col = where["line"], where["col"]
    return annotation(message, *extra, file=where["file"], line=int(line) if line else None,
                      col=int(col) if col else None)


STEP_SUMMARY_LIMIT = 1024 * 1024  # GitHub refuses a step's summary larger than 1 MiB, whole


def step_summary(render: Callable[[TextIO, int], None]) -> None:
    """When `GITHUB_STEP_SUMMARY` names a file (GitHub Actions sets it for each step), append
    what `render(stream, room)` writes there, `room` being the bytes the step's summary has
    left. A summary that cannot be written is a warning on stderr, never a failed gate."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    text = io.StringIO()
    render(text, max(0, STEP_SUMMARY_LIMIT - used))
    try:
        with open(path, "a", encoding="utf-8", newline="\n") as summary:
            summary.write(text.getvalue())
    except OSError as error:
        sys.stderr.write(t("github.summary_unwritable", path=sanitize(path),
                           problem=sanitize(error.strerror or error)) + "\n")


def on_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


@contextmanager
def commands_stopped(stdout: bool = True) -> Iterator[None]:
    """Under GitHub Actions, stop the runner reading workflow commands while the command
    runs: stderr (and stdout, when it carries text for people) starts with
    `::stop-commands::<token>` before its first write and ends with `::<token>::`, the
    token random, so nothing a value says in between is a command. Elsewhere, nothing."""
    if not on_github_actions():
        yield
        return
    token = os.urandom(16).hex()
    guards = [_Guarded(sys.stdout, "stdout", token)] if stdout else []
    guards.append(_Guarded(sys.stderr, "stderr", token))
    for guard in guards:
        setattr(sys, guard._slot, guard)
    try:
        yield
    finally:
        for guard in guards:
            setattr(sys, guard._slot, guard._stream)
            guard._stream.flush()
        for guard in guards:  # after all the data: the runner reads the two streams apart
            guard._end()


class _Guarded:
    """A stream that writes `::stop-commands::<token>` before the first text written to it
    and, at `_end`, `::<token>::` on a line of its own."""

    def __init__(self, stream, slot: str, token: str):
        self._stream, self._slot, self._token = stream, slot, token
        self._started, self._at_line_start = False, True

    def write(self, text: str) -> int:
        if text:
            if not self._started:
                self._started = True
                self._stream.write(f"::stop-commands::{self._token}\n")
            self._at_line_start = text.endswith("\n")
        return self._stream.write(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def _end(self) -> None:
        if self._started:
            self._stream.write(("" if self._at_line_start else "\n") + f"::{self._token}::\n")
            self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
