"""Files are read safely: a pipe, socket or link where a handoff or feedback file should be is
reported, never opened or followed, so no command hangs, reads without end, or copies a file
from outside the repository in. The installed `handoff` runs, with a timeout."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import BOB, feedback_document, lead_document, receipt_entry

H = "20261102-aaaaaa"
DOC = f"handoffs/2026/11/02/{H}.yaml"
FB = f"handoffs/2026/11/02/{H}.feedback.yaml"
HANDOFF = str(Path(sys.executable).parent / "handoff")
RECEIPT = ["--receipt", "--decision", "accepted", "--synthesis", "CFO decides"]


def _installed(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([HANDOFF, *args], cwd=cwd, capture_output=True, text=True, timeout=20,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}, stdin=subprocess.DEVNULL)


def _handed_over_to_bob(repo) -> None:
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.commit("hand over")
    repo.git("config", "user.name", BOB[0])
    repo.git("config", "user.email", BOB[1])


def test_a_pipe_named_on_the_command_line_is_a_finding_never_read(repo):
    (repo.path / DOC).parent.mkdir(parents=True)
    os.mkfifo(repo.path / DOC)
    done = _installed(["check", DOC], repo.path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{DOC}:1:1: the file is not a regular file" in done.stdout


def test_a_socket_in_the_handoffs_folder_is_a_stray(repo, monkeypatch):
    folder = repo.path / "handoffs/2026/11/02"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)  # bound by a short relative name: socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(f"{H}.feedback.yaml")
        done = _installed(["check"], repo.path)
    assert done.returncode == 1 and f"'{H}.feedback.yaml' is not a regular file" in done.stdout, done.stdout


@pytest.mark.parametrize("special", ["pipe", "dangling link", "link to a pipe"])
def test_feedback_refuses_a_special_feedback_file_and_leaves_it(repo, tmp_path, special):
    _handed_over_to_bob(repo)
    target = repo.path / FB
    if special == "pipe":
        os.mkfifo(target)
    elif special == "dangling link":
        os.symlink(tmp_path / "nowhere.yaml", target)
    else:
        os.mkfifo(tmp_path / "pipe")
        os.symlink(tmp_path / "pipe", target)
    done = _installed(["feedback", H, *RECEIPT], repo.path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and FB in done.stderr  # one line, naming the file
    assert ("not a regular file" if special == "pipe" else "symbolic link") in done.stderr
    assert target.is_symlink() == (special != "pipe")
    assert not (tmp_path / "nowhere.yaml").exists()


def test_feedback_refuses_an_oversize_feedback_file(repo):
    _handed_over_to_bob(repo)
    entries = receipt_entry("2026-11-03T10:00:00+09:00")
    repo.write(FB, feedback_document(H, [entries]) + "# " + "x" * (1024 * 1024) + "\n")
    before = (repo.path / FB).read_bytes()
    done = _installed(["feedback", H, *RECEIPT], repo.path)
    assert done.returncode == 2 and "the limit is 1048576 bytes" in done.stderr, done.stderr
    assert (repo.path / FB).read_bytes() == before


def test_show_reports_a_linked_feedback_file_and_never_reads_it(repo, tmp_path):
    _handed_over_to_bob(repo)
    outside = tmp_path / "outside.yaml"
    outside.write_text(feedback_document(H, [receipt_entry("2026-11-03T10:00:00+09:00")]) + "# s3cr3t\n")
    os.symlink(outside, repo.path / FB)
    done = _installed(["check"], repo.path)
    assert done.returncode == 1 and "symbolic link" in done.stdout and "s3cr3t" not in done.stdout
    shown = _installed(["show", H], repo.path)
    assert "Traceback" not in shown.stderr and "s3cr3t" not in shown.stdout + shown.stderr
    assert "CFO decides" not in shown.stdout and "Second offer wanted" not in shown.stdout
