"""The fast paths (libyaml C loader after a pre-scan; jsonschema-rs as a validity check)
give exactly the results of the reference paths on the same cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from handoff_cli.documents.config import load_config
from handoff_cli.rules.kinds import Kinds
from handoff_cli.store.loader import load_store
from handoff_cli.documents.reading import _CONTROL, _RISKY, _may_nest_too_deep, fast_load, parse_bytes
from helpers import EXAMPLES

CASES = Path(__file__).resolve().parents[1] / "cases"
HOSTILE_DIR = Path(__file__).resolve().parents[1] / "hardening"


def _both(root: Path, paths=None):
    config = load_config(root)
    fast = load_store(config, Kinds(config), paths)
    reference = load_store(config, Kinds(config, fast=False), paths, fast=False)
    return fast, reference


@pytest.mark.parametrize("folder", ["examples", "invalid", "cases"])
def test_store_results_are_identical(folder, tmp_path, monkeypatch):
    if folder == "cases":  # each case where a document is read: in the handoffs folder, named by an id
        root, paths = tmp_path / folder, None
        day = root / "handoffs/2026/11/01"
        day.mkdir(parents=True)
        for number, case in enumerate(sorted(CASES.rglob("*.yaml"))):
            shutil.copy(case, day / f"20261101-c{number:05d}.yaml")
    else:
        root = tmp_path / folder
        shutil.copytree(EXAMPLES if folder == "examples" else EXAMPLES / "invalid", root,
                        ignore=shutil.ignore_patterns("invalid") if folder == "examples" else None)
        paths = None
    monkeypatch.chdir(root)
    fast, reference = _both(root, paths)
    assert fast.findings == reference.findings
    assert fast.handoffs == reference.handoffs and fast.feedback == reference.feedback
    assert fast.findings or folder == "examples"


def test_fast_loader_declines_what_it_must_not_read():
    from hardening.test_hostile_yaml import CASES as HOSTILE  # noqa: PLC0415

    for name, (text, _, message) in HOSTILE.items():
        ok, value = fast_load(text.encode("utf-8"))
        if ok:
            assert message is None or "YAML read it as" in message or "expected text" in message \
                or "unknown field" in message \
                or "is not one of" in message, name
            assert value == parse_bytes(text.encode("utf-8")).value, name


scalars = st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none(),
                    st.sampled_from(["yes", "no", "on", "2026-11-24", "0000-00-00", "1:20", "1e309", ".nan", "~"]))
documents = st.dictionaries(st.text(min_size=1, max_size=12), st.one_of(
    scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8), scalars, max_size=4)),
    min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(document=documents, style=st.sampled_from([None, False, True]))
def test_fast_and_positional_readers_agree(document, style):
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=style, sort_keys=False)
    reference = parse_bytes(text.encode("utf-8"))
    ok, value = fast_load(text.encode("utf-8"))
    if ok:
        assert not reference.problems
        assert value == reference.value
    declined = _RISKY.search(text) or _CONTROL.search(text) or "[" in text or "{" in text or "\n---" in text \
        or _may_nest_too_deep(text)
    if not reference.problems and isinstance(reference.value, dict) and not declined:
        assert ok  # the fast path takes ordinary block documents


def _nested(depth: int, shape: str) -> str:
    """A mapping holding `depth` collections in all, nested by `shape` (block style only)."""
    if shape == "dashes":
        return "part:\n  " + "- " * (depth - 1) + "x\n"
    if shape == "indentation":
        return "".join(" " * level + f"k{level}:\n" for level in range(depth - 1)) + " " * (depth - 1) + "x: y\n"
    # a sequence at its key's own column, a mapping one column in: two levels a column
    lines, column, count = ["part:"], 0, 1
    while True:
        lines.append(" " * column + "-")
        count += 1
        if count == depth:
            lines.append(" " * (column + 1) + "x")
            break
        column += 1
        count += 1
        if count == depth:
            lines.append(" " * column + "k: x")
            break
        lines.append(" " * column + "k:")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("shape", ["dashes", "indentation", "mapping and indentless sequence"])
def test_the_fast_path_never_reads_what_the_positional_reader_finds_too_deep(shape):
    """Deep block nesting is declined by the pre-scan, before libyaml's recursive C composer
    sees it (so no libyaml limit is relied on); what it does read agrees with the positional reader."""
    for depth in range(2, 45):
        data = _nested(depth, shape).encode()
        reference = parse_bytes(data)
        too_deep = any("nesting deeper" in p.message for p in reference.problems)
        ok, value = fast_load(data)
        assert not (ok and too_deep), (shape, depth)
        if ok:
            assert value == reference.value and not reference.problems, (shape, depth)
    assert _may_nest_too_deep("part:\n    " + "- " * 40_000 + "x\n")
