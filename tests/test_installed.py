"""The installed `handoff` executable, run as a user would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, LEAD_FLAGS, make_repo


def _handoff() -> str:
    beside = Path(sys.executable).parent / "handoff"
    found = str(beside) if beside.exists() else shutil.which("handoff")
    if not found:
        pytest.fail("the handoff executable is not installed")
    return found


def _run(args, cwd, **env):
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160", **env}
    return subprocess.run([_handoff(), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          env=full, stdin=subprocess.DEVNULL, timeout=60)


def test_version_and_help(tmp_path):
    assert _run(["--version"], tmp_path).stdout.startswith("handoff ")
    assert "Structured handoffs" in _run(["--help"], tmp_path).stdout
    module = subprocess.run([sys.executable, "-m", "handoff_cli", "--version"], capture_output=True, text=True)
    assert module.stdout.startswith("handoff ")


def test_check_on_bundled_examples():
    done = _run(["check"], EXAMPLES)
    assert done.returncode == 0 and done.stdout == "17 files checked, no findings\n"
    done = _run(["check"], EXAMPLES / "invalid")
    assert done.returncode == 1
    assert done.stdout == (EXAMPLES / "invalid" / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in done.stderr


def test_new_then_show_round_trips_japanese(tmp_path):
    repo = make_repo(tmp_path / "r")
    assert _run(["init"], repo.path).returncode == 0
    done = _run(["new", "lead", *LEAD_FLAGS], repo.path)  # no terminal: takes the flags, never prompts
    assert done.returncode == 0, done.stderr
    handoff_id = done.stdout.strip()
    shown = _run(["show", handoff_id[-6:]], repo.path)
    assert shown.returncode == 0
    assert "「毎朝2時間、同じ数字を打ち直している」" in shown.stdout
    listed = _run(["list", "--format", "csv"], repo.path)
    assert "ACME製作所 生産管理刷新の初回商談" in listed.stdout


@pytest.mark.parametrize("command", [["check", "--format", "json"], ["list", "--format", "json"],
                                     ["report", "--format", "json", "--as-of", "2026-11-20"]])
def test_worker_processes_give_the_same_results(tmp_path, command):
    """Big repositories are read by worker processes; HANDOFF_WORKERS forces them on small ones."""
    repo = make_repo(tmp_path / "r")
    repo.copy_examples()
    repo.write("handoffs/2026/11/21/20261121-broken.yaml", "id: [\n")
    repo.commit("examples", date="2026-11-01T10:00:00+09:00")
    cache = repo.path / ".git" / "handoff"
    by_one = _run(command, repo.path, HANDOFF_WORKERS="0")
    shutil.rmtree(cache)
    by_two = _run(command, repo.path, HANDOFF_WORKERS="2")
    assert by_two.returncode == by_one.returncode and by_two.stdout == by_one.stdout
    assert by_two.stderr == by_one.stderr
    assert (by_one.returncode == 1) == (command[0] == "check")
