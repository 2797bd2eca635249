"""GitHub Actions workflow commands: each finding an `::error` annotation on its line."""

from __future__ import annotations

from handoff_cli.output import Renderer
from handoff_cli.output.text import summary_line


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubRenderer(Renderer):
    def check(self, result) -> None:
        lines = []
        for f in result.findings:
            title = f"handoff: {f.field}" if f.field else "handoff"
            lines.append(f"::error file={_escape_property(f.file)},line={f.line},col={f.column},"
                         f"title={_escape_property(title)}::{_escape_data(f.message)}")
        lines.append(summary_line(result.files_checked, result.findings))
        self.stream.write("\n".join(lines) + "\n")
