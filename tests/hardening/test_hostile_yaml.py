"""Hostile or broken YAML: a clean finding with its line, exit 1, bounded time and memory,
nothing executed, never a traceback. Run as the installed executable under a memory cap."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import lead_document, make_repo

H = "20261102-aaaaaa"
PATH = f"handoffs/2026/11/02/{H}.yaml"
VALID = lead_document(H, created="2026-11-02T09:00:00+09:00")
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _check(repo) -> subprocess.CompletedProcess:
    handoff = Path(sys.executable).parent / "handoff"
    return subprocess.run([str(handoff), "check"], cwd=repo.path, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_limit_memory, stdin=subprocess.DEVNULL)


def _bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


CASES = {
    "alias bomb": (_bomb(), "2:", "anchors and aliases"),
    "python object tag": ("!!python/object/apply:os.system ['touch pwned']\n", "1:1", "unsupported YAML tag"),
    "python tag in a value": (VALID.replace("urgency: high", "urgency: !!python/name:os.system high"),
                              "context.urgency", "unsupported YAML tag !!python/name:os.system"),
    "duplicate keys": (VALID + "title: again\n", ":22:1: title: duplicate key 'title'", "first at line 3"),
    "tab indentation": (VALID.replace("  urgency: high", "\turgency: high"), ":", "YAML syntax error"),
    "byte order mark": ("\ufeff" + VALID, ":1:1:", "byte order mark"),
    "empty file": ("", ":1:1:", "the file is empty"),
    "only a comment": ("# nothing\n", ":1:1:", "the file is empty"),
    "list at top level": ("- a\n- b\n", ":1:1:", "must be a mapping"),
    "scalar at top level": ("just text\n", ":1:1:", "must be a mapping"),
    "several documents": (VALID + "---\n" + VALID, ":22:1:", "more than one YAML document"),
    "merge key": (VALID + "<<: {kind: order}\n", ":22:1:", "merge keys (<<) are not allowed"),
    "control character": (VALID.replace("Contoso Ltd", '"Contoso\\x07 Ltd"'), "customer.company",
                          "control character U+0007"),
    "raw control character": (VALID.replace("Contoso Ltd", "Contoso\x07Ltd"), ":14:19:", "control character U+0007"),
    "yes/no booleans": (VALID.replace("decision_maker: CFO Mark Liu", "decision_maker: no"),
                        "context.decision_maker", "YAML read it as a boolean"),
    "on as a key": (VALID.replace("  urgency: high\n", "  urgency: high\n  on: yes\n"), ":20:3: context.on: ",
                    "unknown field 'on'"),  # the key stays the text 'on' (never True), and is not a field
    "1e309": (VALID.replace("urgency: high", "urgency: 1e309"), "context.urgency", "'1e309' is not one of"),
    ".nan": (VALID.replace("urgency: high", "urgency: .nan"), ":19:12: context.urgency",
             "'.nan' is not a number a person can use"),
    "unquoted time where text belongs": (VALID.replace("decision_maker: CFO Mark Liu", "decision_maker: 12:30"),
                                         "context.decision_maker", "expected text, found a whole number"),
    "unquoted date is accepted": (VALID.replace("created: 2026-11-02T09:00:00+09:00", "created: 2026-11-02 09:00:00+09:00"),
                                  None, None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_a_finding(tmp_path, name):
    text, where, message = CASES[name]
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, text)
    done = _check(repo)
    assert "Traceback" not in done.stderr and done.stderr == "", done.stderr
    if message is None:
        assert done.returncode == 0, done.stdout
        return
    assert done.returncode == 1, done.stdout
    line = next(line for line in done.stdout.splitlines() if line.startswith(PATH))
    assert where in line and message in line, line
    assert not (repo.path / "pwned").exists()


def test_invalid_utf8(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID.encode().replace(b"Contoso", b"Cont\xff\xfeso"))
    done = _check(repo)
    assert done.returncode == 1
    assert f"{PATH}:14:16: not valid UTF-8 (invalid start byte)" in done.stdout


def test_very_large_file_is_refused(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID + "  notes: " + "x" * (2 * 1024 * 1024) + "\n")
    done = _check(repo)
    assert done.returncode == 1
    assert "the limit is 1048576 bytes" in done.stdout


@pytest.mark.parametrize("depth", [40, 500_000])
def test_very_deep_nesting(tmp_path, depth):
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID + "  deep: " + "[" * depth + "]" * depth + "\n")
    done = _check(repo)
    assert done.returncode == 1
    assert "nesting deeper than 32 levels" in done.stdout


def test_long_lines_and_many_keys_stay_valid(tmp_path):
    repo = make_repo(tmp_path / "r")
    many = "".join(f"  x-extra_{i}: value {i}\n" for i in range(5000))  # extensions: allowed
    repo.write(PATH, VALID.replace("  urgency: high\n", "  urgency: high\n" + many)
               .replace("CFO Mark Liu", "CFO Mark Liu " + "あ" * 50_000))
    done = _check(repo)
    assert done.returncode == 0, done.stdout[:500]


# ---------------------------------------------------------------- scalars that are not what they say

URGENCY = ":19:12: context.urgency: "  # where `urgency: <value>` stands in VALID
DIGITS_4301 = "1" * 4301  # past Python's int-string limit (4300 digits)
SEXAGESIMAL = ":".join(["1"] * 450_000)  # 900 KB of base 60: quadratic to convert

SCALARS = {
    "0b_": ("0b_", "'0b_' reads as a number in YAML but is not one; quote it to keep it as text"),
    "0x_": ("0x_", "'0x_' reads as a number in YAML but is not one"),
    "!!int abc": ("!!int abc", "'abc' is not a valid !!int; remove the tag or write a number"),
    "!!int ''": ("!!int ''", "'' is not a valid !!int; remove the tag or write a number"),
    "!!float x": ("!!float x", "'x' is not a valid !!float; remove the tag or write a number"),
    "!!bool maybe": ("!!bool maybe", "'maybe' is not a valid !!bool; remove the tag or write true or false"),
    "4301 digits": (DIGITS_4301, "a number 4301 characters long; numbers are limited to 64 characters"),
    "4301 digits, tagged": ("!!int " + DIGITS_4301, "numbers are limited to 64 characters"),
    "900 KB sexagesimal": (SEXAGESIMAL, f"a number {len(SEXAGESIMAL)} characters long"),
    "65-digit float": ("1." + "5" * 63, "a number 65 characters long"),
    "2**63": (str(2**63), "9223372036854775808 is too large a whole number to check"),
    "-2**63 - 1": (str(-2**63 - 1), "-9223372036854775809 is too large a whole number to check"),
    "hex past 64 bits": ("0x1" + "0" * 16, "is too large a whole number to check"),
    ".nan": (".nan", "'.nan' is not a number a person can use"),
    ".inf": (".inf", "'.inf' is not a number a person can use"),
    "-.inf": ("-.inf", "'-.inf' is not a number a person can use"),
    "overflowing float": ("1.0e+999", "'1.0e+999' is not a number a person can use"),
}


@pytest.mark.parametrize("name", list(SCALARS))
def test_a_scalar_that_is_not_what_it_says_is_a_finding_at_its_line(tmp_path, name):
    """Both readers (the fast path steps aside, the positional reader explains): a finding,
    never a traceback, whatever the tag or length; nothing long is ever converted."""
    value, message = SCALARS[name]
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID.replace("urgency: high", f"urgency: {value}"))
    done = _check(repo)
    assert "Traceback" not in done.stderr and done.stderr == "", done.stderr[-2000:]
    assert done.returncode == 1, done.stdout
    assert any(line.startswith(PATH + URGENCY) and message in line for line in done.stdout.splitlines()), done.stdout


@pytest.mark.parametrize("command", [["list"], ["report", "--format", "json"]])
def test_an_endless_number_does_not_break_list_or_report(tmp_path, command):
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID.replace("urgency: high", f"urgency: {DIGITS_4301}"))
    repo.write("handoffs/2026/11/02/20261102-bbbbbb.yaml", lead_document("20261102-bbbbbb",
                                                                         created="2026-11-02T09:00:00+09:00"))
    repo.commit("two handoffs")
    handoff = Path(sys.executable).parent / "handoff"
    done = subprocess.run([str(handoff), *command], cwd=repo.path, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_limit_memory, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "20261102-bbbbbb" in done.stdout


def test_a_control_character_in_a_key_is_a_finding_at_the_key(tmp_path):
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID.replace("  urgency: high\n", '  urgency: high\n  "note\\x07s": text\n'))
    done = _check(repo)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert any(line.startswith(PATH + ":20:3: context.note") and "control character U+0007" in line
               for line in done.stdout.splitlines()), done.stdout


@pytest.mark.parametrize("shape", ["dashes", "indentation", "dashes after indentation"])
@pytest.mark.parametrize("depth", [40, 40_000])
def test_very_deep_block_nesting(tmp_path, shape, depth):
    """Block nesting (no bracket at all) is caught before libyaml's C composer, which
    recurses on the C stack, ever sees it: whatever libyaml's own limit, the positional
    reader stops at 32 levels."""
    if shape == "dashes":
        deep = "  part:\n    " + "- " * depth + "x\n"
    elif shape == "indentation":
        depth = min(depth, 1000)  # 1 + 2 + ... columns: a thousand levels are already 500 KB
        deep = "".join(" " * (2 + level) + f"k{level}:\n" for level in range(depth)) + " " * (2 + depth) + "x: y\n"
    else:
        deep = "  part:\n" + "".join(" " * (4 + 2 * level) + "- \n" for level in range(min(depth, 600))) + \
            " " * (6 + 2 * min(depth, 600)) + "x\n"
    repo = make_repo(tmp_path / "r")
    repo.write(PATH, VALID + deep)
    done = _check(repo)
    assert done.returncode == 1 and done.stderr == "", done.stderr[-2000:]
    assert "nesting deeper than 32 levels" in done.stdout
