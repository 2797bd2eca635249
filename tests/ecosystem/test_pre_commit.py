"""pre-commit, for real: a repository that uses this project's hook (`.pre-commit-hooks.yaml`)
through the real `pre-commit` package, with the hook installed from a git repository holding a
copy of this project at a commit, as pre-commit installs any hook (pip, in its own virtualenv).

One hook environment serves the whole module (PRE_COMMIT_HOME under a module-scoped temporary
folder): building it downloads the project's dependencies once, which is slow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import lead_document, make_repo

PROJECT = Path(__file__).resolve().parents[2]
COPIED = ["src", "schemas", "examples", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]
WORKFLOW = """\
name: handoffs
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: handoff check --format github
"""
H = "20261102-aaaaaa"
DOC = f"handoffs/2026/11/02/{H}.yaml"


class Hook:
    """The hook repository (a copy of this project, committed) and pre-commit's home."""

    def __init__(self, base: Path):
        self.repo = make_repo(base / "handoff-hook")
        for name in COPIED:
            source = PROJECT / name
            if source.is_dir():
                shutil.copytree(source, self.repo.path / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
            else:
                shutil.copy(source, self.repo.path / name)
        self.rev = self.repo.commit("handoff, as released")
        self.home = base / "home"
        self.home.mkdir()
        self.pre_commit_home = base / "pre-commit-home"

    def env(self) -> dict[str, str]:
        return {**os.environ, "PRE_COMMIT_HOME": str(self.pre_commit_home), "PRE_COMMIT_COLOR": "never",
                "NO_COLOR": "1", "HOME": str(self.home), "GIT_CONFIG_GLOBAL": str(self.home / "gitconfig"),
                "GIT_CONFIG_NOSYSTEM": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def config(self, *, files: str | None = None) -> str:
        override = f"\n        files: '{files}'" if files is not None else ""
        return (f"repos:\n  - repo: {self.repo.path}\n    rev: {self.rev}\n"
                f"    hooks:\n      - id: handoff-check{override}\n")

    def run(self, args: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def consumer(self, path: Path, *, files: str | None = None):
        """A repository set up with `handoff init` and the hook, pre-commit installed."""
        repo = make_repo(path)
        done = self.run([str(Path(sys.executable).parent / "handoff"), "init"], repo.path)
        assert done.returncode == 0, done.stderr
        repo.write(".pre-commit-config.yaml", self.config(files=files))
        done = self.run([sys.executable, "-m", "pre_commit", "install"], repo.path)
        assert done.returncode == 0, done.stdout + done.stderr
        return repo

    def commit(self, repo, message: str) -> tuple[int, str]:
        """`git commit` as a person runs it (the pre-commit hook runs first): its exit code and
        everything it printed (git sends a hook's output to stderr)."""
        repo.git("add", "-A")
        done = self.run(["git", "commit", "-m", message], repo.path, timeout=600)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> Hook:
    hook = Hook(tmp_path_factory.mktemp("pre-commit"))
    warm = make_repo(tmp_path_factory.mktemp("warm") / "repo")
    warm.write(".pre-commit-config.yaml", hook.config())
    done = hook.run([sys.executable, "-m", "pre_commit", "install-hooks"], warm.path, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr  # pip installed the hook from its repository
    return hook


def _head(repo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def test_a_commit_of_configuration_files_passes(hook, tmp_path):
    repo = hook.consumer(tmp_path / "consumer")
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    code, out = hook.commit(repo, "set up handoffs, pre-commit and CI")
    assert code == 0, out
    assert "handoff check" in out and "Failed" not in out
    committed = repo.git("ls-files").split()
    assert {".pre-commit-config.yaml", ".github/workflows/ci.yml", ".handoff.yaml", "handoffs/.gitkeep"} <= set(committed)


def test_even_a_hook_given_every_file_skips_what_is_not_a_handoff(hook, tmp_path):
    """A repository that overrides `files:` to pass everything (as the 0.1 hook passed every
    YAML file): the real `handoff check` gets the configuration files and .gitkeep, and passes."""
    repo = hook.consumer(tmp_path / "consumer", files="")
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    code, out = hook.commit(repo, "everything at once")
    assert code == 0, out
    assert "handoff check" in out and "Passed" in out
    done = hook.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--verbose"], repo.path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ".pre-commit-config.yaml: skipped: outside the handoffs folder handoffs/, not a handoff" in done.stdout
    assert "handoffs/.gitkeep: skipped: a hidden file" in done.stdout
    assert "required field is missing" not in done.stdout


def test_a_commit_of_an_incomplete_handoff_is_rejected_with_its_findings(hook, tmp_path):
    repo = hook.consumer(tmp_path / "consumer")
    assert hook.commit(repo, "set up")[0] == 0
    before = _head(repo)
    incomplete = lead_document(H, created="2026-11-02T09:00:00+09:00").replace("  decision_maker: CFO Mark Liu\n", "")
    repo.write(DOC, incomplete)
    code, out = hook.commit(repo, "hand over")
    assert code != 0
    assert "handoff check" in out and "Failed" in out
    assert f"{DOC}:" in out and "context.decision_maker: required field is missing" in out
    assert _head(repo) == before  # nothing was committed
    repo.write(DOC, lead_document(H, created="2026-11-02T09:00:00+09:00"))
    code, out = hook.commit(repo, "hand over, complete")
    assert code == 0, out
    assert "Passed" in out and _head(repo) != before
