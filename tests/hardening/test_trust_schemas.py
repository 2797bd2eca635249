"""Custom schemas come from pull requests: they cannot make `check` fetch anything, hang, or
give a verdict that depends on which validator looked or on an unrelated field."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import BOB, lead_document, run_cli

H = "20261102-aaaaaa"
ENVELOPE = {"$ref": "urn:handoff:v1:envelope"}


def _kind(repo, context_properties: dict, required=(), extra: dict | None = None, name="rfq"):
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [ENVELOPE],
        "properties": {"kind": {"const": name},
                       "context": {"type": "object", "required": list(required), "properties": context_properties}},
        **(extra or {}),
    }
    repo.write(".handoff.yaml", f"version: 1\nkinds:\n  {name}: schemas/{name}.schema.json\n")
    repo.write(f"schemas/{name}.schema.json", json.dumps(schema))
    return schema


def _document(context: str, title: str = "Quote for 200 brackets", kind: str = "rfq") -> str:
    return (f"id: {H}\nkind: {kind}\ntitle: '{title}'\ncreated: 2026-11-02T09:00:00+09:00\n"
            "from:\n  name: Alice Sender\n  email: alice@example.com\n"
            f"to:\n  name: {BOB[0]}\n  email: {BOB[1]}\n"
            "customer:\n  company: Contoso Ltd\n"
            f"context:\n{context}")


def _write(repo, context: str, **kwargs):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", _document(context, **kwargs))


class _Listener:
    """A TCP port on loopback that counts connections (nothing must ever connect)."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(5)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    open_port = _Listener()
    yield open_port
    open_port.close()


# ---------------------------------------------------------------- 1. nothing is fetched

@pytest.mark.parametrize("where", ["allOf", "field", "unused $defs"])
@pytest.mark.parametrize("target", ["http", "file", "relative"])
def test_a_reference_outside_the_schema_is_a_configuration_error(repo, listener, where, target):
    ref = {"http": f"http://127.0.0.1:{listener.port}/x.json", "file": "file:///etc/passwd",
           "relative": "other.schema.json"}[target]
    properties = {"parts": {"type": "string"}}
    extra = {}
    if where == "allOf":
        extra = {"allOf": [ENVELOPE, {"$ref": ref}]}
    elif where == "field":
        properties["parts"] = {"$ref": ref}
    else:
        extra = {"$defs": {"unused": {"$ref": ref}}}
    _kind(repo, properties, extra=extra)
    _write(repo, "  parts: brackets\n")
    result = run_cli(["check"])
    assert result.exit_code == 2, result.output
    assert "schemas/rfq.schema.json" in result.stderr and ref in result.stderr
    assert "Traceback" not in result.output
    assert "hint:" in result.stderr
    assert listener.connections == 0


def test_dynamic_refs_and_unresolvable_local_refs_are_configuration_errors(repo):
    _kind(repo, {"parts": {"$dynamicRef": "https://example.com/x"}})
    _write(repo, "  parts: brackets\n")
    assert run_cli(["check"]).exit_code == 2
    _kind(repo, {"parts": {"$ref": "#/$defs/nope"}})
    result = run_cli(["check"])
    assert result.exit_code == 2 and "#/$defs/nope" in result.stderr
    assert "Traceback" not in result.output


def test_local_and_built_in_references_work(repo):
    _kind(repo, {"parts": {"$ref": "#/$defs/parts"}}, required=["parts"],
          extra={"$defs": {"parts": {"type": "string", "minLength": 3}}})
    _write(repo, "  parts: brackets\n")
    assert run_cli(["check"]).exit_code == 0
    _write(repo, "  parts: x\n")
    assert run_cli(["check"]).exit_code == 1


# ---------------------------------------------------------------- 2. one verdict

def _findings(repo) -> list[str]:
    return [f["message"] for f in json.loads(run_cli(["check", "--format", "json"]).stdout)["findings"]]


def test_findings_do_not_depend_on_an_unrelated_field(repo):
    _kind(repo, {"price": {"type": "number", "multipleOf": 0.01}, "code": {"type": "string", "pattern": "^[A-Z]{3}$"}})
    _write(repo, "  price: 19.99\n  code: ABC\n")
    alone = _findings(repo)
    _write(repo, "  price: 19.99\n  code: ABC\n", title="")
    with_title_empty = _findings(repo)
    assert alone == []
    assert [m for m in with_title_empty if "multiple" in m] == []
    assert len(with_title_empty) == 1


