"""Misuse: each a one-line error with exit 2, and the fix where there is one."""

from __future__ import annotations

import json

import pytest

from helpers import lead_document, run_cli

H = "20261102-aaaaaa"


@pytest.fixture
def two_handoffs(repo):
    for handoff_id in (H, "20261102-aabbbb"):
        repo.write(f"handoffs/2026/11/02/{handoff_id}.yaml", lead_document(handoff_id, created="2026-11-02T09:00:00+09:00"))
    return repo


CASES = [
    (["new", "nope", "--yes"], "error: unknown kind 'nope'", "hint: known kinds: lead, order, service"),
    (["new", "lead", "--yes"], "error: no terminal to prompt on: give --set FIELD=VALUE or --from-file F.yaml", None),
    (["new", "lead", "--yes", "--from-file", "missing.yaml"], "error: missing.yaml: No such file or directory", None),
    (["show", "zzzzzz"], "error: no handoff matches 'zzzzzz'", "hint: `handoff list` shows the ids"),
    (["show", "20261102-aa"], "error: '20261102-aa' matches 2 handoffs: 20261102-aaaaaa, 20261102-aabbbb",
     "hint: type more characters of the id"),
    (["feedback", "aa", "--outcome", "won"], "error: 'aa' matches 2 handoffs", None),
    (["list", "--kind", "nope"], "error: unknown kind 'nope'", None),
    (["report", "--since", "last week"], "error: --since last week: expected a date like 2026-11-30", None),
    (["schema", "nope"], "error: unknown kind 'nope'", None),
]


@pytest.mark.parametrize("args, first, hint", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_misuse_is_one_clear_line(two_handoffs, args, first, hint):
    result = run_cli(args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(first), lines
    assert "Traceback" not in result.output
    if hint:
        assert lines[1] == hint


@pytest.mark.parametrize("config, message", [
    ("version: [1\n", "error: .handoff.yaml:2:1: YAML syntax error"),
    ("version: 7\n", "error: .handoff.yaml:1:1: version: unsupported version 7"),
    ("- a list\n", "error: .handoff.yaml:1:1: expected a mapping of settings"),
    ("dir: /etc\n", "error: .handoff.yaml:1:1: dir: must be a relative folder inside the repository"),
    ("dir: ../outside\n", "error: .handoff.yaml:1:1: dir: must be a relative folder inside the repository"),
    ("feedback_due_days: soon\n", "error: .handoff.yaml:1:1: feedback_due_days: must be a whole number of days"),
    ("kinds: [rfq]\n", "error: .handoff.yaml:1:1: kinds: must map kind names to schema files"),
    ("scoring:\n  weights: {ratng: 3}\n", "error: .handoff.yaml: scoring.ratng: unknown setting"),
    ("\ufeffversion: 1\n", "error: .handoff.yaml:1:1: the file starts with a byte order mark"),
])
def test_broken_config_is_exit_2_for_every_command(repo, config, message):
    repo.write(".handoff.yaml", config)
    for command in (["check"], ["list"], ["report"], ["new", "lead", "--yes"]):
        result = run_cli(command)
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith(message), (command, result.stderr)


def test_custom_schema_errors(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: rfq.schema.json\n")
    repo.write("rfq.schema.json", json.dumps({"$ref": "urn:handoff:v1:nowhere"}))
    result = run_cli(["check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: .handoff.yaml: kinds.rfq: rfq.schema.json: /$ref: $ref 'urn:handoff:v1:nowhere' points outside "
        "the schema; nothing is fetched",
        "hint: refer only to this schema's own parts (#/$defs/…) or to the built-in documents, "
        "e.g. urn:handoff:v1:envelope"]
