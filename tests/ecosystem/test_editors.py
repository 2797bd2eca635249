"""Editors: `handoff init` and `handoff schema --write-editor-config` set a repository up for
yaml-language-server (.handoff/schemas/, .vscode/settings.json). A second validator, the real
`check-jsonschema`, checks the bundled examples against the written schemas, each file
against the schema the written `yaml.schemas` mapping gives it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, make_repo, run_cli

BIN = Path(sys.executable).parent
SETTINGS = ".vscode/settings.json"
DISPATCH = ".handoff/schemas/handoff.schema.json"
FEEDBACK = ".handoff/schemas/feedback.schema.json"


def _installed(name: str) -> str:
    found = BIN / name
    if not found.exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(found)


def _handoff(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([_installed("handoff"), *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1", **env}, stdin=subprocess.DEVNULL)


def _check_jsonschema(root: Path, schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    """The real check-jsonschema CLI (formats checked, the schema checked against its metaschema)."""
    return subprocess.run([_installed("check-jsonschema"), "--schemafile", str(root / schema), *map(str, files)],
                          cwd=root, capture_output=True, text=True, timeout=120)


def _glob(pattern: str) -> re.Pattern:
    """A yaml.schemas glob as yaml-language-server reads it: `**/` any folders, `*` within one."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:[^/]*/)*", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def _schemas_for(settings: dict, relative: str) -> list[str]:
    """The schemas `yaml.schemas` gives a file: for each schema, the last pattern that matches
    decides (`!` excludes), as in yaml-language-server."""
    chosen = []
    for schema, patterns in settings["yaml.schemas"].items():
        matched = False
        for pattern in patterns:
            if _glob(pattern.removeprefix("!")).match(relative):
                matched = not pattern.startswith("!")
        if matched:
            chosen.append(schema)
    return chosen


def _by_schema(root: Path, folder: str) -> dict[str, list[Path]]:
    settings = json.loads((root / SETTINGS).read_text(encoding="utf-8"))
    grouped: dict[str, list[Path]] = {}
    for path in sorted((root / folder).rglob("*.yaml")):
        relative = path.relative_to(root).as_posix()
        schemas = _schemas_for(settings, relative)
        assert len(schemas) == 1, (relative, schemas)  # each file gets one schema, never two combined
        grouped.setdefault(schemas[0], []).append(path)
    return grouped


@pytest.fixture
def initialised(tmp_path):
    repo = make_repo(tmp_path / "repo")
    repo.copy_examples()
    done = _handoff(["init"], repo.path)
    assert done.returncode == 0, done.stderr
    assert "created .handoff/schemas/ (JSON Schemas of lead, order, service and feedback" in done.stderr
    assert "created .vscode/settings.json" in done.stderr
    return repo


def test_init_writes_schemas_each_example_passes_with_a_second_validator(initialised):
    root = initialised.path
    assert sorted(p.relative_to(root / ".handoff/schemas").as_posix() for p in (root / ".handoff/schemas").rglob("*")
                  if p.is_file()) == ["feedback.schema.json", "handoff.schema.json", "kinds/lead.schema.json",
                                      "kinds/order.schema.json", "kinds/service.schema.json"]
    grouped = _by_schema(root, "handoffs")
    assert {s: len(f) for s, f in grouped.items()} == {DISPATCH: 9, FEEDBACK: 8}
    assert all(not p.name.endswith(".feedback.yaml") for p in grouped[DISPATCH])
    for schema, files in grouped.items():
        done = _check_jsonschema(root, schema, files)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "ok -- validation done" in done.stdout
    # an editor that ignores the `!` exclusion gives feedback files both schemas: still right
    done = _check_jsonschema(root, DISPATCH, grouped[FEEDBACK])
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_incomplete_handoff_fails_by_its_kinds_schema(initialised):
    root = initialised.path
    incomplete = initialised.write("handoffs/2026/11/05/20261105-miss01.yaml", (
        EXAMPLES / "invalid/handoffs/2026/11/05/20261105-miss01.yaml").read_text(encoding="utf-8"))
    done = _check_jsonschema(root, DISPATCH, [incomplete])
    assert done.returncode == 1
    assert "20261105-miss01.yaml::$.context: 'decision_maker' is a required property" in done.stdout
    lead = (root / "handoffs/2026/09/07/20260907-k3m9qa.yaml").read_text(encoding="utf-8")
    as_order = initialised.write("handoffs/2026/09/07/20260907-aaaaaa.yaml", lead.replace("kind: lead", "kind: order"))
    done = _check_jsonschema(root, DISPATCH, [as_order])  # the order schema applies, not any kind's
    assert done.returncode == 1 and "is a required property" in done.stdout
    unknown = initialised.write("handoffs/2026/09/07/20260907-bbbbbb.yaml", lead.replace("kind: lead", "kind: rfq"))
    done = _check_jsonschema(root, DISPATCH, [unknown])
    assert done.returncode == 1 and "'rfq' is not one of ['lead', 'order', 'service']" in done.stdout


RFQ = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "RFQ",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {"kind": {"const": "rfq"},
                   "context": {"type": "object", "required": ["parts"],
                               "properties": {"parts": {"$ref": "#/$defs/text"}}}},
    "$defs": {"text": {"type": "string", "minLength": 1}},
}


