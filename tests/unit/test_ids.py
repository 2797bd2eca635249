from __future__ import annotations

from datetime import date

import pytest

from handoff_cli.errors import AmbiguousId, IdNotFound
from handoff_cli.documents.ids import is_valid_id, new_id, resolve

KNOWN = ["20261120-k3m9qa", "20261120-k3zzzz", "20261121-abc123"]


def test_new_ids_have_the_form_and_avoid_taken_ones():
    made = {new_id(date(2026, 11, 20)) for _ in range(200)}
    assert all(is_valid_id(i) and i.startswith("20261120-") for i in made)
    assert len(made) == 200


@pytest.mark.parametrize("text, valid", [
    ("20261120-k3m9qa", True), ("20261320-k3m9qa", False), ("20261120-K3M9QA", False),
    ("20261120-k3m9q", False), ("../../etc/passwd", False), ("20261120-k3m9qa/x", False), (None, False),
])
def test_is_valid_id(text, valid):
    assert is_valid_id(text) is valid


@pytest.mark.parametrize("query, expected", [
    ("20261120-k3m9qa", "20261120-k3m9qa"), ("20261121", "20261121-abc123"), ("k3m9", "20261120-k3m9qa"),
    ("abc123", "20261121-abc123"), ("  K3M9QA ", "20261120-k3m9qa"),
])
def test_resolve(query, expected):
    assert resolve(query, KNOWN) == expected


def test_resolve_errors():
    with pytest.raises(AmbiguousId) as ambiguous:
        resolve("k3", KNOWN)
    assert ambiguous.value.candidates == ["20261120-k3m9qa", "20261120-k3zzzz"]
    with pytest.raises(IdNotFound):
        resolve("nothing", KNOWN)
