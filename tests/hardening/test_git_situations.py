"""Git situations: no repository, no commits, detached HEAD, merges, concurrent clones."""

from __future__ import annotations

import json
import shutil
import subprocess

from helpers import ALICE, BOB, EXAMPLES, lead_document, make_repo, run_cli

H = "20261102-aaaaaa"


def test_not_a_git_repository_check_list_show_work(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "plain", ignore=shutil.ignore_patterns("invalid"))
    monkeypatch.chdir(tmp_path / "plain")
    assert run_cli(["check"]).exit_code == 0
    assert len(json.loads(run_cli(["list", "--format", "json"]).stdout)["handoffs"]) == 9
    shown = run_cli(["show", "k3m9qa"])
    assert shown.exit_code == 0 and "(file)" in shown.stdout
    report = run_cli(["report"])
    assert report.exit_code == 0
    assert "warning: not a git repository: handover, receipt and feedback times come from the files' own fields, " \
           "and rework cannot be computed" in report.stderr


def test_repository_without_commits(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    result = run_cli(["report", "--format", "json", "--as-of", "2026-11-02"])
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)["report"]["pending"]
    assert row["uncommitted"] is True


def test_detached_head(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    repo.write("README", "x")
    repo.commit("later", date="2026-11-03T10:00:00+09:00")
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    report = json.loads(run_cli(["report", "--format", "json", "--as-of", "2026-11-03"]).stdout)["report"]
    assert report["history"] == "complete"
    assert report["scores"][0]["handed_over"] == "2026-11-02T10:00:00+09:00"


def test_two_clones_create_handoffs_and_feedback_concurrently(tmp_path, monkeypatch):
    origin = make_repo(tmp_path / "origin")
    origin.write(".handoff.yaml", "version: 1\n")
    origin.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    origin.commit("first", date="2026-11-02T10:00:00+09:00")
    a_path, b_path = tmp_path / "a", tmp_path / "b"
    for path in (a_path, b_path):
        subprocess.run(["git", "clone", "-q", str(origin.path), str(path)], check=True)
    a, b = make_repo(a_path, user=BOB), make_repo(b_path, user=ALICE)
    ids = {}
    for clone, name in ((a, "a"), (b, "b")):
        monkeypatch.chdir(clone.path)
        created = run_cli(["new", "lead", "--yes", "--set", f"title=from clone {name}", "--set", "to.name=Bob Receiver",
                           "--set", "to.email=bob@example.com", "--set", "customer.company=Contoso",
                           "--set", "context.meeting_at=2026-11-24T14:00:00+09:00",
                           "--set", "context.why_they_agreed=Renewal rose 40% in October",
                           "--set", "context.pain_in_their_words=\"We re-key 30 orders a day\"",
                           "--set", "context.urgency=high", "--set", "context.urgency_evidence=Deadline 2026-12-01",
                           "--set", "context.decision_maker=CFO Mark Liu", "--set", "created=2026-11-03T10:00:00+09:00"])
        assert created.exit_code == 0, created.output
        ids[name] = created.stdout.strip()
    monkeypatch.chdir(a.path)
    assert run_cli(["feedback", H, "--decision", "accepted", "--synthesis", "CFO decides by 2026-12-01"]).exit_code == 0
    a.commit("a: handoff and receipt", author=BOB, date="2026-11-03T11:00:00+09:00")
    b.commit("b: handoff", author=ALICE, date="2026-11-03T12:00:00+09:00")
    merged = b.git("pull", "--no-rebase", "--no-edit", str(a.path), "main", date="2026-11-03T13:00:00+09:00")
    assert "CONFLICT" not in merged
    monkeypatch.chdir(b.path)
    assert ids["a"] != ids["b"]
    assert run_cli(["check"]).exit_code == 0
    report = json.loads(run_cli(["report", "--format", "json", "--as-of", "2026-11-04"]).stdout)["report"]
    assert {s["id"] for s in report["scores"]} == {H, ids["a"], ids["b"]}
    assert next(s for s in report["scores"] if s["id"] == H)["received"] == "2026-11-03T11:00:00+09:00"


def test_git_errors_are_typed_and_say_what_to_do(examples_repo, monkeypatch, tmp_path):
    """Every git call goes through git.py: an unknown ref is a usage error (2), no git at all an
    environment problem (3); both one clear line, never a traceback."""
    examples_repo.commit("examples")
    unknown = run_cli(["check", "--changed-since", "no-such-ref"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("error: --changed-since no-such-ref: ")
    assert "hint: is this a git repository, and is the ref fetched?" in unknown.stderr

    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    missing = run_cli(["check", "--changed-since", "HEAD"])
    assert missing.exit_code == 3
    assert missing.stderr == "error: git is not installed (or not on PATH)\nhint: install git, e.g. apt-get install git\n"
    report = run_cli(["report", "--format", "json"])  # the report goes on without history
    assert report.exit_code == 0 and json.loads(report.stdout)["report"]["history"] == "unavailable"
