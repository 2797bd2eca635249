"""Timelines from real git repositories with chosen authors and dates."""

from __future__ import annotations

import subprocess
from datetime import datetime

from handoff_cli.history.log import read_history
from helpers import ALICE, BOB, feedback_document, lead_document, make_repo, outcome_entry, receipt_entry

CAROL = ("Carol Other", "carol@example.com")
H1 = "20261102-aaaaaa"
P1 = f"handoffs/2026/11/02/{H1}.yaml"
F1 = f"handoffs/2026/11/02/{H1}.feedback.yaml"


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _scenario(repo):
    repo.write(".handoff.yaml", "version: 1\n")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00", decision_maker="Mark"))
    repo.commit("hand over", author=ALICE, date="2026-11-02T10:00:00+09:00")
    repo.write(F1, feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-02T15:30:00+09:00")
    repo.write(F1, feedback_document(H1, [receipt_entry("2026-11-02T15:00:00+09:00"),
                                          outcome_entry("2026-11-05T18:00:00+09:00",
                                                        missing_fields="[decision_maker]")]))
    repo.commit("outcome", author=BOB, date="2026-11-05T18:30:00+09:00")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00", decision_maker="CFO Mark Liu"))
    repo.commit("fill in decision maker", author=ALICE, date="2026-11-06T09:00:00+09:00")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00", decision_maker="CFO Mark Liu")
               .replace("title: Lead", "title: Renamed lead"))
    repo.commit("retitle (not rework: context unchanged)", author=ALICE, date="2026-11-07T09:00:00+09:00")


def test_timeline_is_exact(tmp_path):
    repo = make_repo(tmp_path / "r")
    _scenario(repo)
    history = read_history(repo.path, "handoffs")
    timeline = history.timeline(H1)
    assert history.available and not history.shallow
    assert (timeline.handed_over.at, timeline.handed_over.name) == (_dt("2026-11-02T10:00:00+09:00"), ALICE[0])
    assert (timeline.received.at, timeline.received.email) == (_dt("2026-11-02T15:30:00+09:00"), BOB[1])
    assert timeline.feedback.at == _dt("2026-11-05T18:30:00+09:00")
    assert [(r.commit.at, r.fields) for r in timeline.rework] == [(_dt("2026-11-06T09:00:00+09:00"),
                                                                   ("decision_maker",))]
    assert not timeline.uncommitted


def test_renamed_file_keeps_its_timeline(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(".handoff.yaml", "version: 1\n")
    wrong = f"handoffs/2026/10/{H1}.yaml"
    repo.write(wrong, lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over in the wrong folder", date="2026-11-02T10:00:00+09:00")
    (repo.path / P1).parent.mkdir(parents=True)
    repo.git("mv", wrong, P1)
    repo.commit("move to its date folder", date="2026-11-03T10:00:00+09:00")
    timeline = read_history(repo.path, "handoffs").timeline(H1)
    assert timeline.handed_over.at == _dt("2026-11-02T10:00:00+09:00")
    assert timeline.rework == []


def test_shallow_clone_is_detected(tmp_path):
    origin = make_repo(tmp_path / "origin")
    _scenario(origin)
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(tmp_path / "shallow")],
                   check=True)
    history = read_history(tmp_path / "shallow", "handoffs")
    assert history.shallow
    assert history.timeline(H1).handed_over.at == _dt("2026-11-07T09:00:00+09:00")  # only what the clone has


