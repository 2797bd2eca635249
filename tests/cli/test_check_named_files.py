"""`handoff check PATH…` judges only what the handoffs folder holds: a file outside it (a
pre-commit or CI configuration, `.handoff.yaml`) and a hidden one inside it (`.gitkeep`) are
skipped with a one-line note on stderr, never reported as an incomplete handoff; a misplaced
file inside the folder is still a finding."""

from __future__ import annotations

from helpers import run_cli

DOC = "handoffs/2026/09/07/20260907-k3m9qa.yaml"
OUTSIDE = "skipped: outside the handoffs folder handoffs/, not a handoff"
HIDDEN = "skipped: a hidden file (its name starts with a dot), not a handoff"


def _configs(repo) -> None:
    repo.write(".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks: []\n")
    repo.write(".github/workflows/ci.yml", "on: [push]\njobs:\n  check:\n    runs-on: ubuntu-latest\n")
    repo.write("handoffs/.gitkeep", "")


def test_files_outside_the_folder_and_hidden_files_are_skipped_with_a_note(examples_repo):
    _configs(examples_repo)
    result = run_cli(["check", ".pre-commit-config.yaml", ".handoff.yaml", ".github/workflows/ci.yml",
                      "handoffs/.gitkeep", DOC])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 file checked, no findings\n"
    assert result.stderr.splitlines() == [f".pre-commit-config.yaml: {OUTSIDE}", f".handoff.yaml: {OUTSIDE}",
                                          f".github/workflows/ci.yml: {OUTSIDE}", f"handoffs/.gitkeep: {HIDDEN}"]
    assert "required field is missing" not in result.output


def test_only_skipped_files_pass(repo):
    _configs(repo)
    result = run_cli(["check", ".pre-commit-config.yaml", ".github/workflows/ci.yml", "handoffs/.gitkeep"])
    assert result.exit_code == 0 and result.stdout == "0 files checked, no findings\n"
    assert len(result.stderr.splitlines()) == 3


def test_misplaced_files_inside_the_folder_are_still_findings(repo):
    repo.write("handoffs/notes.yaml", "title: x\n")
    repo.write("handoffs/2026/11/02/readme.txt", "x\n")
    result = run_cli(["check", "handoffs/notes.yaml", "handoffs/2026/11/02/readme.txt"])
    assert result.exit_code == 1 and result.stderr == ""
    assert "handoffs/notes.yaml:1:1: file name 'notes.yaml' is not" in result.stdout
    assert "handoffs/2026/11/02/readme.txt:1:1: not a handoff file" in result.stdout


def test_folders(examples_repo):
    _configs(examples_repo)
    whole = run_cli(["check"])
    here = run_cli(["check", "."])  # a folder holding the handoffs folder stands for it: no config judged
    assert (here.exit_code, here.stdout, here.stderr) == (0, whole.stdout, "")
    assert whole.stdout.startswith("17 files checked")
    other = run_cli(["check", ".github"])
    assert (other.exit_code, other.stdout) == (0, "0 files checked, no findings\n")
    assert other.stderr == f".github: {OUTSIDE}\n"


def test_a_custom_handoffs_folder_is_the_one_judged(repo):
    repo.write(".handoff.yaml", "version: 1\ndir: docs/handoffs\n")
    repo.write("handoffs/2026/11/02/20261102-aaaaaa.yaml", "title: not in the configured folder\n")
    result = run_cli(["check", "handoffs/2026/11/02/20261102-aaaaaa.yaml"])
    assert result.exit_code == 0
    assert result.stderr == ("handoffs/2026/11/02/20261102-aaaaaa.yaml: skipped: outside the handoffs folder "
                             "docs/handoffs/, not a handoff\n")


def test_the_note_speaks_japanese_and_names_are_sanitised(repo):
    repo.write("evil\x1b[31m.yaml", "x: 1\n")
    result = run_cli(["check", "evil\x1b[31m.yaml", ".handoff.yaml"], env={"HANDOFF_LANG": "ja"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr
    assert result.stderr.splitlines() == [
        "evil\\u001b[31m.yaml: 飛ばしました: 引き継ぎフォルダ handoffs/ の外にあり、引き継ぎではありません",
        ".handoff.yaml: 飛ばしました: 引き継ぎフォルダ handoffs/ の外にあり、引き継ぎではありません"]


def test_the_gate_skips_them_too(examples_repo):
    _configs(examples_repo)
    examples_repo.commit("examples")
    result = run_cli(["check", "--changed-since", "HEAD", ".pre-commit-config.yaml", DOC])
    assert result.exit_code == 0, result.output
    assert result.stderr == f".pre-commit-config.yaml: {OUTSIDE}\n"
    assert result.stdout == "1 file checked, no findings\n"
