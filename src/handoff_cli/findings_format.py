"""Findings as text, versioned JSON or GitHub annotations (kept free of rich, so the CI
gate starts fast)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from handoff_cli.messages import t
from handoff_cli.validate import Finding

FORMAT_VERSION = 1


def json_text(payload: dict) -> str:
    return json.dumps({"format_version": FORMAT_VERSION, **payload}, ensure_ascii=False, indent=2) + "\n"


def finding_line(finding: Finding) -> str:
    field = f" {finding.field}:" if finding.field else ""
    return f"{finding.file}:{finding.line}:{finding.column}:{field} {finding.message}"


def summary_line(files: int, findings: Sequence[Finding]) -> str:
    if not findings:
        return t("summary.ok", files=files)
    return t("summary.findings", files=files, count=len(findings), bad=len({f.file for f in findings}))


def findings_text(findings: Sequence[Finding], files: int) -> str:
    return "".join(finding_line(f) + "\n" for f in findings) + summary_line(files, findings) + "\n"


def findings_json(findings: Sequence[Finding], files: int) -> str:
    return json_text({
        "files_checked": files,
        "files_with_findings": len({f.file for f in findings}),
        "findings": [{"file": f.file, "line": f.line, "column": f.column, "field": f.field,
                      "message": f.message, "code": f.code} for f in findings],
    })


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def findings_github(findings: Sequence[Finding], files: int) -> str:
    """GitHub Actions workflow commands, so a pull request shows each error on its line."""
    lines = []
    for f in findings:
        title = f"handoff: {f.field}" if f.field else "handoff"
        lines.append(f"::error file={_escape_property(f.file)},line={f.line},col={f.column},"
                     f"title={_escape_property(title)}::{_escape_data(f.message)}")
    lines.append(summary_line(files, findings))
    return "\n".join(lines) + "\n"


FINDINGS_RENDERERS = {"text": findings_text, "json": findings_json, "github": findings_github}