def test_custom_kinds_and_folder(repo):
    repo.write(".handoff.yaml", "version: 1\ndir: docs/handoffs\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repo.write("schemas/rfq.schema.json", json.dumps(RFQ))
    result = run_cli(["schema", "--write-editor-config"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == \
        "created .handoff/schemas/ (JSON Schemas of lead, order, rfq, service and feedback, for YAML editors)"
    settings = json.loads((repo.path / SETTINGS).read_text(encoding="utf-8"))
    assert settings["yaml.schemas"][DISPATCH] == ["docs/handoffs/**/*.yaml", "!docs/handoffs/**/*.feedback.yaml"]
    created = run_cli(["new", "rfq", "--yes", "--set", "title=Bracket quote", "--set", "to.name=Bob",
                       "--set", "customer.company=Hokuto", "--set", "context.parts=SUS304 x 200"])
    assert created.exit_code == 0, created.output
    document = next((repo.path / "docs/handoffs").rglob("*.yaml"))
    assert _by_schema(repo.path, "docs/handoffs") == {DISPATCH: [document]}
    assert _check_jsonschema(repo.path, DISPATCH, [document]).returncode == 0
    broken = repo.write("docs/handoffs/2026/01/01/20260101-cccccc.yaml",
                        document.read_text(encoding="utf-8").replace("parts: SUS304 x 200", "parts: ''"))
    done = _check_jsonschema(repo.path, DISPATCH, [broken])
    assert done.returncode == 1 and "should be non-empty" in done.stdout
    # the kind is gone from the configuration: so is its schema
    repo.write(".handoff.yaml", "version: 1\ndir: docs/handoffs\n")
    result = run_cli(["schema", "--write-editor-config"])
    assert result.stderr.splitlines() == [
        "updated .handoff/schemas/ (JSON Schemas of lead, order, service and feedback, for YAML editors)",
        ".vscode/settings.json already maps docs/handoffs/ to the schemas"]
    assert not (repo.path / ".handoff/schemas/kinds/rfq.schema.json").exists()


def test_settings_are_merged_never_lost(repo):
    repo.write(SETTINGS, json.dumps({"editor.tabSize": 2, "yaml.schemas": {"ci.json": ["ci.yaml"]},
                                     "files.exclude": {"**/.git": True}}))
    result = run_cli(["schema", "--write-editor-config"])
    assert result.exit_code == 0
    assert "added yaml.schemas for handoffs/ to .vscode/settings.json; its other settings are kept" in result.stderr
    settings = json.loads((repo.path / SETTINGS).read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2 and settings["files.exclude"] == {"**/.git": True}
    assert list(settings["yaml.schemas"]) == ["ci.json", DISPATCH, FEEDBACK]
    again = run_cli(["schema", "--write-editor-config"])
    assert again.stderr.splitlines() == [".handoff/schemas/ is up to date",
                                         ".vscode/settings.json already maps handoffs/ to the schemas"]


def test_settings_that_are_not_plain_json_are_left_alone(repo):
    commented = '{\n    // my editor\n    "editor.tabSize": 2,\n}\n'
    repo.write(SETTINGS, commented)
    result = run_cli(["schema", "--write-editor-config"])
    assert result.exit_code == 0
    assert (repo.path / SETTINGS).read_text(encoding="utf-8") == commented
    line = result.stderr.splitlines()[1]
    assert line.startswith("left .vscode/settings.json unchanged: it is not plain JSON (comments or trailing commas?); "
                           "add this to it yourself: \"yaml.schemas\": {")
    assert json.loads("{" + line.split("yourself: ", 1)[1] + "}")["yaml.schemas"][FEEDBACK] == \
        ["handoffs/**/*.feedback.yaml"]
    ja = run_cli(["schema", "--write-editor-config"], env={"HANDOFF_LANG": "ja"})
    assert ".vscode/settings.json は変更していません: 素のJSONではありません" in ja.stderr


def test_schema_needs_a_kind_or_the_flag(repo):
    result = run_cli(["schema"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: name a kind (e.g. handoff schema lead), or use --write-editor-config")
    assert run_cli(["schema", "lead", "--write-editor-config"]).exit_code == 2


def test_init_outside_git_works_and_says_what_to_do(tmp_path, monkeypatch):
    folder = tmp_path / "plain"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(folder)
    result = run_cli(["init"])
    assert result.exit_code == 0, result.output
    assert (folder / ".handoff.yaml").is_file() and (folder / "handoffs/.gitkeep").is_file()
    assert (folder / DISPATCH).is_file()
    assert result.stderr.splitlines()[-1] == ("not a git repository: run `git init` here so handoffs get a history "
                                              "(`handoff report` reads it, and `check --changed-since` needs it)")
    again = run_cli(["init"], env={"HANDOFF_LANG": "ja"})
    assert again.exit_code == 0
    assert again.stderr.splitlines()[-2:] == [
        "初期化済みです。何も変更していません",
        "git リポジトリではありません: 引き継ぎに履歴が残るよう、ここで `git init` を実行してください"
        "（`handoff report` は履歴を読み、`check --changed-since` にも必要です）"]
    make_repo(folder)
    assert "git init" not in run_cli(["init"]).stderr


def test_init_keeps_going_when_a_custom_kind_is_broken(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/missing.schema.json\n")
    result = run_cli(["init"])
    assert result.exit_code == 0
    assert "editor schemas not written: " in result.stderr
    assert not (repo.path / ".handoff").exists()


def test_editor_files_never_leave_the_repository(repo, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, repo.path / ".handoff")
    result = run_cli(["schema", "--write-editor-config"])
    assert result.exit_code == 2
    assert list(outside.iterdir()) == []


def test_a_folder_in_the_way_is_a_clear_error_and_init_still_finishes(repo):
    (repo.path / DISPATCH).mkdir(parents=True)
    result = run_cli(["schema", "--write-editor-config"])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: could not write .handoff/schemas/handoff.schema.json: ")
    result = run_cli(["init"])
    assert result.exit_code == 0
    assert "editor schemas not written: could not write .handoff/schemas/handoff.schema.json" in result.stderr
