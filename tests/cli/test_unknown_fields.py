"""A misspelt field never passes silently (FORMAT.md section 6): `--set` refuses it with the
field that was meant, `check` reports it where it stands with the nearest known field, and
`x-` extensions are always allowed; a custom kind decides with `additionalProperties`."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import BOB, EXAMPLES, LEAD_FLAGS, feedback_document, lead_document, receipt_entry, run_cli

H = "20261102-aaaaaa"
PATH = f"handoffs/2026/11/02/{H}.yaml"
FEEDBACK = f"handoffs/2026/11/02/{H}.feedback.yaml"


@pytest.mark.parametrize("key,meant", [
    ("context.budjet", "context.budget"),
    ("contxt.budget", "context.budget"),
    ("to.nmae", "to.name"),
    ("titel", "title"),
])
def test_set_refuses_an_unknown_field_and_names_the_one_meant(repo, key, meant):
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", f"{key}=100"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: --set {key}: no such field; did you mean {meant}?"
    assert result.stderr.splitlines()[1].startswith("hint: ")
    assert not list((repo.path / "handoffs").rglob("*.yaml"))


def test_set_without_a_near_field_lists_the_fields(repo):
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "to.zzzzzz=1"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: --set to.zzzzzz: no such field 'zzzzzz'",
                                          "hint: the fields of to: name, email, team (a field of your own "
                                          "starts with x-)"]


def test_extensions_are_always_allowed(repo):
    result = run_cli(["new", "lead", "--yes", *LEAD_FLAGS, "--set", "x-crm-id=4711", "--set", "context.x-source=fair"])
    assert result.exit_code == 0, result.output
    assert run_cli(["check"]).exit_code == 0


def test_check_names_the_nearest_field_everywhere_an_unknown_key_stands(repo):
    document = lead_document(H, created="2026-11-02T09:00:00+09:00",
                             extra_context="  budjet: 2M yen for FY2027\n  x-notes: fine\n")
    document = document.replace("title: ", "titel: x\ntitle: ", 1).replace("  team: field-sales\n",
                                                                           "  team: field-sales\n  emial: b@x\n", 1)
    document = document.replace("customer:\n  company: Contoso Ltd\n", "customer:\n  company: Contoso Ltd\n  rol: CFO\n")
    repo.write(PATH, document + "x-crm-id: 4711\n")
    repo.write(FEEDBACK, feedback_document(H, [receipt_entry("2026-11-02T15:00:00+09:00", by=BOB)
                                               + "    synthesys: understood\n"]))
    result = run_cli(["check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{PATH}:3:1: titel: unknown field 'titel': did you mean `title`? (a field of your own starts with x-)" \
        in lines
    assert any(line.startswith(f"{PATH}:") and "to.emial: unknown field 'emial': did you mean `email`?" in line
               for line in lines)
    assert any("customer.rol: unknown field 'rol': did you mean `role`?" in line for line in lines)
    assert any("context.budjet: unknown field 'budjet': did you mean `budget`?" in line for line in lines)
    assert any(line.startswith(f"{FEEDBACK}:") and "entries[0].synthesys: unknown field 'synthesys': did you mean "
               "`synthesis`?" in line for line in lines)
    assert not any("x-notes" in line or "x-crm-id" in line for line in lines)
    assert lines[-1] == "2 files checked, 5 findings in 2 files"


def _custom_kind(repo, extra: dict) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
              "properties": {"kind": {"const": "rfq"},
                             "context": {"type": "object", "required": ["price"],
                                         "properties": {"price": {"type": "string"}, "quantity": {"type": "string"}},
                                         **extra}}}
    repo.write("schemas/rfq.schema.json", json.dumps(schema))
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")


def _rfq(context: str) -> str:
    return (f"id: {H}\nkind: rfq\ntitle: Quote for brackets\ncreated: 2026-11-02T09:00:00+09:00\n"
            "from:\n  name: Alice Sender\nto:\n  name: Bob Receiver\ncustomer:\n  company: Contoso Ltd\n"
            f"context:\n{context}")


@pytest.mark.parametrize("extra,finding", [
    ({}, "context.quantty: unknown field 'quantty': did you mean `quantity`?"),  # like a built-in kind
    ({"additionalProperties": False}, "context.quantty: unknown field 'quantty': did you mean `quantity`?"),
    ({"additionalProperties": True}, None),  # the kind allows any field
])
def test_a_custom_kind_decides_with_additional_properties(repo, extra, finding):
    _custom_kind(repo, extra)
    repo.write(PATH, _rfq("  price: 120 EUR\n  quantty: 500\n  x-erp: 77\n"))
    result = run_cli(["check"])
    if finding is None:
        assert result.exit_code == 0, result.stdout
        return
    assert result.exit_code == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith(PATH)]
    assert line == f"{PATH}:13:3: {finding} (a field of your own starts with x-)"


def test_the_bundled_examples_stay_valid(tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("invalid"))
    monkeypatch.chdir(tmp_path / "examples")
    result = run_cli(["check"])
    assert result.exit_code == 0, result.stdout
    assert "unknown field" not in result.stdout
