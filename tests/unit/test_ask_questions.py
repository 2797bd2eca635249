"""The 1on1 sheet's "ask this next time" questions: every required and recommended context
field of a built-in kind carries one in English and Japanese (`x-handoff-ask`,
`x-handoff-ask-ja`), `FieldSpec.ask` picks it by language, and a custom kind without them
still gets a question built from the field's title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff_cli.documents.config import parse_config
from handoff_cli.rules.kinds import BUILTIN_KINDS, Kinds


def _asked(kind: str) -> list[str]:
    """The fields the 1on1 sheet may ask about: required and recommended ones."""
    built = Kinds().get(kind)
    return [spec.name for spec in built.fields if spec.required or spec.name in built.recommended]


ASKED = [(kind, name) for kind in BUILTIN_KINDS for name in _asked(kind)]


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_every_required_and_recommended_name_is_a_field(kind):
    built = Kinds().get(kind)
    context = built.schema["properties"]["context"]
    assert set(context["required"]) | set(built.recommended) == set(_asked(kind))


@pytest.mark.parametrize("kind,name", ASKED)
def test_field_has_a_question_in_both_languages(kind, name):
    schema = Kinds().get(kind).field(name).schema
    for keyword, mark in (("x-handoff-ask", "?"), ("x-handoff-ask-ja", "？")):
        question = schema.get(keyword)
        assert isinstance(question, str) and question.strip(), (kind, name, keyword)
        assert question == question.strip(), (kind, name, keyword)
        assert len(question.splitlines()) == 1, (kind, name, keyword)
        assert question.endswith(mark), (kind, name, keyword, question)
        assert len(question) <= 100, (kind, name, keyword, len(question))
    assert schema["x-handoff-ask"].isascii(), (kind, name)
    assert not schema["x-handoff-ask-ja"].isascii(), (kind, name)


@pytest.mark.parametrize("kind,name", ASKED)
def test_ask_follows_the_language(kind, name, monkeypatch):
    spec = Kinds().get(kind).field(name)
    assert spec.ask == spec.schema["x-handoff-ask"]
    monkeypatch.setenv("HANDOFF_LANG", "ja")
    assert spec.ask == spec.schema["x-handoff-ask-ja"]
    monkeypatch.setenv("HANDOFF_LANG", "en")
    assert spec.ask == spec.schema["x-handoff-ask"]


CUSTOM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "RFQ",
    "allOf": [{"$ref": "urn:handoff:v1:envelope"}],
    "properties": {
        "kind": {"const": "rfq"},
        "context": {
            "type": "object",
            "required": ["parts"],
            "x-handoff-recommended": ["target_price"],
            "properties": {
                "parts": {"type": "string", "minLength": 1, "title": "Parts",
                          "description": "Part numbers and quantities.",
                          "x-handoff-title-ja": "部品"},
                "target_price": {"type": "string", "title": "Target price", "x-handoff-ask": "  "},
            },
        },
    },
    "x-handoff-outcomes": ["quoted"],
}


@pytest.fixture
def rfq(tmp_path: Path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "rfq.schema.json").write_text(json.dumps(CUSTOM), encoding="utf-8")
    text = b"version: 1\nkinds:\n  rfq: schemas/rfq.schema.json\n"
    return Kinds(parse_config(tmp_path, text, tmp_path / ".handoff.yaml")).get("rfq")


def test_custom_kind_without_the_keyword_falls_back_to_the_title(rfq, monkeypatch):
    parts, price = rfq.field("parts"), rfq.field("target_price")
    assert "Parts" in parts.ask and "Part numbers and quantities." in parts.ask
    assert "Target price" in price.ask  # a blank question counts as none
    monkeypatch.setenv("HANDOFF_LANG", "ja")
    assert "部品" in parts.ask
    assert "Target price" in price.ask
