from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import GitRepo, make_repo


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """No user's global git config, language or editor leaks into a test, nor a CI runner's
    GITHUB_ACTIONS (which fences output off with ::stop-commands::) or GITHUB_STEP_SUMMARY
    (where check and report append the job summary)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "HANDOFF_LANG", "EDITOR", "VISUAL", "GITHUB_ACTIONS",
                "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "160")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> GitRepo:
    """An empty git repository, initialised for handoff, as the current folder."""
    repository = make_repo(tmp_path / "repo")
    repository.write(".handoff.yaml", "version: 1\n")
    (repository.path / "handoffs").mkdir()
    monkeypatch.chdir(repository.path)
    return repository


@pytest.fixture
def examples_repo(repo: GitRepo) -> GitRepo:
    repo.copy_examples()
    return repo


def pytest_configure(config):
    os.environ.setdefault("PYTHONUTF8", "1")
