"""Writes are atomic; Ctrl-C keeps what was typed; concurrent writers never collide."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import LEAD_FLAGS, lead_document, make_repo

HANDOFF = str(Path(sys.executable).parent / "handoff")


def _start(args, cwd, **kwargs):
    return subprocess.Popen([HANDOFF, *args], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env={**os.environ, "NO_COLOR": "1"}, **kwargs)


def _wait_for(process, text: str, timeout: float = 20) -> None:
    """Read stderr until `text` appears (the prompt the process is waiting at)."""
    descriptor = process.stderr.fileno()
    os.set_blocking(descriptor, False)
    seen, deadline = b"", time.monotonic() + timeout
    while text.encode() not in seen:
        assert time.monotonic() < deadline, f"never saw {text!r}; saw {seen.decode(errors='replace')!r}"
        try:
            seen += os.read(descriptor, 65536)
        except BlockingIOError:
            time.sleep(0.05)
    os.set_blocking(descriptor, True)


def _interrupted(args, cwd, answers: str, prompt: str) -> str:
    """Type `answers`, press Ctrl-C at `prompt`; what the command said afterwards."""
    process = _start(args, cwd)
    process.stdin.write(answers)
    process.stdin.flush()
    _wait_for(process, prompt)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=20)
    assert process.returncode == 130
    return rest


def test_ctrl_c_during_new_keeps_the_answers(tmp_path):
    repo = make_repo(tmp_path / "r")
    rest = _interrupted(["new", "lead", "--prompt"], repo.path, "\n経理部門への引き継ぎ\n田中 一郎\n",
                        "To: the receiver's email")
    assert "continue with: handoff new --resume" in rest
    (draft,) = (repo.path / ".git/handoff/drafts").glob("lead-*.yaml")
    text = draft.read_text(encoding="utf-8")
    assert "title: 経理部門への引き継ぎ" in text and "name: 田中 一郎" in text
    assert not (repo.path / "handoffs").exists()  # nothing else is left behind


def test_ctrl_c_during_feedback_keeps_the_answers(tmp_path):
    repo = make_repo(tmp_path / "r", user=("Bob Receiver", "bob@example.com"))
    handoff_id = "20261102-aaaaaa"
    repo.write(f"handoffs/2026/11/02/{handoff_id}.yaml", lead_document(handoff_id, created="2026-11-02T09:00:00+09:00"))
    rest = _interrupted(["feedback", handoff_id, "--prompt", "--receipt"], repo.path, "accepted\n", "synthesis")
    assert f"continue with: handoff feedback {handoff_id} --resume" in rest
    assert not (repo.path / f"handoffs/2026/11/02/{handoff_id}.feedback.yaml").exists()
    done = subprocess.run([HANDOFF, "feedback", handoff_id, "--resume", "--synthesis", "CFO decides by 12/01"],
                          cwd=repo.path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    feedback = (repo.path / f"handoffs/2026/11/02/{handoff_id}.feedback.yaml").read_text(encoding="utf-8")
    assert "decision: accepted" in feedback and "synthesis: CFO decides by 12/01" in feedback


def test_a_killed_writer_never_leaves_a_half_document(tmp_path):
    target = tmp_path / "doc.yaml"
    target.write_text("old: complete\n", encoding="utf-8")
    script = ("import sys; from pathlib import Path; from handoff_cli.documents.writing import write_atomic\n"
              "write_atomic(Path(sys.argv[1]), 'new: ' + 'x' * 200_000_000 + '\\n')\n")
    for delay in (0.05, 0.2, 0.5):
        process = subprocess.Popen([sys.executable, "-c", script, str(target)])
        time.sleep(delay)
        process.kill()
        process.wait()
        content = target.read_bytes()
        assert content == b"old: complete\n" or (content.startswith(b"new: ") and content.endswith(b"\n"))


def test_concurrent_new_commands_get_distinct_ids(tmp_path):
    repo = make_repo(tmp_path / "r")
    processes = [_start(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "created=2026-11-20T10:00:00+09:00"], repo.path)
                 for _ in range(6)]
    ids = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        ids.append(out.strip())
    assert len(set(ids)) == 6
    assert len(list((repo.path / "handoffs/2026/11/20").glob("*.yaml"))) == 6