def test_a_pattern_anchors_at_the_very_end_and_nan_is_not_a_number(repo):
    _kind(repo, {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}, "score": {"type": "number", "maximum": 10}})
    _write(repo, '  code: "ABC\\n"\n')
    assert len(_findings(repo)) == 1
    _write(repo, "  score: .nan\n")
    assert len(_findings(repo)) == 1
    _write(repo, "  score: .inf\n")
    assert len(_findings(repo)) == 1


@pytest.mark.parametrize("value,valid", [
    ("2026-12-31T23:59:60Z", True), ("2026-12-31T23:59:60+09:00", True), ("2026-11-24T14:00:00+10:60", False),
    ("2026-11-24T14:00:00+24:00", False), ("2026-11-24T24:00:00+09:00", False), ("2026-02-30T10:00:00Z", False),
    ("2026-11-24T14:00:00.123+09:00", True),
])
def test_date_times_accept_leap_seconds_and_refuse_impossible_offsets(repo, value, valid):
    repo.write(f"handoffs/2026/11/02/{H}.yaml",
               lead_document(H, created="2026-11-02T09:00:00+09:00").replace(
                   "meeting_at: 2026-11-24T14:00:00+09:00", f"meeting_at: '{value}'"))
    assert run_cli(["check"]).exit_code == (0 if valid else 1)


# ---------------------------------------------------------------- 3. no regular expression hangs the gate

def test_a_catastrophic_pattern_checks_in_linear_time(repo):
    _kind(repo, {"code": {"type": "string", "pattern": "^(a+)+$"}})
    _write(repo, f"  code: {'a' * 40}!\n")
    handoff = Path(sys.executable).parent / "handoff"
    done = subprocess.run([str(handoff), "check"], cwd=repo.path, capture_output=True, text=True, timeout=20,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 1 and "code" in done.stdout


def test_a_pattern_the_linear_engine_cannot_run_is_refused_at_load(repo):
    _kind(repo, {"code": {"type": "string", "pattern": "^(?=a)a+$"}})
    _write(repo, "  code: aaa\n")
    result = run_cli(["check"])
    assert result.exit_code == 2 and "pattern" in result.stderr


# ---------------------------------------------------------------- 5. names read as they are

@pytest.mark.parametrize("field,value,message", [
    ("from.name", "Alice\n::error file=x::owned", "must be one line"),
    ("to.team", "field-sales\r\n::add-mask::secret", "must be one line"),
    ("title", "Lead\u2028::stop-commands::x", "must be one line"),
    ("from.name", "Alice \u202eeciffo\u202c", "U+202E"),
    ("to.name", "Bo\u200bb", "U+200B"),
    ("customer.company", "Contoso\u2066 Ltd\u2069", "U+2066"),
])
def test_names_and_titles_are_one_visible_line(repo, field, value, message):
    document = lead_document(H, created="2026-11-02T09:00:00+09:00")
    group, _, key = field.rpartition(".")
    old = {"from.name": "  name: Alice Sender\n", "to.team": "  team: field-sales\n",
           "title": f"title: Lead {H}\n", "to.name": f"  name: {BOB[0]}\n",
           "customer.company": "  company: Contoso Ltd\n"}[field]
    indent = "  " if group else ""
    repo.write(f"handoffs/2026/11/02/{H}.yaml", document.replace(old, f"{indent}{key}: {json.dumps(value)}\n", 1))
    result = run_cli(["check", "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {f["field"] for f in findings} == {field}
    assert any(message in f["message"] for f in findings)


def test_a_feedback_author_is_one_visible_line(repo):
    repo.write(f"handoffs/2026/11/02/{H}.yaml", lead_document(H, created="2026-11-02T09:00:00+09:00"))
    repo.write(f"handoffs/2026/11/02/{H}.feedback.yaml",
               f"handoff: {H}\nentries:\n  - phase: receipt\n    at: 2026-11-02T15:00:00+09:00\n    by:\n"
               f"      name: \"Bob\\n::error::x\"\n    decision: accepted\n    synthesis: CFO decides by 2026-12-01\n")
    result = run_cli(["check", "--format", "json"])
    assert [f["field"] for f in json.loads(result.stdout)["findings"]] == ["entries[0].by.name"]


def test_a_huge_number_in_a_schema_is_a_configuration_error(repo):
    repo.write(".handoff.yaml", "version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n")
    repo.write("schemas/rfq.schema.json", '{"maxLength": ' + "9" * 5000 + "}")
    result = run_cli(["check"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "schemas/rfq.schema.json" in result.stderr
