"""The YAML reader: positions, and refusing what a handoff file must not contain."""

from __future__ import annotations

import pytest

from handoff_cli.documents import reading, writing
from handoff_cli.documents.reading import Position, parse_bytes, parse_text
from handoff_cli.documents.writing import dump


def test_positions_of_keys_and_values():
    parsed = parse_text("id: x\ncontext:\n  a: 1\n  b:\n    - one\n    - two\n")
    assert parsed.position(("context", "a")) == Position(3, 3)
    assert parsed.inside(("context",)) == Position(3, 3)
    assert parsed.position(("context", "b", 1)) == Position(6, 7)
    assert parsed.position(("context", "nope")) == Position(2, 1)  # nearest ancestor


def test_dates_stay_the_typed_strings():
    parsed = parse_text("created: 2026-11-20T14:05:00+09:00\ndue: 2026-11-24\nn: 3\nok: true\nnone: ~\n")
    assert parsed.value == {"created": "2026-11-20T14:05:00+09:00", "due": "2026-11-24", "n": 3, "ok": True,
                            "none": None}


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("a: &x 1\nb: *x\n", "anchors and aliases"),
    ("<<: {a: 1}\n", "merge keys (<<) are not allowed"),
    ("a: 1\n---\nb: 2\n", "more than one YAML document"),
    ("a: !!python/object/apply:os.system ['echo hi']\n", "unsupported YAML tag !!python/object/apply:os.system"),
    ("a: !custom x\n", "unsupported YAML tag !custom"),
    ("a: \"\\x01\"\n", "control character U+0001"),
    ("\ta: 1\n", "YAML syntax error"),
    ("a: [1, 2\n", "YAML syntax error"),
    ("? [a, b]\n: c\n", "a key must be plain text"),
])
def test_refused_constructs_are_problems_not_exceptions(text, message):
    parsed = parse_text(text)
    assert any(message in p.message for p in parsed.problems), parsed.problems


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20))
    parsed = parse_text(bomb)
    assert parsed.value is None and "anchors and aliases" in parsed.problems[0].message


@pytest.mark.parametrize("depth", [33, 200_000])
def test_deep_nesting_is_refused_without_crashing(depth):
    parsed = parse_text("a: " + "[" * depth + "]" * depth)
    assert parsed.value is None and "nesting deeper than 32 levels" in parsed.problems[0].message


def test_duplicate_keys_are_reported_with_both_lines():
    parsed = parse_text("a: 1\nb: 2\na: 3\n")
    (problem,) = parsed.problems
    assert problem.position == Position(3, 1) and "first at line 1" in problem.message


def test_encoding_problems():
    assert "byte order mark" in parse_bytes(b"\xef\xbb\xbfa: 1\n").problems[0].message
    bad = parse_bytes(b"a: 1\nb: \xff\n").problems[0]
    assert "not valid UTF-8" in bad.message and bad.position == Position(2, 4)
    big = parse_bytes(b"a: " + b"x" * (reading.MAX_FILE_BYTES + 1))
    assert "the limit is" in big.problems[0].message


def test_yaml_11_surprises_are_values_the_schema_can_reject():
    assert parse_text("a: no\nb: on\nc: 1e309\nd: 1:20\n").value == {"a": False, "b": True, "c": "1e309", "d": 80}


@pytest.mark.parametrize("value", [
    "ACME製作所 生産管理刷新", "line one\nline two\n", "trailing  \n", "yes", "null", "1e3", "- not a list",
    "key: value", "#hash", "'; DROP TABLE handoffs; --", "$(rm -rf /)", "emoji 🚀👩‍👩‍👧", "עברית RTL",
    "e\u0301 combining", "zero\u200bwidth", "x" * 5000, "2026-11-24", "  leading", "\ttab", "", " ",
])
def test_dump_then_parse_round_trips_text_exactly(value):
    text = dump({"v": value, "list": [value]})
    assert "\\u" not in text or "\\u" in value
    assert parse_text(text).value == {"v": value, "list": [value]}


@pytest.mark.parametrize("value", ["0000-00-00", "2026-02-30", "2026-13-01T10:00:00+09:00", "9999-99-99"])
def test_impossible_dates_are_quoted_so_any_yaml_reader_can_load_them(value):
    import yaml

    text = dump({"v": writing.DateText(value)})
    assert text == f"v: '{value}'\n"
    assert yaml.safe_load(text) == {"v": value}


def test_dump_writes_unicode_and_date_fields_plainly():
    text = dump({"title": "株式会社ACME", "created": writing.DateText("2026-11-20T14:05:00+09:00"),
                 "note": "2026-11-20", "items": [{"a": 1}]})
    assert text == ("title: 株式会社ACME\ncreated: 2026-11-20T14:05:00+09:00\nnote: '2026-11-20'\n"
                    "items:\n  - a: 1\n")


def test_write_atomic_exclusive_refuses_to_replace(tmp_path):
    target = tmp_path / "a" / "doc.yaml"
    writing.write_atomic(target, "one\n", exclusive=True)
    with pytest.raises(FileExistsError):
        writing.write_atomic(target, "two\n", exclusive=True)
    assert target.read_text() == "one\n"
    assert [p.name for p in target.parent.iterdir()] == ["doc.yaml"]  # no temp file left behind
