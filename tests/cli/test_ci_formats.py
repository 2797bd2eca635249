"""What CI systems read: GitLab's Code Quality report (`check --format gitlab`), and the
job summary GitHub Actions shows (GITHUB_STEP_SUMMARY) for `check` and for
`report --fail-on-overdue`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from handoff_cli.output.github import STEP_SUMMARY_LIMIT
from handoff_cli.output.markdown import MarkdownRenderer, text
from handoff_cli.output.text import overdue_line
from handoff_cli.reporting.report import PendingRow
from handoff_cli.rules.findings import CheckResult, Finding
from helpers import EXAMPLES, lead_document, make_repo, run_cli

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))
H = "20261120-aaaaaa"
PATH = f"handoffs/2026/11/20/{H}.yaml"


@pytest.fixture
def invalid_in_a_subfolder(tmp_path, monkeypatch):
    """examples/invalid in the folder `team/` of a git repository, run from there."""
    repo = make_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLES / "invalid", repo.path / "team")
    monkeypatch.chdir(repo.path / "team")
    return repo


def _gitlab(*args: str, **env: str):
    result = run_cli(["check", "--format", "gitlab", *args], env=env or None)
    return result, json.loads(result.stdout) if result.exit_code in (0, 1) else None


# ---------------------------------------------------------------- GitLab Code Quality

def test_gitlab_report_follows_the_documented_format(invalid_in_a_subfolder):
    result, issues = _gitlab()
    assert result.exit_code == 1
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(issues)
    assert len(issues) == 22
    findings = json.loads(run_cli(["check", "--format", "json"]).stdout)["findings"]
    assert [i["check_name"] for i in issues] == [f["code"] for f in findings]
    assert [i["location"]["lines"]["begin"] for i in issues] == [f["line"] for f in findings]
    # paths from the repository's root, as GitLab matches them to the merge request's files
    assert {i["location"]["path"] for i in issues} == {"team/" + f["file"] for f in findings}
    assert len({i["fingerprint"] for i in issues}) == 22
    by_file = {(i["location"]["path"].rsplit("/", 1)[1], i["check_name"]): i for i in issues}
    syntax = by_file["20261105-brkn07.yaml", "yaml"]
    assert syntax["severity"] == "critical" and syntax["description"].startswith("YAML syntax error")
    assert by_file["20261105-dupk06.yaml", "yaml"]["severity"] == "major"  # read, with a duplicate key
    missing = by_file["20261105-miss01.yaml", "schema.required"]
    assert missing["severity"] == "major"
    assert missing["description"] == "context.decision_maker: required field is missing"


def test_gitlab_fingerprints_survive_edits_above_and_the_language(repo):
    """A fingerprint hashes file, field and code: lines added above the finding move it, the
    language changes its words, neither changes its fingerprint; another field does."""
    repo.write(PATH, lead_document(H, created="2026-11-20T09:00:00+09:00", decision_maker="TBD"))
    _, (before,) = _gitlab()
    repo.write(PATH, "# notes\n# more notes\n" + lead_document(H, created="2026-11-20T09:00:00+09:00",
                                                               decision_maker="TBD"))
    _, (moved,) = _gitlab()
    _, (japanese,) = _gitlab(HANDOFF_LANG="ja")
    assert moved["location"]["lines"]["begin"] == before["location"]["lines"]["begin"] + 2
    assert japanese["description"] != before["description"]
    assert before["fingerprint"] == moved["fingerprint"] == japanese["fingerprint"]
    repo.write(PATH, lead_document(H, created="2026-11-20T09:00:00+09:00").replace(
        "urgency_evidence: Renewal deadline on 2026-12-01", "urgency_evidence: TBD"))
    _, (other_field,) = _gitlab()
    assert other_field["check_name"] == before["check_name"] and other_field["fingerprint"] != before["fingerprint"]


def test_gitlab_findings_alike_in_one_field_get_fingerprints_of_their_own(repo):
    """Two findings with the same file, field and code (a key written three times) are two
    issues to GitLab, which keeps one per fingerprint."""
    document = lead_document(H, created="2026-11-20T09:00:00+09:00")
    repo.write(PATH, document.replace("  urgency: high\n", "  urgency: high\n  urgency: low\n  urgency: medium\n"))
    result, issues = _gitlab()
    duplicates = [i for i in issues if i["description"].startswith("context.urgency: duplicate key")]
    assert len(duplicates) == 2 and duplicates[0]["fingerprint"] != duplicates[1]["fingerprint"]


def test_gitlab_valid_repository_is_an_empty_report(examples_repo):
    result, issues = _gitlab()
    assert result.exit_code == 0 and issues == []


@pytest.mark.parametrize("args", [[], ["--changed-since", "no-such-ref"]])
def test_gitlab_configuration_error_is_one_line_and_no_json(repo, args):
    """A broken `.handoff.yaml` or an unknown ref: exit 2, one `error:` line on stderr (and
    its hint), nothing on stdout, so no half report is saved as the job's artifact."""
    if not args:
        repo.write(".handoff.yaml", "version: 1\ndir: [\n")
    result = run_cli(["check", "--format", "gitlab", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error: ")]) == 1


# ---------------------------------------------------------------- the job summary: check

def test_check_appends_every_finding_to_the_job_summary(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    summary = tmp_path / "summary.md"
    summary.write_text("## from an earlier step\n\n", encoding="utf-8")
    result = run_cli(["check", "--format", "github"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("## from an earlier step\n\n### handoff check\n\n13 files checked, 22 findings in 12 files\n")
    rows = [line for line in written.splitlines() if line.startswith("| handoffs/")]
    assert len(rows) == 22  # every one: the runner shows ten annotations a step
    assert "| handoffs/2026/11/05/20261105-miss01.yaml | 14 | context.decision\\_maker | required field is missing " \
           "| schema.required |" in rows
    assert "| file | line | field | finding | code |" in written
    run_cli(["check"], env={"GITHUB_STEP_SUMMARY": str(summary)})  # any format: the summary is GitHub's
    assert summary.read_text(encoding="utf-8").count("### handoff check") == 2


def test_without_github_there_is_no_summary(examples_repo, tmp_path):
    assert run_cli(["check"]).exit_code == 0
    assert list(tmp_path.glob("*.md")) == []


def test_a_summary_of_a_valid_repository_says_so(examples_repo, tmp_path):
    summary = tmp_path / "summary.md"
    assert run_cli(["check"], env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 0
    assert summary.read_text(encoding="utf-8") == "### handoff check\n\n17 files checked, no findings\n\n"


def test_hostile_values_stay_text_in_a_table_cell(repo, tmp_path):
    """A value the finding quotes holds `|`, a line break, HTML, a link, an image, code and
    emphasis: in the summary it is one cell of one row, each of those shown, none acting."""
    hostile = "a|b\n<img src=x onerror=alert(1)>[link](http://evil.example) ![i](http://t.example/i.png) `c` **d** $x$"
    repo.write(PATH, lead_document(H, created="2026-11-20T09:00:00+09:00").replace(
        "urgency: high", f"urgency: {json.dumps(hostile)}"))
    summary = tmp_path / "summary.md"
    assert run_cli(["check"], env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 1
    (line,) = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {PATH}")]
    bare = re.sub(r"\\.", "", line)  # what is left once every backslash escape is taken out
    assert bare.count("|") == 6  # five cells, not one more
    assert not set(bare) & set("<>[]`*$!~&_\\")  # nothing left that starts HTML, a link, code, emphasis, maths
    # a bare URL is not made a link either: a WORD JOINER after "http:" (output/markdown.py, _LIVE)
    assert "a\\|b\\\\n\\<img src=x onerror=alert(1)\\>\\[link\\](http:\u2060//evil.example) \\!\\[i\\]" in line


def test_markdown_text_escapes_what_markdown_would_act_on():
    assert text("plain text, 2026-11-20: ok.") == "plain text, 2026-11-20: ok."
    assert text("a|b") == "a\\|b"
    assert text("one\ntwo\r\x1b[2J") == "one\\\\ntwo\\\\r\\\\u001b\\[2J"
    assert text("<b>&amp;</b> *x* _y_ ~z~ \\") == "\\<b\\>\\&amp;\\</b\\> \\*x\\* \\_y\\_ \\~z\\~ \\\\"


def test_a_summary_never_outgrows_what_github_accepts(tmp_path, monkeypatch):
    """GitHub refuses a step summary over 1 MiB, whole: the rows that do not fit are counted."""
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    summary = tmp_path / "summary.md"
    summary.write_bytes(b"x" * (STEP_SUMMARY_LIMIT - 1500))
    assert run_cli(["check"], env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 1
    written = summary.read_bytes()
    assert len(written) <= STEP_SUMMARY_LIMIT
    added = written[STEP_SUMMARY_LIMIT - 1500:].decode()
    shown = len([line for line in added.splitlines() if line.startswith("| handoffs/")])
    assert 0 < shown < 22
    assert f"… and {22 - shown} more findings: a step summary holds at most 1 MiB" in added


def test_the_renderer_keeps_to_its_room():
    findings = [Finding(f"handoffs/{i:04}.yaml", i + 1, 1, "title", "required field is missing", "schema.required")
                for i in range(500)]
    for room in (300, 2000, 20000):
        out = _rendered(lambda r: r.check(CheckResult(findings, 500)), room)
        assert len(out.encode()) <= room
        shown = out.count("| handoffs/")
        assert f"… and {500 - shown} more findings" in out
    assert _rendered(lambda r: r.check(CheckResult(findings, 500)), 40) == ""  # not even the heading fits
    assert _rendered(lambda r: r.check(CheckResult(findings, 500)), None).count("| handoffs/") == 500


def _rendered(render, room) -> str:
    import io

    stream = io.StringIO()
    render(MarkdownRenderer(stream, room))
    return stream.getvalue()


# ---------------------------------------------------------------- report --fail-on-overdue

def _two_overdue(repo) -> None:
    for handoff_id, day in (("20261102-aaaaaa", "02"), ("20261104-bbbbbb", "04"), ("20261110-cccccc", "10")):
        repo.write(f"handoffs/2026/11/{day}/{handoff_id}.yaml",
                   lead_document(handoff_id, created=f"2026-11-{day}T09:00:00+09:00"))
        repo.commit(f"hand over {handoff_id}", date=f"2026-11-{day}T10:00:00+09:00")


def test_fail_on_overdue_ends_with_how_many_and_which(repo, tmp_path):
    _two_overdue(repo)
    summary = tmp_path / "summary.md"
    result = run_cli(["report", "--fail-on-overdue", "--as-of", "2026-11-06", "--format", "json"],
                     env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "2 handoffs overdue: 20261102-aaaaaa, 20261104-bbbbbb"
    json.loads(result.stdout)  # stdout is still the report
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("### Overdue feedback (as of 2026-11-06)\n\n| id | title | receiver | handed over |")
    assert "| 20261102-aaaaaa | Lead 20261102-aaaaaa | Bob Receiver | 2026-11-02 (4d) | awaiting receipt | 2026-11-03 |" in written
    assert "20261110-cccccc" not in written  # not handed over yet, as of that day
    assert written.endswith("\n\n2 handoffs overdue: 20261102-aaaaaa, 20261104-bbbbbb\n\n")


def test_fail_on_overdue_without_overdue_says_none(repo, tmp_path):
    _two_overdue(repo)
    summary = tmp_path / "summary.md"
    result = run_cli(["report", "--fail-on-overdue", "--as-of", "2026-11-02"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "no handoff is overdue"
    assert summary.read_text(encoding="utf-8") == "### Overdue feedback (as of 2026-11-02)\n\nno handoff is overdue\n\n"
    japanese = run_cli(["report", "--fail-on-overdue", "--as-of", "2026-11-06"], env={"HANDOFF_LANG": "ja"})
    assert japanese.stderr.splitlines()[-1] == "期限を過ぎた引き継ぎ 2 件: 20261102-aaaaaa, 20261104-bbbbbb"


def test_report_without_the_gate_writes_no_summary(repo, tmp_path):
    _two_overdue(repo)
    summary = tmp_path / "summary.md"
    assert run_cli(["report", "--as-of", "2026-11-06"], env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 0
    assert not summary.exists()


def test_the_overdue_line_names_the_first_five():
    def row(i: int, overdue: bool = True) -> PendingRow:
        return PendingRow(f"2026110{i}-aaaaa{i}", "t", "lead", "r", "2026-11-01", 3, "receipt", "2026-11-02", overdue,
                          False, False)

    report = SimpleNamespace(pending=[row(i) for i in range(1, 8)] + [row(9, overdue=False)])
    assert overdue_line(report) == ("7 handoffs overdue: 20261101-aaaaa1, 20261102-aaaaa2, 20261103-aaaaa3, "
                                    "20261104-aaaaa4, 20261105-aaaaa5, …")
    assert overdue_line(SimpleNamespace(pending=[row(1)])) == "1 handoff overdue: 20261101-aaaaa1"
    assert overdue_line(SimpleNamespace(pending=[row(1, overdue=False)])) == "no handoff is overdue"
