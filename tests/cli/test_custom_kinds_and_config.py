"""Custom kinds from `.handoff.yaml` work like built-in ones; broken config is exit 2."""

from __future__ import annotations

import json

import yaml

from helpers import run_cli

RFQ_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "RFQ: sales asks engineering for a quote",
    "x-handoff-title-ja": "見積依頼",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {
        "kind": {"const": "rfq"},
        "context": {
            "type": "object",
            "required": ["parts", "quote_due"],
            "x-handoff-recommended": ["target_price"],
            "properties": {
                "parts": {"type": "string", "minLength": 1, "title": "Parts", "x-handoff-title-ja": "部品"},
                "quote_due": {"type": "string", "format": "date", "title": "Quote due"},
                "target_price": {"type": "string", "title": "Target price"},
            },
        },
    },
    "x-handoff-outcomes": ["quoted", "declined"],
    "x-handoff-loss-outcomes": ["declined"],
    "x-handoff-placeholders": ["要相談"],
}


def _with_rfq(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repo.write("schemas/rfq.schema.json", json.dumps(RFQ_SCHEMA, ensure_ascii=False))


FLAGS = ["--set", "title=SUS304 ブラケット見積", "--set", "to.name=高橋 誠", "--set", "customer.company=北斗精機"]


def test_custom_kind_new_check_list_show(repo):
    _with_rfq(repo)
    result = run_cli(["new", "rfq", "--yes", *FLAGS, "--set", "context.parts=SUS304 ブラケット 200個",
                      "--set", "context.quote_due=2026-12-01"])
    assert result.exit_code == 0, result.output
    handoff_id = result.stdout.strip()
    assert run_cli(["check"]).exit_code == 0
    assert json.loads(run_cli(["list", "--kind", "rfq", "--format", "json"]).stdout)["handoffs"][0]["id"] == handoff_id
    shown = run_cli(["show", handoff_id], env={"LANG": "ja_JP.UTF-8"}).stdout
    assert "部品" in shown and "SUS304 ブラケット 200個" in shown
    assert json.loads(run_cli(["schema", "rfq"]).stdout)["x-handoff-outcomes"] == ["quoted", "declined"]


def test_custom_kind_rules_apply(repo):
    _with_rfq(repo)
    result = run_cli(["new", "rfq", "--yes", *FLAGS, "--set", "context.parts=要相談",
                      "--set", "context.quote_due=soon"])
    assert result.exit_code == 1
    assert "context.parts: '要相談' is a placeholder" in result.stderr
    assert "context.quote_due: 'soon' is not an ISO 8601 date" in result.stderr


def test_custom_kind_feedback_outcomes(repo):
    _with_rfq(repo)
    handoff_id = run_cli(["new", "rfq", "--yes", *FLAGS, "--set", "context.parts=SUS304 200個",
                          "--set", "context.quote_due=2026-12-01", "--set", "created=2026-11-20T10:00:00+09:00"]
                         ).stdout.strip()
    repo.write(f"handoffs/2026/11/20/{handoff_id}.feedback.yaml", yaml.safe_dump({
        "handoff": handoff_id,
        "entries": [{"phase": "outcome", "at": "2026-11-21T10:00:00+09:00", "by": {"name": "高橋 誠"},
                     "outcome": "won", "rating": 4, "useful": "図面番号", "missing_fields": ["budget"]}]},
        allow_unicode=True))
    result = run_cli(["check"])
    assert result.exit_code == 1
    assert "entries[0].outcome: 'won' is not an outcome of kind 'rfq'; use one of: quoted, declined" in result.stdout
    assert "entries[0].missing_fields[0]: 'budget' is not a context field of kind 'rfq'" in result.stdout


def test_invalid_custom_schema_is_a_config_error(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repo.write("schemas/rfq.schema.json", json.dumps({"type": "objekt"}))
    result = run_cli(["check"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: .handoff.yaml: kinds.rfq: schemas/rfq.schema.json: not a valid JSON Schema")
    repo.write("schemas/rfq.schema.json", "{not json")
    result = run_cli(["check"])
    assert result.exit_code == 2 and "schemas/rfq.schema.json:1:2: not valid JSON" in result.stderr


def test_missing_custom_schema_file(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/nope.json\n")
    result = run_cli(["new", "rfq", "--yes"])
    assert result.exit_code == 2
    assert "schema file not found" in result.stderr


def test_broken_and_unknown_version_config(repo):
    repo.write(".handoff.yaml", "version: 2\n")
    result = run_cli(["check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: .handoff.yaml:1:1: version: unsupported version 2; this handoff understands version 1",
        "hint: upgrade handoff (README, \"Install\": the package is handoff-baton), or set version: 1"]
    repo.write(".handoff.yaml", "version: 1\ndir: [oops\n")
    result = run_cli(["list"])
    assert result.exit_code == 2 and result.stderr.startswith("error: .handoff.yaml:3:1: YAML syntax error")
    repo.write(".handoff.yaml", "version: 1\nfeedback_due: 3\n")
    result = run_cli(["list"])
    assert result.exit_code == 2 and "feedback_due: unknown setting" in result.stderr


def test_config_moves_the_handoffs_folder(repo):
    repo.write(".handoff.yaml", "version: 1\ndir: baton\n")
    from helpers import LEAD_FLAGS

    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "created=2026-11-20T10:00:00+09:00"])
    assert result.exit_code == 0
    assert f"wrote baton/2026/11/20/{result.stdout.strip()}.yaml" in result.stderr


INSPECTION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {
        "kind": {"const": "inspection"},
        "context": {
            "type": "object",
            "required": ["findings", "operator_words"],
            "properties": {
                "findings": {"type": "string", "minLength": 1},
                "operator_words": {"type": "string", "minLength": 1, "x-handoff-voice": True},
                "hazard": {"type": "boolean", "x-handoff-safety": True},
            },
        },
    },
    "x-handoff-outcomes": ["fixed"],
}


def test_a_custom_kind_gets_the_safety_flag_and_the_quoted_voice_from_its_schema(repo):
    """The keywords that give built-in kinds these behaviours work for any kind (FORMAT.md)."""
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  inspection: schemas/inspection.schema.json\n")
    repo.write("schemas/inspection.schema.json", json.dumps(INSPECTION_SCHEMA))
    common = [*FLAGS, "--set", "context.findings=Bearing noise on line 3 since 2026-11-02"]
    calm = run_cli(["new", "inspection", "--yes", *common, "--set", "context.operator_words=It hums at night"])
    hazard = run_cli(["new", "inspection", "--yes", *common, "--set", "context.operator_words=「夜になると唸る」",
                      "--set", "context.hazard=true"])
    assert calm.exit_code == 0 and hazard.exit_code == 0, calm.output + hazard.output
    rows = json.loads(run_cli(["list", "--format", "json"]).stdout)["handoffs"]
    assert [(r["id"], r["safety_issue"]) for r in rows][0] == (hazard.stdout.strip(), True)
    assert [r["safety_issue"] for r in rows] == [True, False]

    def specificity(handoff_id: str) -> str:
        return json.loads(run_cli(["show", handoff_id, "--format", "json"]).stdout)["score"]["parts"]["specificity"]["detail"]

    assert "operator_words (" in specificity(calm.stdout.strip()) and "quoted" in specificity(calm.stdout.strip())
    assert "quoted" not in specificity(hazard.stdout.strip())