def test_uncommitted_documents_are_marked(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(".handoff.yaml", "version: 1\n")
    repo.commit("setup")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    timeline = read_history(repo.path, "handoffs").timeline(H1)
    assert timeline.uncommitted and timeline.handed_over is None


def test_repository_without_commits(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    history = read_history(repo.path, "handoffs")
    assert history.available and history.head is None
    assert history.timeline(H1).uncommitted


def test_not_a_repository(tmp_path):
    history = read_history(tmp_path, "handoffs")
    assert not history.available and history.reason == "not a git repository"


def test_two_clones_merge_without_conflicts_and_both_count(tmp_path):
    origin = make_repo(tmp_path / "origin")
    origin.write(".handoff.yaml", "version: 1\n")
    origin.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    origin.commit("first", date="2026-11-02T10:00:00+09:00")
    clones = []
    for name in ("a", "b"):
        subprocess.run(["git", "clone", "-q", str(origin.path), str(tmp_path / name)], check=True)
        clones.append(make_repo(tmp_path / name))
    a, b = clones
    h2, h3 = "20261103-bbbbbb", "20261103-cccccc"
    a.write(f"handoffs/2026/11/03/{h2}.yaml", lead_document(h2, created="2026-11-03T09:00:00+09:00"))
    a.write(F1, feedback_document(H1, [receipt_entry("2026-11-03T11:00:00+09:00")]))
    a.commit("a: new handoff and a receipt", author=BOB, date="2026-11-03T11:00:00+09:00")
    b.write(f"handoffs/2026/11/03/{h3}.yaml", lead_document(h3, created="2026-11-03T09:30:00+09:00", sender=CAROL))
    b.commit("b: new handoff", author=CAROL, date="2026-11-03T12:00:00+09:00")
    b.git("pull", "-q", "--no-rebase", "--no-edit", str(a.path), "main", date="2026-11-03T13:00:00+09:00")
    history = read_history(b.path, "handoffs")
    assert {h2, h3, H1} <= set(history.timelines)
    assert history.timeline(h2).handed_over.name == BOB[0]
    assert history.timeline(h3).handed_over.name == CAROL[0]
    assert history.timeline(H1).received.at == _dt("2026-11-03T11:00:00+09:00")


def test_git_process_count_does_not_grow_with_handoffs(tmp_path, monkeypatch):
    counts = []
    for size in (2, 40):
        repo = make_repo(tmp_path / f"r{size}")
        repo.write(".handoff.yaml", "version: 1\n")
        for index in range(size):
            handoff_id = f"20261102-{index:06d}"
            path = f"handoffs/2026/11/02/{handoff_id}"
            repo.write(path + ".yaml", lead_document(handoff_id, created="2026-11-02T09:00:00+09:00"))
            repo.write(path + ".feedback.yaml", feedback_document(handoff_id, [receipt_entry("2026-11-02T12:00:00+09:00")]))
        repo.commit("many", date="2026-11-02T12:00:00+09:00")
        for index in range(size):
            handoff_id = f"20261102-{index:06d}"
            repo.write(f"handoffs/2026/11/02/{handoff_id}.yaml",
                       lead_document(handoff_id, created="2026-11-02T09:00:00+09:00", decision_maker="COO Priya Shah"))
        repo.commit("rework all", date="2026-11-03T12:00:00+09:00")
        trace = tmp_path / f"trace{size}.txt"
        with monkeypatch.context() as patch:
            patch.setenv("GIT_TRACE", str(trace))
            history = read_history(repo.path, "handoffs")
        assert len(history.timelines) == size
        assert all(len(t.rework) == 1 for t in history.timelines.values())
        started = [line for line in trace.read_text().splitlines() if "trace: built-in: git" in line]
        counts.append((history.git_processes, len(started)))
    assert counts[0] == counts[1], counts
    assert counts[0][1] <= 6


def test_rework_detected_when_the_file_changes_style(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(P1, lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T10:00:00+09:00")
    flow = lead_document(H1, created="2026-11-02T09:00:00+09:00").split("context:\n")[0] + (
        "context: {meeting_at: '2026-11-24T14:00:00+09:00', why_they_agreed: Renewal quote rose 40% and they "
        "want a second offer, pain_in_their_words: '\"We re-key every order twice, 2 hours a day\"', urgency: low, "
        "urgency_evidence: 'Renewal deadline on 2026-12-01', decision_maker: CFO Mark Liu}\n")
    repo.write(P1, flow)
    repo.commit("hand-edited in flow style, urgency changed", date="2026-11-03T10:00:00+09:00")
    timeline = read_history(repo.path, "handoffs").timeline(H1)
    assert [r.fields for r in timeline.rework] == [("urgency",)]  # the quoted date is the same string
