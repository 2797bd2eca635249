"""Data-driven validation: every file under cases/valid passes; every file under
cases/invalid yields exactly the findings listed in its `.expected` twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff_cli.rules.kinds import Kinds
from handoff_cli.rules.validate import validate_handoff
from handoff_cli.documents.reading import parse_bytes

CASES = Path(__file__).resolve().parents[1] / "cases"


def _findings(path: Path) -> list[str]:
    findings, _ = validate_handoff(path.name, None, parse_bytes(path.read_bytes()), Kinds())
    return [f"{f.line}:{f.column}: {f.field}: {f.code}" for f in findings]


@pytest.mark.parametrize("path", sorted((CASES / "valid").glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_cases(path):
    assert _findings(path) == []


@pytest.mark.parametrize("path", sorted((CASES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_invalid_cases(path):
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert _findings(path) == expected
