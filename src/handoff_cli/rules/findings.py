"""Findings: what `check` reports, each at file:line:column and field."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """What `check` found: every finding (sorted) and how many files it read."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    @property
    def files_with_findings(self) -> int:
        return len({f.file for f in self.findings})
