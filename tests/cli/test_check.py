"""`handoff check`: the CI gate, through the real CLI on real files."""

from __future__ import annotations

import json
import shutil

from helpers import EXAMPLES, run_cli


def test_examples_are_valid(examples_repo):
    result = run_cli(["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "17 files checked, no findings"


def test_invalid_examples_match_expected_output(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    result = run_cli(["check"])
    assert result.exit_code == 1
    assert result.stdout == (EXAMPLES / "invalid" / "expected.txt").read_text(encoding="utf-8")


def test_each_finding_names_file_line_column_and_field(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    lines = run_cli(["check"]).stdout.splitlines()
    assert "handoffs/2026/11/05/20261105-miss01.yaml:14:3: context.decision_maker: required field is missing" in lines
    assert any(line.startswith("handoffs/2026/11/05/20261105-dupk06.yaml:17:3: context.status: duplicate key")
               for line in lines)
    assert lines[-1] == "13 files checked, 22 findings in 12 files"


def test_json_format_is_versioned_and_complete(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    result = run_cli(["check", "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["format_version"] == 1
    assert payload["files_checked"] == 13
    assert len(payload["findings"]) == 22
    codes = {f["code"] for f in payload["findings"]}
    assert {"schema.required", "rule.placeholder", "rule.unknown_kind", "rule.id_mismatch", "rule.duplicate_id",
            "rule.orphan_feedback", "rule.outcome_for_kind", "rule.unknown_field", "rule.loss_reason",
            "rule.stray", "schema.format", "schema.enum", "schema.type", "yaml"} <= codes


def test_github_format_prints_annotations(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    result = run_cli(["check", "--format", "github"])
    assert result.exit_code == 1
    assert ("::error file=handoffs/2026/11/05/20261105-miss01.yaml,line=14,col=3,"
            "title=handoff%3A context.decision_maker::required field is missing") in result.stdout.splitlines()


def test_paths_may_be_files_or_folders(examples_repo):
    one = "handoffs/2026/09/07/20260907-k3m9qa.yaml"
    result = run_cli(["check", one])
    assert result.exit_code == 0 and "1 file checked" in result.stdout
    result = run_cli(["check", "handoffs/2026/09"])
    assert result.exit_code == 0 and "6 files checked" in result.stdout


def test_missing_path_is_a_usage_error(repo):
    result = run_cli(["check", "no/such/file.yaml"])
    assert result.exit_code == 2
    assert "no/such/file.yaml: no such file or folder" in result.stderr


def test_changed_since_checks_only_changed_files(examples_repo):
    examples_repo.commit("examples")
    result = run_cli(["check", "--changed-since", "HEAD"])
    assert result.exit_code == 0 and result.stdout.startswith("0 files checked")
    examples_repo.write("handoffs/2026/09/07/20260907-k3m9qa.yaml",
                        (examples_repo.path / "handoffs/2026/09/07/20260907-k3m9qa.yaml").read_text()
                        .replace("urgency: high", "urgency: TBD"))
    result = run_cli(["check", "--changed-since", "HEAD"])
    assert result.exit_code == 1
    assert "context.urgency: 'TBD' is not one of: high, medium, low" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 file checked")


def test_changed_since_unknown_ref_is_a_usage_error(examples_repo):
    examples_repo.commit("examples")
    result = run_cli(["check", "--changed-since", "no-such-ref"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --changed-since no-such-ref:")


def test_no_handoffs_folder_is_not_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli(["check"])
    assert result.exit_code == 0
    assert "0 files checked" in result.stdout


def test_japanese_messages_follow_lang(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES / "invalid", tmp_path / "invalid")
    monkeypatch.chdir(tmp_path / "invalid")
    result = run_cli(["check"], env={"LANG": "ja_JP.UTF-8"})
    assert result.exit_code == 1
    assert "handoffs/2026/11/05/20261105-miss01.yaml:14:3: context.decision_maker: 必須項目がありません" in result.stdout
    assert "'確認中' は仮の値で中身がありません" in result.stdout
    assert result.stdout.splitlines()[-1] == "13 ファイルを検査し、12 ファイルに 22 件の問題が見つかりました"
