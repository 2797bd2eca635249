"""`handoff list`, `show`, `schema` and `init` through the real CLI."""

from __future__ import annotations

import csv
import io
import json

import yaml
from rich.cells import cell_len

from handoff_cli.documents.reading import parse_bytes
from helpers import make_repo, run_cli


def test_list_table_shows_state_and_aligns_japanese(examples_repo):
    result = run_cli(["list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "┃", "kind", "┃", "title", "┃", "from", "┃", "to", "┃", "created", "┃",
                                "feedback"]
    body = [line for line in lines[2:] if line.strip()]
    assert body[0].startswith("20261118-w1c6fa │ service │ ⚠ Northwind dock 4")  # the safety issue first
    assert len({cell_len(line) for line in lines}) == 1  # every row the same display width
    separators = {tuple(i for i, _ in enumerate(_cells(line)) if _) for line in body if "│" in line}
    assert len(separators) == 1  # the │ separators stand in the same display columns on every row
    row = next(line for line in body if "20260907-k3m9qa" in line)
    assert "ACME製作所 生産管理刷新の初回商談" in row and "佐藤 花子" in row and "done" in row


def _cells(line: str) -> list[bool]:
    """For each display column, whether a │ stands there."""
    flags: list[bool] = []
    for char in line:
        flags += [char == "│"] + [False] * (cell_len(char) - 1)
    return flags


def test_list_filters(examples_repo):
    result = run_cli(["list", "--kind", "order", "--format", "json"])
    ids = [h["id"] for h in json.loads(result.stdout)["handoffs"]]
    assert ids == ["20261021-b5n0lw", "20261009-h6j3ty", "20260920-r2v8nc"]
    result = run_cli(["list", "--to", "raj", "--pending", "--format", "json"])
    rows = json.loads(result.stdout)["handoffs"]
    assert [(r["id"], r["state"]) for r in rows] == [("20261118-w1c6fa", "none"), ("20261104-z9q1ke", "received")]
    result = run_cli(["list", "--from", "inside-sales", "--format", "json"])
    assert len(json.loads(result.stdout)["handoffs"]) == 4


def test_list_csv(examples_repo):
    result = run_cli(["list", "--format", "csv", "--kind", "service"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["20261118-w1c6fa", "20261012-s7d4gu"]
    assert rows[1]["title"] == "東和フーズ 第2工場 充填機 定期点検"
    assert rows[0]["safety_issue"] == "true"


def test_list_notes_files_with_findings(examples_repo):
    examples_repo.write("handoffs/2026/11/21/20261121-broken.yaml", "id: [\n")
    result = run_cli(["list", "--format", "json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["handoffs"]) == 9
    assert "files with findings are not listed (1)" in result.stderr


def test_show_by_prefix_and_suffix(examples_repo):
    for query in ("20260907-k3m9qa", "20260907", "k3m9qa", "k3m"):
        result = run_cli(["show", query])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("20260907-k3m9qa  ACME製作所 生産管理刷新の初回商談")
    text = run_cli(["show", "k3m9qa"]).stdout
    assert "Why they agreed" in text and "在庫管理の二重入力をなくしたい" in text
    assert "receipt  2026-09-07T17:10:00+09:00  田中 一郎" in text
    assert "事前に共有された在庫管理の課題感が的確で" in text


def test_show_in_japanese_uses_japanese_field_titles(examples_repo):
    text = run_cli(["show", "k3m9qa"], env={"LANG": "ja_JP.UTF-8"}).stdout
    assert "アポ獲得の理由" in text and "顧客の言葉での課題" in text


def test_show_ambiguous_and_unknown_ids(examples_repo):
    result = run_cli(["show", "202609"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == ("error: '202609' matches 3 handoffs: "
                                             "20260907-k3m9qa, 20260915-p8x2wd, 20260920-r2v8nc")
    result = run_cli(["show", "zzzzzz"])
    assert result.exit_code == 2
    assert "no handoff matches 'zzzzzz'" in result.stderr


def test_show_json_round_trips_the_document(examples_repo):
    result = run_cli(["show", "p8x2wd", "--format", "json"])
    payload = json.loads(result.stdout)
    on_disk = parse_bytes((examples_repo.path / "handoffs/2026/09/15/20260915-p8x2wd.yaml").read_bytes()).value
    assert payload["handoff"] == on_disk
    assert payload["feedback"][1]["outcome"] == "won"


def test_schema_prints_json_schema(repo):
    result = run_cli(["schema", "lead"])
    schema = json.loads(result.stdout)
    assert schema["properties"]["context"]["required"][0] == "meeting_at"
    assert schema["properties"]["context"]["properties"]["why_they_agreed"]["x-handoff-title-ja"] == "アポ獲得の理由"
    assert json.loads(run_cli(["schema", "feedback"]).stdout)["$id"] == "urn:handoff:v1:feedback"
    assert run_cli(["schema", "nope"]).exit_code == 2


def test_init_is_idempotent(tmp_path, monkeypatch):
    repository = make_repo(tmp_path / "fresh")
    monkeypatch.chdir(repository.path)
    first = run_cli(["init"])
    assert first.exit_code == 0
    assert "created .handoff.yaml" in first.stderr and "created handoffs/" in first.stderr
    config = (repository.path / ".handoff.yaml").read_text(encoding="utf-8")
    assert config.startswith("# handoff repository configuration")
    assert yaml.safe_load(config) == {"version": 1, "dir": "handoffs", "feedback_due_days": 3}
    (repository.path / ".handoff.yaml").write_text(config + "# my edit\n", encoding="utf-8")
    second = run_cli(["init"])
    assert second.exit_code == 0
    assert "already initialised; nothing changed" in second.stderr
    assert (repository.path / ".handoff.yaml").read_text(encoding="utf-8").endswith("# my edit\n")


def test_help_has_examples():
    for command in ("new", "check", "list", "show", "schema", "init"):
        result = run_cli([command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.stdout, command


def test_schema_is_self_contained_for_other_validators(examples_repo):
    from jsonschema import Draft202012Validator

    from handoff_cli.documents.reading import parse_bytes

    schema = json.loads(run_cli(["schema", "lead"]).stdout)
    assert "\"$ref\": \"urn:" not in json.dumps(schema)  # only its own $id remains
    validator = Draft202012Validator(schema)  # no registry: everything is inline
    lead = parse_bytes((examples_repo.path / "handoffs/2026/09/07/20260907-k3m9qa.yaml").read_bytes()).value
    assert validator.is_valid(lead)
    assert not validator.is_valid({**lead, "context": {}})
