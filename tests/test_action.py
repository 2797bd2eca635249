"""The GitHub Action (action.yml), run as the runner would run it: its steps' shell scripts,
with the `${{ … }}` expressions evaluated for a test event, under `bash -eo pipefail` with
GITHUB_ACTIONS and GITHUB_STEP_SUMMARY set, in a real repository cloned as actions/checkout
does (one commit deep).

The install step runs once, for real, into a throwaway virtualenv (`pip install` of this
very checkout, as `github.action_path`); every other step then finds that virtualenv's
`handoff` and `python` first on PATH, as the runner finds setup-python's. The
`actions/setup-python` step is the only one not run (it is another action)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import lead_document, make_repo

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]  # what `shell: bash` runs
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
FENCE = re.compile(r"^::(?:stop-commands::)?[0-9a-f]{32}::$")  # the ::stop-commands:: frame under GITHUB_ACTIONS

GOOD, BAD, LEGACY = "20261120-aaaaaa", "20261120-bbbbbb", "20261101-legacy"


def _path(handoff_id: str) -> str:
    return f"handoffs/{handoff_id[:4]}/{handoff_id[4:6]}/{handoff_id[6:8]}/{handoff_id}.yaml"


def _evaluate(expression: str, context: dict) -> str:
    """The few expressions action.yml uses: context paths joined by `||` (the first that is
    set). Anything else fails the test, so a new kind of expression is seen, not guessed."""
    for operand in expression.split("||"):
        operand = operand.strip()
        assert re.fullmatch(r"[a-z_]+(?:\.[a-z_-]+)+", operand), f"unsupported expression: {expression}"
        value = context
        for part in operand.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value:
            return str(value)
    return ""


def _substitute(text: str, context: dict) -> str:
    return EXPRESSION.sub(lambda found: _evaluate(found.group(1), context), str(text))


def _context(event: dict, inputs: dict) -> dict:
    github = {"action_path": str(ROOT), "event": event}
    given = {name: _substitute(spec.get("default", ""), {"github": github}) for name, spec in ACTION["inputs"].items()}
    assert set(inputs) <= set(given), "an input action.yml does not declare"
    return {"github": github, "inputs": {**given, **inputs}}


def _is_install(step: dict) -> bool:
    return "pip install" in step.get("run", "")


def _run_step(step: dict, context: dict, workspace: Path, env: dict) -> subprocess.CompletedProcess:
    assert step["shell"] == "bash" and "if" not in step, step["name"]
    script = workspace.parent / "step.sh"
    script.write_text(_substitute(step["run"], context), encoding="utf-8")
    step_env = {name: _substitute(value, context) for name, value in step.get("env", {}).items()}
    cwd = workspace / _substitute(step.get("working-directory", "."), context)
    return subprocess.run([*BASH, str(script)], cwd=cwd, env={**env, **step_env}, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, check=False)


@pytest.fixture(scope="module")
def runner_path(tmp_path_factory) -> str:
    """PATH as the runner has it after the action's install step: that step, run for real
    into a fresh virtualenv (the runner's setup-python), installing this checkout."""
    venv = tmp_path_factory.mktemp("runner") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    (install,) = [step for step in STEPS if _is_install(step)]
    assert '"${{ github.action_path }}"' in install["run"]  # this checkout, never a package index
    done = _run_step(install, _context({}, {}), venv, {**os.environ, "PATH": path})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (venv / "bin" / "handoff").exists()
    version = subprocess.run([str(venv / "bin" / "handoff"), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("handoff 0.2.0")
    return path


def run_action(workspace: Path, runner_path: str, *, event: dict, summary: Path, **inputs: str):
    """The action's steps after the install, in order, as the runner runs them; stops at the
    first that fails, as the runner does. Returns each step's result."""
    context = _context(event, inputs)
    env = {**os.environ, "PATH": runner_path, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(ROOT), "NO_COLOR": "1"}
    results = []
    for step in STEPS:
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@")
            assert step["with"]["python-version"] == "${{ inputs.python-version }}"
            continue
        if _is_install(step):
            continue  # done once for the module: runner_path
        results.append(_run_step(step, context, workspace, env))
        if results[-1].returncode != 0:
            break
    return results


def _pull_request(tmp_path: Path, change: str) -> tuple[Path, str]:
    """An origin with a base commit (one valid handoff, one invalid one nobody touches) and a
    pull request's commit; the workspace is a one-commit clone of the pull request, as
    actions/checkout makes it, so the base commit is not in it."""
    origin = make_repo(tmp_path / "origin")
    origin.write(".handoff.yaml", "version: 1\n")
    origin.write(_path(LEGACY), lead_document(LEGACY, created="2026-11-01T09:00:00+09:00").replace(
        "  decision_maker: CFO Mark Liu\n", ""))
    base = origin.commit("base", date="2026-11-01T10:00:00+09:00")
    if change == "bad":
        origin.write(_path(BAD), lead_document(BAD, created="2026-11-20T09:00:00+09:00", decision_maker="TBD"))
    elif change == "good":
        origin.write(_path(GOOD), lead_document(GOOD, created="2026-11-20T09:00:00+09:00"))
    elif change == "broken config":
        origin.write(".handoff.yaml", "version: 1\ndir: [\n")
    origin.commit("the pull request")
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(workspace)], check=True)
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=workspace, capture_output=True).returncode != 0
    return workspace, base


