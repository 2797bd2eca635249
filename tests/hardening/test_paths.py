"""Ids and paths: nothing outside the id alphabet, no link followed, nothing written outside."""

from __future__ import annotations

import os

from helpers import LEAD_FLAGS, lead_document, run_cli

H = "20261102-aaaaaa"


def test_id_with_path_characters_is_a_finding(repo):
    for bad in ("../../etc/passwd", "20261102-aa/aaa", "20261102-AAAAAA"):
        repo.write(f"handoffs/2026/11/02/{H}.yaml",
                   lead_document(H, created="2026-11-02T09:00:00+09:00").replace(f"id: {H}", f"id: '{bad}'"))
        result = run_cli(["check"])
        assert result.exit_code == 1
        assert f"handoffs/2026/11/02/{H}.yaml:1:1: id: '{bad}' does not have the expected form" in result.stdout


def test_new_refuses_an_id_outside_the_alphabet(repo):
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "id=../../../outside"])
    assert result.exit_code == 2
    assert "id '../../../outside' is not of the form" in result.stderr
    assert not (repo.path.parent / "outside.yaml").exists()
    assert list((repo.path / "handoffs").rglob("*.yaml")) == []


def test_symlinks_are_reported_not_followed(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{H}.yaml").write_text("secret: 1\n")
    (repo.path / "handoffs/2026/11/02").mkdir(parents=True)
    os.symlink(outside / f"{H}.yaml", repo.path / f"handoffs/2026/11/02/{H}.yaml")
    os.symlink(outside, repo.path / "handoffs/2026/11/03")
    result = run_cli(["check"])
    assert result.exit_code == 1
    assert f"handoffs/2026/11/02/{H}.yaml:1:1: '{H}.yaml' is a symbolic link" in result.stdout
    assert "handoffs/2026/11/03:1:1: '03' is a symbolic link" in result.stdout
    assert "secret" not in result.stdout


def test_directory_named_like_a_document(repo):
    (repo.path / f"handoffs/2026/11/02/{H}.yaml").mkdir(parents=True)
    result = run_cli(["check"])
    assert result.exit_code == 1
    assert f"'{H}.yaml' is named like a document but is not a regular file" in result.stdout
    assert run_cli(["list"]).exit_code == 0


def test_nothing_is_written_through_a_linked_handoffs_folder(repo, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (repo.path / "handoffs").rmdir()
    os.symlink(outside, repo.path / "handoffs")
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS])
    assert result.exit_code == 2
    assert "handoffs is a symbolic link" in result.stderr  # refused as configuration, before anything is read
    assert list(outside.rglob("*")) == []
