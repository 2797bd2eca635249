"""One verdict: whether a document is valid and which findings it gets come from one
validator, so "valid?" and "which findings?" never disagree (property-based)."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handoff_cli.documents.config import Config
from handoff_cli.documents.reading import ParsedYaml, parse_text
from handoff_cli.rules.kinds import Kinds
from handoff_cli.rules.validate import validate_handoff
from helpers import lead_document

H = "20261102-aaaaaa"
LEAD = parse_text(lead_document(H, created="2026-11-02T09:00:00+09:00")).value

CUSTOM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {
        "kind": {"const": "rfq"},
        "context": {"type": "object", "required": ["price"], "properties": {
            "price": {"type": "number", "multipleOf": 0.01, "maximum": 1e6},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "due": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "count": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "grade": {"enum": ["a", "b"]},
        }},
    },
}

values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=True, allow_infinity=True), st.decimals(places=2, allow_nan=False,
                                                                           allow_infinity=False).map(float),
              st.text(max_size=12), st.sampled_from(["ABC", "ABC\n", "abc", "2026-11-24", "2026-02-30",
                                                     "2026-12-31T23:59:60Z", "2026-11-24T14:00:00+10:60",
                                                     "TBD", "", "a", "b"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6)


def _kinds(tmp_path_factory) -> Kinds:
    root = tmp_path_factory.mktemp("repo")
    (root / "schemas").mkdir()
    (root / "schemas/rfq.schema.json").write_text(json.dumps(CUSTOM))
    return Kinds(Config(root=root, kinds={"rfq": root / "schemas/rfq.schema.json"}))


def _schema_findings(document: dict, kinds: Kinds) -> list:
    findings, _ = validate_handoff("x.yaml", H, ParsedYaml(document), kinds)
    return [f for f in findings if f.code.startswith("schema.")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["lead", "rfq"]), fields=st.dictionaries(
    st.sampled_from(["price", "code", "due", "at", "count", "tags", "grade", "urgency", "meeting_at",
                     "decision_maker", "budget"]), values, max_size=4),
       title=st.one_of(st.just("Lead"), values))
def test_the_verdict_is_the_absence_of_findings(tmp_path_factory, kind, fields, title):
    kinds = _kinds(tmp_path_factory)
    document = copy.deepcopy(LEAD)
    document["kind"] = kind
    document["title"] = title
    if kind == "rfq":
        document["context"] = {"price": 19.99}
    document["context"].update(fields)
    validator = kinds.get(kind).validator
    findings = _schema_findings(document, kinds)
    assert validator.is_valid(document) == (findings == [])
    assert validator.is_valid(document) == (list(validator.errors(document)) == [])


def test_a_finding_does_not_appear_because_another_field_is_wrong(tmp_path_factory):
    kinds = _kinds(tmp_path_factory)
    document = copy.deepcopy(LEAD)
    document.update(kind="rfq", context={"price": 19.99, "code": "ABC"})
    assert _schema_findings(document, kinds) == []
    document["title"] = ""
    assert [f.field for f in _schema_findings(document, kinds)] == ["title"]
