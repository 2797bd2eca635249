"""Odd or hostile git history never breaks `report` or `show`: a commit whose author time or
identity cannot be read is one warning naming it and is left out, the rest of history is
used, and times at the very end of the calendar never overflow. The commits are real git
objects, written by hand where git itself would refuse them; the installed `handoff` runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ALICE, BOB, feedback_document, lead_document, receipt_entry

H1, H2 = "20261102-aaaaaa", "20261102-bbbbbb"
DAY = "handoffs/2026/11/02"
HANDOFF = str(Path(sys.executable).parent / "handoff")


def _installed(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([HANDOFF, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}, stdin=subprocess.DEVNULL)


def _report(cwd: Path) -> dict:
    done = _installed(["report", "--format", "json", "--as-of", "2026-12-01"], cwd)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["report"]


def _scores(report: dict) -> dict[str, dict]:
    return {record["id"]: record for record in report["scores"]}


def _commit_object(repo, ident: str, message: str) -> str:
    """Commit the working tree as a hand-written commit object with `ident` as author and
    committer (`Name <email> seconds zone`, taken as it is: git's checks are bypassed)."""
    repo.git("add", "-A")
    tree = repo.git("write-tree").strip()
    parent = repo.git("rev-parse", "HEAD").strip()
    written = repo.path.parent / "commit-object"
    written.write_bytes(f"tree {tree}\nparent {parent}\nauthor {ident}\ncommitter {ident}\n\n{message}\n".encode())
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", str(written)).strip()
    repo.git("update-ref", "HEAD", sha)
    return sha


def _two_handoffs(repo) -> None:
    repo.write(f"{DAY}/{H1}.yaml", lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.write(f"{DAY}/{H2}.yaml", lead_document(H2, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", author=ALICE, date="2026-11-02T09:00:00+09:00")


UNREADABLE = {
    "a timestamp past year 9999, odd zone": "Mallory <m@example.com> 99999999999999 +9959",
    "a timestamp past year 9999": "Mallory <m@example.com> 99999999999999 +0000",
    "a zone of 99 hours": "Mallory <m@example.com> 1762300000 +9959",
    "a zone of 60 minutes": "Mallory <m@example.com> 1762300000 +0060",
    "no date at all": "Mallory <m@example.com> yesterday +0000",
    "no e-mail brackets": "Mallory 1762300000 +0000",
}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_an_unreadable_commit_is_one_warning_and_the_rest_of_history_is_used(repo, name):
    _two_handoffs(repo)
    repo.write(f"{DAY}/{H1}.feedback.yaml", feedback_document(H1, [receipt_entry("2026-11-03T10:00:00+09:00")]))
    hostile = _commit_object(repo, UNREADABLE[name], "receipt, from a commit nobody can date")
    repo.write(f"{DAY}/{H2}.feedback.yaml", feedback_document(H2, [receipt_entry("2026-11-04T10:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-04T10:00:00+09:00")

    report = _report(repo.path)
    about = [w for w in report["warnings"] if hostile[:12] in w]
    assert len(about) == 1 and "cannot be read" in about[0], report["warnings"]
    assert report["history"] == "complete"
    scores = _scores(report)
    # the rest of history is used: both handovers and the readable receipt come from git
    assert scores[H1]["source"] == scores[H2]["source"] == "git"
    assert scores[H1]["handed_over"] == "2026-11-02T09:00:00+09:00"
    assert scores[H2]["received"] == "2026-11-04T10:00:00+09:00"
    # the unreadable commit's own event is unknown: never its impossible date
    assert not (scores[H1]["received"] or "").startswith(("3170843", "2023-11"))

    text = _installed(["report", "--as-of", "2026-12-01"], repo.path)
    assert text.returncode == 0 and text.stderr.count(hostile[:12]) == 1, text.stderr
    for handoff_id in (H1, H2):
        shown = _installed(["show", handoff_id, "--format", "json"], repo.path)
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr


def test_the_warning_outlives_the_cache(repo):
    """Read again from the cached history (only the new commits), the warning is still there."""
    _two_handoffs(repo)
    repo.write(f"{DAY}/{H1}.feedback.yaml", feedback_document(H1, [receipt_entry("2026-11-03T10:00:00+09:00")]))
    hostile = _commit_object(repo, UNREADABLE["a zone of 99 hours"], "receipt")
    assert sum(hostile[:12] in w for w in _report(repo.path)["warnings"]) == 1
    assert sum(hostile[:12] in w for w in _report(repo.path)["warnings"]) == 1  # the cached join
    repo.write(f"{DAY}/{H2}.feedback.yaml", feedback_document(H2, [receipt_entry("2026-11-04T10:00:00+09:00")]))
    repo.commit("receipt", author=BOB, date="2026-11-04T10:00:00+09:00")
    report = _report(repo.path)  # cached timelines plus the one new commit
    assert sum(hostile[:12] in w for w in report["warnings"]) == 1
    assert _scores(report)[H2]["received"] == "2026-11-04T10:00:00+09:00"


def test_separators_in_an_author_name_are_only_a_name(repo):
    """Names are free text to git: the old field and record separators are part of one."""
    _two_handoffs(repo)
    odd = ("Eve\x1fRecord\x1eSeparator", "eve\x1f@example.com")
    repo.write(f"{DAY}/{H1}.feedback.yaml", feedback_document(H1, [receipt_entry("2026-11-03T10:00:00+09:00")]))
    repo.commit("receipt", author=odd, date="2026-11-03T10:00:00+09:00")
    report = _report(repo.path)
    assert not [w for w in report["warnings"] if "cannot be read" in w]
    scores = _scores(report)
    assert scores[H1]["received"] == "2026-11-03T10:00:00+09:00"
    assert scores[H1]["feedback_by_someone_else"] is True  # Eve is not the receiver Bob
    assert _installed(["show", H1], repo.path).returncode == 0


def test_the_last_second_of_year_9999_does_not_overflow(repo):
    """A readable date at the end of the calendar: due dates stop at 9999-12-31, a receipt
    there seen from another time zone is late, and nothing overflows."""
    repo.write(f"{DAY}/{H1}.yaml", lead_document(H1, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over at the end of time", date="@253402300799 +0000")
    repo.write(f"{DAY}/{H2}.yaml", lead_document(H2, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over", date="2026-11-02T09:00:00+09:00")
    repo.write(f"{DAY}/{H2}.feedback.yaml", feedback_document(H2, [receipt_entry("2026-11-03T10:00:00+09:00")]))
    repo.commit("receipt at the end of time", author=BOB, date="@253402300799 +0000")

    report = _report(repo.path)
    assert not [w for w in report["warnings"] if "cannot be read" in w]
    pending = {row["id"]: row for row in report["pending"]}
    assert pending[H1]["handed_over"] == "9999-12-31T23:59:59+00:00" and pending[H1]["due"] == "9999-12-31"
    assert _scores(report)[H2]["received"] == "9999-12-31T23:59:59+00:00"
    assert report["responsiveness"]["receipt_on_time_rate"] == 0.0
    for handoff_id in (H1, H2):
        assert _installed(["show", handoff_id], repo.path).returncode == 0


def test_typed_times_at_the_end_of_the_calendar_without_git(repo):
    """Without history the files' own times are used; year 9999 in any zone is no crash."""
    repo.write(f"{DAY}/{H1}.yaml", lead_document(H1, created="9999-12-31T23:59:59-05:00"))
    repo.write(f"{DAY}/{H2}.yaml", lead_document(H2, created="9999-12-31T23:00:00+00:00"))
    repo.write(f"{DAY}/{H2}.feedback.yaml", feedback_document(H2, [receipt_entry("9999-12-31T23:30:00-12:00")]))
    shutil.rmtree(repo.path / ".git")
    report = _report(repo.path)
    assert report["history"] == "unavailable"
    pending = {row["id"]: row for row in report["pending"]}
    assert pending[H1]["due"] == "9999-12-31"
    assert _installed(["show", H1], repo.path).returncode == 0