def _lines(stream: str) -> list[str]:
    return [line for line in stream.splitlines() if not FENCE.match(line)]


def test_a_bad_handoff_in_a_pull_request_fails_with_annotations_and_a_summary(tmp_path, runner_path):
    workspace, base = _pull_request(tmp_path, "bad")
    summary = tmp_path / "summary.md"
    fetched, checked = run_action(workspace, runner_path, event={"pull_request": {"base": {"sha": base}}},
                                  summary=summary)
    assert fetched.returncode == 0, fetched.stderr
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=workspace).returncode == 0
    assert checked.returncode == 1, checked.stderr
    annotations = [line for line in checked.stdout.splitlines() if line.startswith("::error ")]
    assert annotations == [f"::error file={_path(BAD)},line=21,col=3,title=handoff%3A context.decision_maker::"
                           "'TBD' is a placeholder, not content; write what you know, or move the unknown to "
                           "open_questions"]
    assert LEGACY not in checked.stdout  # unchanged since the base: not this pull request's doing
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### handoff check\n\n1 file checked, 1 finding in 1 file\n")
    assert f"| {_path(BAD)} | 21 | context.decision\\_maker | 'TBD' is a placeholder" in text


def test_a_good_pull_request_passes(tmp_path, runner_path):
    workspace, base = _pull_request(tmp_path, "good")
    summary = tmp_path / "summary.md"
    *_, checked = run_action(workspace, runner_path, event={"pull_request": {"base": {"sha": base}}},
                             summary=summary)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "::error" not in checked.stdout
    assert checked.stdout.splitlines()[-1] == "1 file checked, no findings"
    assert summary.read_text(encoding="utf-8") == "### handoff check\n\n1 file checked, no findings\n\n"


def test_a_new_branch_is_checked_whole(tmp_path, runner_path):
    """A push that creates a branch has no commit before it (`before` is all zeros): the
    action checks every handoff, here the legacy one that nobody touched too."""
    workspace, _ = _pull_request(tmp_path, "good")
    summary = tmp_path / "summary.md"
    *_, checked = run_action(workspace, runner_path, event={"before": "0" * 40}, summary=summary)
    assert checked.returncode == 1
    assert f"::error file={_path(LEGACY)}," in checked.stdout
    assert "2 files checked, 1 finding in 1 file" in summary.read_text(encoding="utf-8")


def test_a_configuration_error_stops_with_exit_2_and_says_so_in_the_summary(tmp_path, runner_path):
    workspace, base = _pull_request(tmp_path, "broken config")
    summary = tmp_path / "summary.md"
    *_, checked = run_action(workspace, runner_path, event={"pull_request": {"base": {"sha": base}}},
                             summary=summary)
    assert checked.returncode == 2
    assert checked.stdout == ""
    assert [line for line in _lines(checked.stderr)][0].startswith("::error file=.handoff.yaml,")
    assert "Stopped with exit code 2" in summary.read_text(encoding="utf-8")


def test_a_scheduled_report_fails_on_overdue_feedback(tmp_path, runner_path):
    """`command: report`, `args: --fail-on-overdue --as-of …` (split into two arguments):
    exit 1, the count and ids last on stderr, the overdue table in the summary."""
    workspace = make_repo(tmp_path / "workspace")
    workspace.write(".handoff.yaml", "version: 1\n")
    workspace.write(_path(GOOD), lead_document(GOOD, created="2026-11-20T09:00:00+09:00"))
    workspace.commit("hand over", date="2026-11-20T10:00:00+09:00")
    summary = tmp_path / "summary.md"
    results = run_action(workspace.path, runner_path, event={}, summary=summary, command="report",
                         args="--fail-on-overdue  --as-of 2026-11-30")
    reported = results[-1]
    assert reported.returncode == 1, reported.stderr
    assert _lines(reported.stderr)[-1] == f"1 handoff overdue: {GOOD}"
    text = summary.read_text(encoding="utf-8")
    assert "### Overdue feedback (as of 2026-11-30)" in text
    assert f"| {GOOD} | Lead {GOOD} | Bob Receiver | 2026-11-20 (10d) | awaiting receipt | 2026-11-23 |" in text
    assert text.rstrip().endswith(f"1 handoff overdue: {GOOD}")
    on_time = run_action(workspace.path, runner_path, event={}, summary=tmp_path / "again.md", command="report",
                         args="--fail-on-overdue --as-of 2026-11-21")[-1]
    assert on_time.returncode == 0 and _lines(on_time.stderr)[-1] == "no handoff is overdue"
