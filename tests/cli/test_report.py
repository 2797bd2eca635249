"""`handoff report` on repositories with chosen authors and dates: exact figures in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess

from helpers import ALICE, BOB, feedback_document, lead_document, make_repo, outcome_entry, receipt_entry, run_cli

CAROL = ("Carol Sender", "carol@example.com")
H1, H2, H3 = "20261102-aaaaaa", "20261104-bbbbbb", "20261110-cccccc"


def _path(handoff_id: str, feedback: bool = False) -> str:
    return f"handoffs/{handoff_id[:4]}/{handoff_id[4:6]}/{handoff_id[6:8]}/{handoff_id}" + (
        ".feedback.yaml" if feedback else ".yaml")


def _build(repo):
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00", decision_maker="Mark"))
    repo.commit("hand over 1", author=ALICE, date="2026-11-02T10:00:00+09:00")   # Monday
    repo.write(_path(H1, True), feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00")]))
    repo.commit("receipt 1", author=BOB, date="2026-11-02T16:00:00+09:00")       # 6 h later
    repo.write(_path(H1, True), feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00"),
               outcome_entry("2026-11-04T10:00:00+09:00", missing_fields="[decision_maker]")]))
    repo.commit("outcome 1", author=BOB, date="2026-11-04T10:00:00+09:00")       # 2 days
    repo.write(_path(H1), lead_document(H1, created="2026-11-02T09:00:00+09:00", decision_maker="CFO Mark Liu"))
    repo.commit("rework 1", author=ALICE, date="2026-11-05T10:00:00+09:00")
    repo.write(_path(H2), lead_document(H2, created="2026-11-01T09:00:00+09:00", sender=CAROL))
    repo.commit("hand over 2", author=CAROL, date="2026-11-04T10:00:00+09:00")   # typed 3 days earlier
    repo.write(_path(H2, True), feedback_document(H2, [receipt_entry("2026-11-09T09:00:00+09:00")]))
    repo.commit("receipt 2", author=BOB, date="2026-11-09T09:00:00+09:00")       # late: due 11-05
    repo.write(_path(H3), lead_document(H3, created="2026-11-10T09:00:00+09:00",
                                        extra_context="  x-safety_issue_note: none\n"))
    repo.commit("hand over 3", author=ALICE, date="2026-11-10T09:00:00+09:00")


def test_report_json_figures(repo):
    _build(repo)
    result = run_cli(["report", "--format", "json", "--as-of", "2026-11-12"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    assert json.loads(result.stdout)["format_version"] == 1
    assert report["history"] == "complete" and report["handoffs"] == 3
    pending = [(p["id"], p["awaiting"], p["due"], p["overdue"], p["age_days"]) for p in report["pending"]]
    assert pending == [(H2, "outcome", "2026-11-07", True, 8), (H3, "receipt", "2026-11-11", True, 2)]
    r = report["responsiveness"]
    assert (r["receipts"], r["receipt_on_time_rate"], r["receipt_median_hours"]) == (2, 0.5, 62.5)  # 6 h, 119 h
    assert (r["outcomes"], r["outcome_on_time_rate"], r["outcome_median_days"], r["overdue"]) == (1, 1.0, 2.0, 2)
    scores = {s["id"]: s for s in report["scores"]}
    assert scores[H1]["status"] == "final" and scores[H2]["status"] == "provisional"
    assert scores[H1]["rework"] == 1 and scores[H1]["supplied_late"] == ["decision_maker"]
    assert scores[H1]["parts"]["stability"]["value"] == 0.7
    assert scores[H1]["handed_over"] == "2026-11-02T10:00:00+09:00"
    assert f"{H2}: created 2026-11-01 but committed 2026-11-04 (git wins)" in report["warnings"]
    groups = {g["group"]: g for g in report["groups"]}
    assert groups["Alice Sender"]["count"] == 2 and groups["Alice Sender"]["top_missing"] == ["decision_maker (1)"]
    assert groups["Carol Sender"]["feedback_rate"] == 0.0
    (funnel,) = report["funnel"]
    assert (funnel["handed_over"], funnel["received"], funnel["accepted"], funnel["acceptance_rate"]) == (3, 2, 2, 1.0)
    assert [t["month"] for t in report["trend"]] == ["2026-11"]


def test_report_table_and_filters(repo):
    _build(repo)
    result = run_cli(["report", "--as-of", "2026-11-12", "--by", "pair"])
    assert result.exit_code == 0
    out = result.stdout
    assert "Pending feedback (2, as of 2026-11-12)" in out
    assert "OVERDUE 2026-11-07" in out
    assert "Quality by pair" in out and "Alice Sender → Bob Receiver" in out
    assert "warning: 20261104-bbbbbb: created 2026-11-01 but committed 2026-11-04 (git wins)" in result.stderr
    since = json.loads(run_cli(["report", "--format", "json", "--since", "2026-11-04", "--as-of", "2026-11-12"]).stdout)
    assert since["report"]["handoffs"] == 2
    until = json.loads(run_cli(["report", "--format", "json", "--until", "2026-11-03", "--as-of", "2026-11-12"]).stdout)
    assert [s["id"] for s in until["report"]["scores"]] == [H1]
    assert run_cli(["report", "--since", "yesterday"]).exit_code == 2


def test_report_csv_tables(repo):
    _build(repo)
    pending = list(csv.DictReader(io.StringIO(run_cli(["report", "--format", "csv", "--as-of", "2026-11-12"]).stdout)))
    assert [(r["id"], r["overdue"]) for r in pending] == [(H2, "true"), (H3, "true")]
    scores = list(csv.DictReader(io.StringIO(
        run_cli(["report", "--format", "csv", "--table", "scores", "--as-of", "2026-11-12"]).stdout)))
    assert {r["id"] for r in scores} == {H1, H2, H3}
    assert next(r for r in scores if r["id"] == H1)["part_stability"] == "0.7"


def test_fail_on_overdue(repo):
    _build(repo)
    assert run_cli(["report", "--as-of", "2026-11-12"]).exit_code == 0
    assert run_cli(["report", "--as-of", "2026-11-12", "--fail-on-overdue"]).exit_code == 1
    assert run_cli(["report", "--as-of", "2026-11-03", "--until", "2026-11-02", "--fail-on-overdue"]).exit_code == 0


def test_shallow_clone_warns_and_marks_partial(tmp_path, monkeypatch):
    origin = make_repo(tmp_path / "origin")
    _build(origin)
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(tmp_path / "shallow")],
                   check=True)
    monkeypatch.chdir(tmp_path / "shallow")
    result = run_cli(["report", "--format", "json", "--as-of", "2026-11-12"])
    report = json.loads(result.stdout)["report"]
    assert report["history"] == "partial"
    assert any("shallow clone" in w and "git fetch --unshallow" in w and "fetch-depth: 0" in w
               for w in report["warnings"])


def test_shallow_clone_is_one_warning_and_exit_0(tmp_path, monkeypatch):
    """A clone one commit deep (actions/checkout's default): that commit holds every handoff
    under its own date and author, so every typed date "disagrees" and feedback seems
    recorded by someone else. The report says ONE thing, what is missing and how to fetch
    it, nothing per handoff, and exits 0: partial history is not an error."""
    origin = make_repo(tmp_path / "origin")
    _build(origin)
    assert any("git wins" in line for line in run_cli_in(origin.path, monkeypatch, ["report"]).stderr.splitlines())
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(tmp_path / "shallow")],
                   check=True)
    result = run_cli_in(tmp_path / "shallow", monkeypatch, ["report", "--as-of", "2026-11-12"])
    assert result.exit_code == 0
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "git wins" not in result.stderr and "someone else" not in result.stderr
    assert warning.startswith("warning: shallow clone: the git history before its oldest commit is missing")
    assert "`git fetch --unshallow`" in warning and "fetch-depth: 0 in actions/checkout" in warning
    report = json.loads(run_cli(["report", "--format", "json", "--as-of", "2026-11-12"]).stdout)["report"]
    assert report["history"] == "partial" and report["warnings"] == [warning.removeprefix("warning: ")]
    assert not any(score["feedback_by_someone_else"] for score in report["scores"])
    gate = run_cli(["report", "--as-of", "2026-11-12", "--fail-on-overdue"])
    assert gate.stderr.splitlines()[0] == warning and gate.stderr.count("warning:") == 1
    assert re.fullmatch(r"no handoff is overdue|\d+ handoffs? overdue: .+", gate.stderr.splitlines()[-1])  # last


def run_cli_in(folder, monkeypatch, args):
    monkeypatch.chdir(folder)
    return run_cli(args)


def test_not_a_git_repository_uses_file_times(tmp_path, monkeypatch):
    folder = tmp_path / "plain"
    (folder / "handoffs/2026/11/02").mkdir(parents=True)
    (folder / _path(H1)).write_text(lead_document(H1, created="2026-11-02T09:00:00+09:00"), encoding="utf-8")
    (folder / ".handoff.yaml").write_text("version: 1\n")
    monkeypatch.chdir(folder)
    result = run_cli(["report", "--format", "json", "--as-of", "2026-11-12"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)["report"]
    assert report["history"] == "unavailable"
    assert report["warnings"][0].startswith("not a git repository: handover, receipt and feedback times come from")
    assert report["scores"][0]["source"] == "file"


def test_uncommitted_handoff_counts_as_now(repo):
    _build(repo)
    h4 = "20261111-dddddd"
    repo.write(_path(h4), lead_document(h4, created="2026-11-11T09:00:00+09:00"))
    report = json.loads(run_cli(["report", "--format", "json", "--as-of", "2026-11-12"]).stdout)["report"]
    row = next(p for p in report["pending"] if p["id"] == h4)
    assert row["uncommitted"] and row["age_days"] == 0


def test_show_explains_the_score(repo):
    _build(repo)
    result = run_cli(["show", H1])
    assert "quality" in result.stdout and "(final)" in result.stdout
    assert "1 rework commit after the handover (decision_maker); supplied late: decision_maker" in result.stdout
    assert "handed over 2026-11-02 10:00 (git), received 2026-11-02 16:00, outcome 2026-11-04 10:00" in result.stdout
    payload = json.loads(run_cli(["show", H1, "--format", "json"]).stdout)
    assert payload["score"]["parts"]["stability"]["value"] == 0.7


def test_demo_builds_a_repository_and_reports(tmp_path, monkeypatch):
    target = tmp_path / "demo"
    result = run_cli(["demo", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Demo repository: {target}" in result.stdout
    assert "Pending feedback" in result.stdout and "Best handoffs to share" in result.stdout
    log = subprocess.run(["git", "log", "--format=%an|%aI"], cwd=target, capture_output=True, text=True).stdout
    authors = {line.split("|")[0] for line in log.splitlines()}
    assert len(log.splitlines()) == 27 and len(authors) >= 6
    assert min(line.split("|")[1] for line in log.splitlines()).startswith("2026-09-01")
    monkeypatch.chdir(target)
    report = json.loads(run_cli(["report", "--format", "json", "--as-of", "2026-11-23"]).stdout)["report"]
    assert report["history"] == "complete" and report["handoffs"] == 9
    assert {s["id"]: s["rework"] for s in report["scores"] if s["rework"]} == {
        "20260907-k3m9qa": 1, "20261009-h6j3ty": 1, "20261021-b5n0lw": 1}
    assert run_cli(["check"]).exit_code == 0
    assert run_cli(["demo", str(target)]).exit_code == 2  # never builds into a folder that has files
