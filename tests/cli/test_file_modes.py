"""Files are written as any other program writes them: the mode follows the umask (the
atomic write's temporary file starts as 0600), through the installed `handoff`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import LEAD_FLAGS, make_repo

HANDOFF = str(Path(sys.executable).parent / "handoff")


def _run(args, cwd, umask: int):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    return subprocess.run([HANDOFF, *args], cwd=cwd, capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60, preexec_fn=lambda: os.umask(umask))


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_honour_the_umask(tmp_path, umask, mode):
    repo = make_repo(tmp_path / "r")
    assert _run(["init"], repo.path, umask).returncode == 0
    assert stat.S_IMODE((repo.path / ".handoff.yaml").stat().st_mode) == mode
    done = _run(["new", "lead", *LEAD_FLAGS], repo.path, umask)
    assert done.returncode == 0, done.stderr
    (written,) = (repo.path / "handoffs").rglob("2*.yaml")
    assert stat.S_IMODE(written.stat().st_mode) == mode
