"""The cache is keyed by the code that made it: an edited scoring rule shows at once, even
in a copy edited in place with the version unchanged, without deleting anything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import handoff_cli

PACKAGE = Path(handoff_cli.__file__).parent
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def _installed_copy(target: Path) -> Path:
    """The package as installed, copied where a test may edit it (schemas beside it, as in a wheel)."""
    copy = target / "handoff_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    if not (copy / "schemas").is_dir():
        shutil.copytree(SCHEMAS, copy / "schemas")
    return copy


def _qualities(site: Path, repo: Path) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(site), "HANDOFF_WORKERS": "0"}
    done = subprocess.run([sys.executable, "-m", "handoff_cli", "report", "--format", "json",
                           "--as-of", "2026-11-20"], cwd=repo, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return {record["id"]: record["quality"] for record in json.loads(done.stdout)["report"]["scores"]}


def test_an_edited_weight_changes_the_report_without_deleting_the_cache(examples_repo, tmp_path):
    examples_repo.commit("examples")
    site = tmp_path / "site"
    copy = _installed_copy(site)
    before = _qualities(site, examples_repo.path)
    assert _qualities(site, examples_repo.path) == before  # served from the cache
    cache = examples_repo.path / ".git" / "handoff" / "cache"
    assert any(cache.iterdir())

    weights = copy / "scoring" / "weights.py"
    text = weights.read_text(encoding="utf-8")
    assert "    required: float = 15\n" in text
    weights.write_text(text.replace("    required: float = 15\n", "    required: float = 300\n"), encoding="utf-8")
    after = _qualities(site, examples_repo.path)
    assert after != before

    shutil.rmtree(cache)  # and the cache made by the edited code agrees with no cache at all
    assert _qualities(site, examples_repo.path) == after
