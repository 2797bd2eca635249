"""Text for people: findings as `file:line:col: field: message` lines (no rich: the CI
gate starts fast), and rich tables for `list`, `show` and `report` (imported when used)."""

from __future__ import annotations

from collections.abc import Sequence

from handoff_cli.i18n import t
from handoff_cli.output import Renderer
from handoff_cli.rules.findings import Finding
from handoff_cli.sanitize import sanitize


def finding_line(finding: Finding) -> str:
    """One finding on one line; its file, field and message came from data (sanitised)."""
    field = f" {sanitize(finding.field)}:" if finding.field else ""
    return f"{sanitize(finding.file)}:{finding.line}:{finding.column}:{field} {sanitize(finding.message)}"


def summary_line(files: int, findings: Sequence[Finding]) -> str:
    """`1 file checked, no findings`, `13 files checked, 22 findings in 12 files` (plurals right)."""
    checked = t("count.files.one" if files == 1 else "count.files", n=files)
    if not findings:
        return t("summary.ok", files=checked)
    bad = len({f.file for f in findings})
    return t("summary.findings", files=checked, bad=t("count.files.one" if bad == 1 else "count.files", n=bad),
             count=t("count.findings.one" if len(findings) == 1 else "count.findings", n=len(findings)))


OVERDUE_IDS_SHOWN = 5


def overdue_line(report) -> str:
    """How many handoffs are overdue and the first few ids, most urgent first (the report's
    pending order); or that none is. Whoever writes it sanitises it, like any text."""
    ids = [row.id for row in report.pending if row.overdue]
    if not ids:
        return t("report.overdue.none")
    shown = ", ".join(ids[:OVERDUE_IDS_SHOWN]) + (", …" if len(ids) > OVERDUE_IDS_SHOWN else "")
    return t("report.overdue.one" if len(ids) == 1 else "report.overdue.many", count=len(ids), ids=shown)


class TextRenderer(Renderer):
    def check(self, result) -> None:
        self.stream.write("".join(finding_line(f) + "\n" for f in result.findings)
                          + summary_line(result.files_checked, result.findings) + "\n")

    def list(self, rows) -> None:
        from handoff_cli.output import tables

        tables.console(self.stream).print(tables.list_table(rows))

    def show(self, view) -> None:
        from handoff_cli.output import tables

        out = tables.console(self.stream)
        for renderable in tables.show_renderables(view):
            out.print(renderable)
        if view.score is not None:
            out.print()
            for renderable in tables.explanation_renderables(view.score):
                out.print(renderable)

    def report(self, report, *, table: str, warnings: bool = False) -> None:
        """The report's tables; `warnings=True` prints the warnings above them (the demo),
        otherwise the command writes them on stderr."""
        from handoff_cli.output import tables

        out = tables.console(self.stream)
        for renderable in tables.report_renderables(report, warnings=warnings):
            out.print(renderable)

    def person(self, sheet, *, table: str, warnings: bool = False) -> None:
        """The 1on1 sheet, every section (`table` is for one-table formats); the command
        writes the warnings on stderr."""
        from handoff_cli.output import tables

        out = tables.console(self.stream)
        for renderable in tables.person_renderables(sheet, warnings=warnings):
            out.print(renderable)
