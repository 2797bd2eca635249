"""Findings: what `check` reports, each at file:line:column and field."""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff_cli.documents.layout import Skipped


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    field: str  # dotted path, "" when about the whole file
    message: str
    code: str

    def sort_key(self):
        return (self.file, self.line, self.column, self.field)


def dotted(path) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts)


@dataclass
class CheckResult:
    """What `check` found: every finding (sorted), how many files it read, and the files it
    was given but skipped (outside the handoffs folder, or hidden in it)."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # files named that are not handoffs (not counted)

    @property
    def files_with_findings(self) -> int:
        return len({f.file for f in self.findings})
